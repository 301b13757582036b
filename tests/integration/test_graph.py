from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.exceptions import GraphAuthError, GraphUnavailableError
from core.settings import Neo4jSettings
from graph import schema
from graph.local.process import free_port
from graph.repository import GraphStore
from tests.integration.test_ingest_fixtures import _load_all as load_fixture_graph


def test_schema_applied_twice_is_a_noop(store: GraphStore) -> None:
    assert schema.missing(store) == set()
    before = schema.existing_names(store)
    assert schema.apply_schema(store) == []
    assert schema.existing_names(store) == before


def test_write_and_read_back(store: GraphStore) -> None:
    rows = [{"id": f"HP:000000{i}", "name": f"term {i}"} for i in range(7)]
    counts = store.write_rows("graph/test_upsert_entities", rows, batch_size=3)
    assert counts.nodes_created == 7
    again = store.write_rows("graph/test_upsert_entities", rows, batch_size=3)
    assert again.nodes_created == 0  # MERGE on the unique id: idempotent
    assert store.stats() == {"nodes": {"Entity": 7}, "relationships": {}}
    got = store.read("graph/test_get_entity", id="HP:0000003")
    assert got == [{"id": "HP:0000003", "name": "term 3"}]
    assert store.read("graph/test_get_entity", raw=True, id="HP:0000003") == got


def test_raw_reads_equal_converted_reads_for_plain_values(store: GraphStore) -> None:
    load_fixture_graph(store)
    rows = store.read("graph/stream_edges")[:50]
    keys = [
        {
            "subject": r["subject"],
            "type": r["type"],
            "negated": bool(r["props"].get("negated")),
            "object": r["object"],
        }
        for r in rows
    ]
    plain = store.read("retrieval/statement_props", rows=keys)
    assert plain and store.read("retrieval/statement_props", raw=True, rows=keys) == plain


def test_duplicate_id_violates_constraint(store: GraphStore) -> None:
    from core.exceptions import GraphError

    store.run_text("t", "CREATE (:Gene {id: 'NCBIGene:1'})", {}, read=False)
    with pytest.raises(GraphError, match="already exists"):
        store.run_text("t", "CREATE (:Gene {id: 'NCBIGene:1'})", {}, read=False)


def test_stopped_server_gives_clear_error_naming_the_uri(neo4j_cfg: Neo4jSettings) -> None:
    port = free_port()
    cfg = neo4j_cfg.model_copy(update={"bolt_port": port, "connection_timeout_s": 1.0})
    with pytest.raises(GraphUnavailableError, match=f"bolt://127.0.0.1:{port}") as exc:
        GraphStore.connect(cfg)
    assert "evigraph neo4j start" in str(exc.value)


def test_wrong_password_gives_clear_error(neo4j_cfg: Neo4jSettings) -> None:
    from pydantic import SecretStr

    cfg = neo4j_cfg.model_copy(update={"password": SecretStr("not-the-password")})
    with pytest.raises(GraphAuthError, match="refused the credentials of user 'neo4j'"):
        GraphStore.connect(cfg)


def test_cli_stats_prints_json(store: GraphStore) -> None:
    store.run_text("t", "CREATE (:Entity:Gene {id: 'NCBIGene:2200'})", {}, read=False)
    evigraph = Path(sys.executable).parent / "evigraph"
    out = subprocess.run(
        [str(evigraph), "stats"], capture_output=True, text=True, env=os.environ, check=True
    )
    assert json.loads(out.stdout) == {"nodes": {"Entity": 1, "Gene": 1}, "relationships": {}}


def test_cli_error_on_unreachable_server_is_one_line() -> None:
    env = {**os.environ, "EVIGRAPH_NEO4J__BOLT_PORT": str(free_port())}
    env["EVIGRAPH_NEO4J__CONNECTION_TIMEOUT_S"] = "1"
    evigraph = Path(sys.executable).parent / "evigraph"
    out = subprocess.run([str(evigraph), "stats"], capture_output=True, text=True, env=env)
    assert out.returncode == 1
    assert out.stderr.startswith("error: Neo4j is not reachable at bolt://127.0.0.1:")
    assert "Traceback" not in out.stderr
