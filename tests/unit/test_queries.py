from __future__ import annotations

import pytest

from core.exceptions import GraphError
from graph import queries, schema


def test_every_catalog_file_loads() -> None:
    for group in ("graph", "schema"):
        names = queries.catalog(group)
        assert names
        for name in names:
            assert queries.load(name)


def test_unknown_query_is_a_clear_error() -> None:
    with pytest.raises(GraphError, match="no Cypher query named 'graph/nope'"):
        queries.load("graph/nope")


def test_schema_statements_cover_every_label() -> None:
    stmts = queries.statements("schema/constraints")
    assert all(s.startswith("CREATE CONSTRAINT") and "IF NOT EXISTS" in s for s in stmts)
    labels = {s.split("FOR (n:")[1].split(")")[0] for s in stmts if "FOR (n:" in s}
    assert {"Entity", "Disease", "PhenotypicFeature", "Gene", "IngestRun"} <= labels
    assert "entity_id" in schema.expected_names()
    assert "entity_text" in schema.expected_names()
