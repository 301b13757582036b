"""The bulk path (neo4j-admin import into an empty local database) on the real Neo4j.

These tests stop and start the test server (that is what the bulk path does), so each one
reconnects the session's driver afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.exceptions import GraphError, IngestError
from core.settings import Neo4jSettings, Settings
from graph.checksum import checksum
from graph.driver import create_driver
from graph.local import runtime
from graph.repository import GraphStore
from graph.vocabulary import Source
from ingest import bulk, job, runs
from ingest.rows import ParsedFile
from ingest.sources import Input, parse_source
from tests.integration.test_ingest_fixtures import HPO, MIM2GENE, PACKETS, cli_ingest_hpo

ORDER = [Source.HPO, Source.HPOA, Source.OMIM, Source.ORPHANET, Source.HPOA_SUPPLEMENT]
SUPPLEMENT = HPO["hpoa"].parent / "hpoa-supplement.jsonl"


def _inputs() -> list[Input]:
    inputs = [Input(k, p) for k, p in HPO.items()]
    more = [Input("mim2gene", MIM2GENE), Input("packets", PACKETS)]
    return [*inputs, *more, Input("hpoa-supplement", SUPPLEMENT)]


def _parsed() -> dict[Source, list[ParsedFile]]:
    return {src: parse_source(src, _inputs(), MIM2GENE) for src in ORDER}


@pytest.fixture
def bulk_store(store: GraphStore, neo4j_cfg: Neo4jSettings) -> Iterator[GraphStore]:
    """The empty test graph; the driver is renewed after the test, since the server restarts."""
    yield store
    store.driver.close()
    store.driver = create_driver(neo4j_cfg)


def _cfg(**ingest: object) -> Settings:
    cfg = Settings()
    return cfg.model_copy(update={"ingest": cfg.ingest.model_copy(update=ingest)})


def test_bulk_load_equals_the_transactional_path(bulk_store: GraphStore) -> None:
    parsed = _parsed()
    for src in ORDER:
        job.run_source(bulk_store, src, parsed[src], batch_size=50)
    transactional = checksum(bulk_store)
    stats = bulk_store.stats()
    bulk_store.run_text("t", "MATCH (n) DETACH DELETE n", {}, read=False)
    assert bulk.unsuitable(bulk_store, _cfg()) is None

    results = bulk.load_empty(_cfg(), ORDER, _inputs(), MIM2GENE)

    bulk_store.driver.close()
    bulk_store.driver = create_driver(bulk_store.cfg)
    assert checksum(bulk_store) == transactional
    assert transactional["relationships"] > 0
    assert bulk_store.stats() == stats
    listed = runs.list_runs(bulk_store)
    assert [r["source"] for r in listed] == [s.value for s in reversed(ORDER)]
    assert {(r["status"], r["mode"]) for r in listed} == {("completed", "bulk-import")}
    by_source = {r.source: r for r in results}
    hpoa = next(r for r in listed if r["source"] == "hpoa")
    assert hpoa["counts"]["edges_added"] == by_source[Source.HPOA].counts["edges"] > 0
    # Nodes and statements carry the run ids the records name, and the schema is back.
    run_ids = {r["id"] for r in listed}
    stamped = bulk_store.run_text(
        "t",
        "MATCH (n:Entity) WHERE n.last_ingest_run IS NOT NULL "
        "RETURN collect(DISTINCT n.last_ingest_run) AS ids",
        {},
        read=True,
    )[0]["ids"]
    assert stamped and set(stamped) <= run_ids
    assert bulk_store.read("graph/test_get_entity", id="HP:0001166")[0]["name"] == "Arachnodactyly"
    supplemented = bulk_store.read("graph/test_get_entity", id="OMIM:100650")[0]
    assert supplemented["name"] == "Alcohol sensitivity, acute"


def test_a_source_after_the_bulk_load_writes_nothing_new(bulk_store: GraphStore) -> None:
    parsed = _parsed()
    bulk.load_empty(_cfg(), ORDER, _inputs(), MIM2GENE)
    bulk_store.driver.close()
    bulk_store.driver = create_driver(bulk_store.cfg)
    before = checksum(bulk_store)
    assert bulk.unsuitable(bulk_store, _cfg()) == "the database is not empty"
    # The stored content hashes and releases equal the plan's: the diff finds nothing to write.
    again = job.run_source(bulk_store, Source.ORPHANET, parsed[Source.ORPHANET], batch_size=50)
    assert again.counts["rows_written"] == 0
    assert again.counts["edges_removed"] == again.counts["nodes_removed"] == 0
    assert checksum(bulk_store) == before


def test_failed_import_leaves_the_database_as_it_was(
    bulk_store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime, "ADMIN_ENTRY_POINT", "org.neo4j.NoSuchAdminCommand")
    with pytest.raises(GraphError, match="neo4j-admin database import failed"):
        bulk.load_empty(_cfg(), ORDER, _inputs(), MIM2GENE)
    assert runtime.status(bulk_store.cfg)["running"]
    bulk_store.driver.close()
    bulk_store.driver = create_driver(bulk_store.cfg)
    assert bulk_store.stats() == {"nodes": {}, "relationships": {}}
    assert bulk.unsuitable(bulk_store, _cfg()) is None  # still empty, schema in place


def test_a_bad_file_stops_the_bulk_load_before_the_database_is_touched(
    bulk_store: GraphStore, tmp_path: Path
) -> None:
    broken = tmp_path / "orphapacket_broken.json"
    broken.write_text('{"Orphapacket": {"ORPHAcode": ', encoding="utf-8")
    inputs = [i for i in _inputs() if i.kind != "packets"] + [Input("packets", broken)]
    with pytest.raises(IngestError, match=r"orphapacket_broken\.json"):
        bulk.load_empty(_cfg(), ORDER, inputs, MIM2GENE)
    assert runtime.status(bulk_store.cfg)["running"]  # stopped meanwhile, started again
    bulk_store.driver.close()
    bulk_store.driver = create_driver(bulk_store.cfg)
    assert bulk_store.stats() == {"nodes": {}, "relationships": {}}


def test_when_the_bulk_path_is_not_taken(bulk_store: GraphStore) -> None:
    assert bulk.unsuitable(bulk_store, _cfg()) is None
    assert "switched off" in str(bulk.unsuitable(bulk_store, _cfg(bulk_import=False)))
    external = Settings().model_copy(
        update={"neo4j": bulk_store.cfg.model_copy(update={"uri": bulk_store.cfg.effective_uri})}
    )
    assert "external" in str(bulk.unsuitable(bulk_store, external))
    bulk_store.run_text("t", "CREATE (:IngestRun {id: 'x'})", {}, read=False)
    assert bulk.unsuitable(bulk_store, _cfg()) == "the database is not empty"


def test_cli_reports_the_bulk_path(bulk_store: GraphStore) -> None:
    """`evigraph ingest` on the empty test database loads it in bulk and records its runs."""
    stderr, listed = cli_ingest_hpo()
    assert "loading it with neo4j-admin import" in stderr
    assert [(r["source"], r["mode"]) for r in listed] == [
        ("hpoa", "bulk-import"),
        ("hpo", "bulk-import"),
    ]
