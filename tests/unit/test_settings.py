from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.settings import Neo4jSettings, Settings


def test_nested_env_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIGRAPH_NEO4J__BOLT_PORT", "7777")
    monkeypatch.setenv("EVIGRAPH_NEO4J__PASSWORD", "s3cret-pass")
    monkeypatch.setenv("EVIGRAPH_INGEST__BATCH_SIZE", "123")
    s = Settings()
    assert s.neo4j.bolt_port == 7777
    assert s.neo4j.effective_uri == "bolt://127.0.0.1:7777"
    assert s.neo4j.managed
    assert s.ingest.batch_size == 123
    # Secrets never show in reprs or logs.
    assert "s3cret-pass" not in repr(s)
    assert s.neo4j.password.get_secret_value() == "s3cret-pass"


def test_external_uri_means_unmanaged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIGRAPH_NEO4J__URI", "neo4j://db.example:7687")
    s = Settings()
    assert not s.neo4j.managed
    assert s.neo4j.effective_uri == "neo4j://db.example:7687"


@pytest.mark.parametrize("bad", ["2 GB", "lots", "g", "12x"])
def test_memory_sizes_are_validated(bad: str) -> None:
    with pytest.raises(ValidationError, match="memory size"):
        Neo4jSettings(heap=bad)
