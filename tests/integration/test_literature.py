"""`extract literature --write` on a real Neo4j with the tiny ADE model: a rerun writes
nothing twice, a run stopped mid-way (in the extract stage or in the writer) and started
again ends with the same graph as one clean run, DeleteCitation retracts a document's
evidence, and `retract` removes the run."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from extraction import writeback as wb
from extraction.literature import engines, loader
from extraction.literature.engines import Task
from extraction.literature.extractors import Extractor, Row
from extraction.literature.job import LiteratureJob, Summary
from graph import checksum, schema
from graph.repository import GraphStore
from tests.integration.conftest import WIPE
from tests.literature_tiny import tiny_extractors

pytestmark = pytest.mark.neo4j
SHARED = Settings().ingest.data_dir
DATA = Path(__file__).parents[1] / "data" / "pubmed"
INPUTS = [SHARED / "bc5cdr" / "CDR_TestSet.PubTator.txt"]


@pytest.fixture(scope="module")
def extractors(tmp_path_factory: pytest.TempPathFactory) -> list[Extractor]:
    return tiny_extractors(tmp_path_factory.mktemp("tiny"))


def _run(store: GraphStore, ex: list[Extractor], root: Path, paths: list[Path]) -> Summary:
    return LiteratureJob(ex, engines.local_engine(ex), store, root, 64).run(paths)


def _wipe(store: GraphStore) -> None:
    with store.driver.session(database=store.database) as s:
        s.run(WIPE).consume()
    schema.apply_schema(store)


class KilledError(Exception):
    pass


def _dies_after(ex: list[Extractor], n: int) -> engines.Engine:
    inner, seen = engines.local_engine(ex), []

    def run(tasks: Iterable[Task]) -> Iterator[tuple[Task, list[Row]]]:
        for out in inner(tasks):
            if len(seen) == n:
                raise KilledError
            seen.append(out)
            yield out

    return run


def test_rerun_and_resume_end_with_the_clean_graph(
    store: GraphStore, extractors: list[Extractor], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean = _run(store, extractors, tmp_path / "a", INPUTS)
    assert (clean.documents, clean.extracted, clean.skipped) == (500, 500, 0)
    assert clean.statements > 100 and 0 < clean.new_evidence <= clean.statements
    want = checksum.checksum(store)
    again = _run(store, extractors, tmp_path / "a", INPUTS)
    assert (again.skipped, again.extracted, again.new_evidence) == (500, 0, 0)
    assert checksum.checksum(store) == want

    _wipe(store)  # stopped in the extract stage after 3 batches, then started again
    with pytest.raises(KilledError):
        LiteratureJob(extractors, _dies_after(extractors, 3), store, tmp_path / "b", 64).run(INPUTS)
    resumed = _run(store, extractors, tmp_path / "b", INPUTS)
    assert resumed.resumed and resumed.skipped == 3 * 64
    assert checksum.checksum(store) == want
    assert len(wb.list_runs(store, "literature")) == 1

    _wipe(store)  # stopped in the writer: the 2nd shard is on disk, not in the graph
    real, calls = loader.load_shard, []

    def failing(s: GraphStore, run: str, path: Path) -> loader.LoadCounts:
        calls.append(path)
        if len(calls) == 2:
            raise KilledError
        return real(s, run, path)

    monkeypatch.setattr(loader, "load_shard", failing)
    with pytest.raises(KilledError):
        _run(store, extractors, tmp_path / "c", INPUTS)
    monkeypatch.setattr(loader, "load_shard", real)
    resumed = _run(store, extractors, tmp_path / "c", INPUTS)
    assert resumed.resumed and resumed.skipped == 2 * 64  # the pending shard loaded first
    assert checksum.checksum(store) == want


def _evidence_docs(store: GraphStore) -> set[str]:
    rows = store.read("analyst/get_statement_evidence", subject="x", object="y", type=None, limit=1)
    assert rows == []
    got = store.run_text(
        "test/evidence_docs",
        "MATCH ()-[r]->() WHERE r.evidence_id IS NOT NULL RETURN DISTINCT r.document_id AS d",
        {},
        read=True,
    )
    return {str(r["d"]) for r in got}


def test_delete_citation_retracts_and_retract_removes_the_run(
    store: GraphStore, extractors: list[Extractor], tmp_path: Path
) -> None:
    current = SHARED / "pubmed" / "test_current_medline.xml.gz"
    first = _run(store, extractors, tmp_path, [current])
    assert "PMID:36400559" in _evidence_docs(store)
    before = _evidence_docs(store)
    update = _run(store, extractors, tmp_path, [DATA / "pubmed_delete_36400559.xml"])
    assert update.deleted > 0
    assert _evidence_docs(store) == before - {"PMID:36400559"}
    assert not store.run_text(
        "test/nsaid",
        "MATCH (n:Entity {id: 'DRUG:nonsteroidal anti-inflammatory drugs'}) RETURN n.id AS id",
        {},
        read=True,
    )  # its drug node had no other evidence: gone with it
    wb.retract_run(store, first.run_id)
    assert _evidence_docs(store) == set()
    again = _run(store, extractors, tmp_path, [current])
    assert again.extracted == 4 and again.skipped == 0  # its read markers went with the run
