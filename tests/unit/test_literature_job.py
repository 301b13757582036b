"""`extract literature` stages without a graph: readers -> batches -> the tiny ADE model ->
shards; the Ray engine writes the same rows as the local one; an unreachable Ray cluster is
a clear error naming its address."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from core.exceptions import ConfigError
from core.settings import Settings
from extraction.literature import engines, shards
from extraction.literature.extractors import Extractor
from extraction.literature.job import LiteratureJob
from tests.literature_tiny import given, tiny_extractors

SHARED = Settings().ingest.data_dir
DATA = Path(__file__).parents[1] / "data" / "pubmed"
INPUTS = [DATA / "bc5cdr_bad_offsets.pubtator", SHARED / "pubmed" / "test_current_medline.xml.gz"]


@pytest.fixture(scope="module")
def extractors(tmp_path_factory: pytest.TempPathFactory) -> list[Extractor]:
    return tiny_extractors(tmp_path_factory.mktemp("tiny"))


def _rows(folder: Path) -> list[dict[str, object]]:
    return [r for p in sorted(folder.glob("shard-*")) for r in shards.read_shard(p)]


def test_local_run_writes_shards_of_every_document(
    extractors: list[Extractor], tmp_path: Path
) -> None:
    job = LiteratureJob(extractors, engines.local_engine(extractors), None, tmp_path, 2)
    s = job.run(INPUTS)
    assert (s.files, s.documents, s.skipped) == (2, 6, 0)  # 2 + 4; one PubTator doc dropped
    assert any("bc5cdr_bad_offsets.pubtator:18" in p for p in s.problems)
    rows = _rows(Path(s.folder))
    assert s.shards == 3 and len(rows) == 6 and s.extracted == 6  # batches never span files
    by_doc = {r["document_id"]: r for r in rows}
    fam = by_doc["PMID:8701013"]
    pairs = {(e["subject"], e["object"]) for e in fam["edges"]}  # type: ignore[attr-defined]
    assert ("DRUG:famotidine", "HP:0031258") in pairs  # delirium linked to HPO
    assert s.statements == sum(len(r["edges"]) for r in rows)  # type: ignore[arg-type]
    back = by_doc["PMID:36400559"]["edges"]
    assert any(e["props"]["sentence"].startswith("The treatment of back pain") for e in back)  # type: ignore[attr-defined,index]


def test_ray_engine_writes_the_same_rows_as_local(
    extractors: list[Extractor], tmp_path: Path
) -> None:
    local = LiteratureJob(extractors, engines.local_engine(extractors), None, tmp_path / "l", 2)
    a = local.run(INPUTS)
    engines.start_ray(None, 2)
    ray_run = engines.ray_engine(functools.partial(given, extractors), actors=2)
    b = LiteratureJob(extractors, ray_run, None, tmp_path / "r", 2, window=8).run(INPUTS)
    assert (b.documents, b.statements, b.shards) == (a.documents, a.statements, a.shards)
    assert _rows(Path(b.folder)) == _rows(Path(a.folder))


def test_unreachable_ray_cluster_is_named() -> None:
    with pytest.raises(ConfigError, match=r"Ray cluster at 127\.0\.0\.1:1 is unreachable"):
        engines.start_ray("127.0.0.1:1", 1)
    with pytest.raises(ConfigError, match="HOST:PORT"):
        engines.check_address("nowhere")


def test_literature_extracts_ade_with_the_gate_when_one_is_trained() -> None:
    """The gate is on by default for literature when trained (it wins on dev once sentences
    without an adverse event are included), off when none is, and the run states its
    operating point."""
    from types import SimpleNamespace

    from extraction.literature.extractors import AdeExtractor

    pair = SimpleNamespace(threshold=0.62)
    gated = AdeExtractor(SimpleNamespace(pair=pair, gate=SimpleNamespace(threshold=0.3)))
    assert gated.gate is True
    assert gated.operating_point == {
        "pair_threshold": 0.62,
        "sentence_gate": True,
        "gate_threshold": 0.3,
    }
    assert AdeExtractor(SimpleNamespace(pair=pair, gate=None)).gate is False
    forced_off = AdeExtractor(
        SimpleNamespace(pair=pair, gate=SimpleNamespace(threshold=0.3)), False
    )
    assert forced_off.operating_point["sentence_gate"] is False
    assert forced_off.operating_point["gate_threshold"] is None
