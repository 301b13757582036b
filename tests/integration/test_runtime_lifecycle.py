"""The local runtime end to end: a second server in a temporary home, stopped and restarted."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.exceptions import RuntimeSetupError
from core.settings import Neo4jSettings
from graph.local import runtime
from graph.local.process import free_port
from graph.repository import GraphStore


def test_stop_and_start_bring_the_same_data_back(tmp_path: Path, neo4j_cfg: Neo4jSettings) -> None:
    cfg = neo4j_cfg.model_copy(
        update={
            "home": tmp_path / "home",
            "bolt_port": free_port(),
            "heap": "512m",
            "pagecache": "128m",
        }
    )
    try:
        pid = runtime.start(cfg)
        assert runtime.status(cfg)["running"] is True
        assert runtime.start(cfg) == pid  # a second start reuses the running server
        with GraphStore.connect(cfg) as s:
            s.run_text(
                "t", "CREATE (:Entity {id: 'HP:0001166', name: 'Arachnodactyly'})", {}, read=False
            )
        assert runtime.stop(cfg) is True
        assert runtime.status(cfg)["running"] is False
        assert runtime.stop(cfg) is False
        runtime.start(cfg)  # password already set: the initial-password step is skipped
        with GraphStore.connect(cfg) as s:
            rows = s.run_text(
                "t", "MATCH (n:Entity) RETURN n.id AS id, n.name AS name", {}, read=True
            )
        assert rows == [{"id": "HP:0001166", "name": "Arachnodactyly"}]
    finally:
        runtime.stop(cfg)


def test_damaged_store_is_reported_and_left_as_it_was(
    tmp_path: Path, neo4j_cfg: Neo4jSettings
) -> None:
    cfg = neo4j_cfg.model_copy(
        update={
            "home": tmp_path / "home",
            "bolt_port": free_port(),
            "heap": "512m",
            "pagecache": "128m",
            # the configured timeout (EVIGRAPH_NEO4J__START_TIMEOUT_S on a loaded machine)
            "start_timeout_s": max(neo4j_cfg.start_timeout_s, 60.0),
        }
    )
    try:
        runtime.start(cfg)
        runtime.stop(cfg)
        store_dir = tmp_path / "home" / "data" / "databases" / cfg.database
        damaged = sorted(store_dir.glob("neostore*"))
        assert damaged
        for f in damaged:
            f.write_bytes(b"\x00garbage" * 8)
        before = {p: p.read_bytes() for p in store_dir.rglob("*") if p.is_file()}
        with pytest.raises(RuntimeSetupError, match=f"database '{cfg.database}' is offline"):
            runtime.start(cfg)
        assert runtime.status(cfg)["running"] is False  # the half-started server was stopped
        after = {p: p.read_bytes() for p in store_dir.rglob("*") if p.is_file()}
        assert after == before  # nothing in the data directory was changed
    finally:
        runtime.stop(cfg)
