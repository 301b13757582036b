"""`extract literature --write` on a real Neo4j with the tiny ADE model: a rerun writes
nothing twice, a run stopped mid-way (in the extract stage or in the writer) and started
again ends with the same graph as one clean run, shards waiting for the writer load together
and a broken one keeps those before it, DeleteCitation retracts a document's
evidence, and `retract` removes the run."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from core.exceptions import IngestError
from core.settings import Settings
from extraction import writeback as wb
from extraction.literature import engines, loader, shards
from extraction.literature.engines import Task
from extraction.literature.extractors import Extractor, Row
from extraction.literature.job import LiteratureJob, Summary, open_run
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

    _wipe(store)  # stopped in the writer: its second transaction's shards on disk only
    real, calls = loader.load_rows, []

    def failing(s: GraphStore, run: str, rows: list[Row]) -> loader.LoadCounts:
        calls.append(rows)
        if len(calls) == 2:
            raise KilledError
        return real(s, run, rows)

    monkeypatch.setattr(loader, "load_rows", failing)
    job = LiteratureJob(extractors, engines.local_engine(extractors), store, tmp_path / "c", 64)
    job.group = 20  # a transaction every 20 statements or so
    with pytest.raises(KilledError):
        job.run(INPUTS)
    monkeypatch.setattr(loader, "load_rows", real)
    folder = next((tmp_path / "c").iterdir())
    written, pending = len(list(folder.glob("shard-*"))), len(shards.pending(folder))
    assert 0 < pending < written  # the first transaction's shards are in, the second's not
    resumed = _run(store, extractors, tmp_path / "c", INPUTS)
    assert resumed.resumed and resumed.skipped == min(written * 64, 500)  # pending loaded first
    assert checksum.checksum(store) == want


def test_waiting_shards_load_together_and_a_bad_one_keeps_those_before(
    store: GraphStore, extractors: list[Extractor], tmp_path: Path
) -> None:
    _wipe(store)
    job = LiteratureJob(extractors, engines.local_engine(extractors), None, tmp_path, 64)
    paths = sorted(Path(job.run(INPUTS).folder).glob("shard-*"))
    statements = [sum(len(r["edges"]) for r in shards.read_shard(p)) for p in paths]
    assert len(paths) == 8 and sum(statements) > 60
    paths[5].write_bytes(b"PAR1 cut short")  # the sixth shard is broken
    run, _ = open_run(store, extractors, "grouped")
    loaded: list[loader.LoadCounts] = []
    with pytest.raises(IngestError, match=paths[5].name):
        for counts in loader.load_shards(store, run, paths, 40):
            loaded.append(counts)
    assert sum(c.documents for c in loaded) == 5 * 64  # every shard before the broken one
    assert sum(c.statements for c in loaded) == sum(statements[:5])
    assert 1 < len(loaded) < 5  # several shards a transaction, none over 40 unless alone
    assert all(c.statements <= 40 or c.documents == 64 for c in loaded)
    assert shards.pending(paths[0].parent) == paths[5:]  # the rest waits for the next run
    assert _statement_count(store) == sum(statements[:5])


def test_a_deleted_citation_between_waiting_shards_is_applied_in_its_place(
    store: GraphStore, extractors: list[Extractor], tmp_path: Path
) -> None:
    _wipe(store)
    job = LiteratureJob(extractors, engines.local_engine(extractors), None, tmp_path, 64)
    first, second = sorted(Path(job.run(INPUTS).folder).glob("shard-*"))[:2]
    cited = [r["document_id"] for r in shards.read_shard(first) if r["edges"]]
    gone = shards.write_shard(tmp_path / "update", 1, [{"delete": [cited[0]]}])
    run, _ = open_run(store, extractors, "deleted between")
    loaded = list(loader.load_shards(store, run, [first, gone, second], 10_000))
    assert [c.deleted > 0 for c in loaded] == [False, True, False]  # alone, in its place
    docs = _evidence_docs(store)
    assert cited[0] not in docs and set(cited[1:]) <= docs


def _statement_count(store: GraphStore) -> int:
    got = store.run_text(
        "test/statements",
        "MATCH ()-[r]->() WHERE r.evidence_id IS NOT NULL RETURN count(r) AS n",
        {},
        read=True,
    )
    return int(got[0]["n"])


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
