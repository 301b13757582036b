"""The likelihood-ratio scorer on the hand-built mini HPO and annotations of
test_phenotype.py, where the expected order is known by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from retrieval.phenotype.kb import PhenotypeKB, build_kb
from retrieval.phenotype.lr import LRIndex, LRParams, build_index, lr_scores
from retrieval.phenotype.ranker import PhenotypeRanker
from retrieval.phenotype.rerank import Reranker
from retrieval.phenotype.resolve import resolve
from retrieval.phenotype.score import FEATURES, LR_FEATURES
from tests.unit.test_phenotype import rows


@pytest.fixture(scope="module")
def kb() -> PhenotypeKB:
    return build_kb(rows())


@pytest.fixture(scope="module")
def idx(kb: PhenotypeKB) -> LRIndex:
    return build_index(kb)


def _lr(
    kb: PhenotypeKB,
    idx: LRIndex,
    observed: list[str],
    excluded: Sequence[str] = (),
    params: LRParams | None = None,
) -> tuple[np.ndarray, dict[str, float]]:
    r = resolve(kb.onto, observed, list(excluded))
    per_term, total = lr_scores(
        kb, idx, np.asarray(r.observed), np.asarray(r.excluded, dtype=np.int64), params
    )
    return per_term, dict(zip(kb.ids, total.tolist(), strict=True))


def test_ancestor_match_beats_no_match(kb: PhenotypeKB, idx: LRIndex) -> None:
    _, lr = _lr(kb, idx, ["HP:0002069"])  # generalized tonic-clonic seizure
    # OMIM:3 has the term itself, OMIM:1 its parent Seizure (the patient is more specific),
    # OMIM:5 only an eye term: it explains nothing
    assert lr["OMIM:3"] > lr["OMIM:5"] and lr["OMIM:1"] > lr["OMIM:5"]
    assert lr["OMIM:5"] < 0.0 < lr["OMIM:1"]


def test_a_not_annotation_is_as_bad_as_no_match(kb: PhenotypeKB, idx: LRIndex) -> None:
    _, lr = _lr(kb, idx, ["HP:0002069"])
    # OMIM:2 is annotated NOT seizure: the noise rate, like a disease that has no match
    assert lr["OMIM:2"] == pytest.approx(lr["OMIM:5"])


def test_an_excluded_obligate_term_lowers_a_disease(kb: PhenotypeKB, idx: LRIndex) -> None:
    params = LRParams(excluded_floor=0.1)
    _, before = _lr(kb, idx, ["HP:0001083"], [], params)  # ectopia lentis
    _, after = _lr(kb, idx, ["HP:0001083"], ["HP:0001252"], params)  # no hypotonia
    assert before["OMIM:2"] > before["OMIM:5"]  # very frequent beats an unstated frequency
    # hypotonia is obligate in OMIM:2: it now costs about log 0.1 against the others
    drop = (before["OMIM:2"] - after["OMIM:2"]) - (before["OMIM:5"] - after["OMIM:5"])
    assert drop == pytest.approx(-np.log(0.1), rel=1e-3)
    assert after["OMIM:2"] < after["OMIM:5"]
    _, ignored = _lr(kb, idx, ["HP:0001083"], ["HP:0001252"])  # the default: floor 1
    assert ignored == pytest.approx(before)


def test_a_rare_shared_term_counts_more_than_a_common_one(kb: PhenotypeKB, idx: LRIndex) -> None:
    # OMIM:2 has both hypotonia (only it) and ectopia lentis (it and six others); counted
    # with the same frequency, the rare term carries the larger likelihood ratio
    params = LRParams(use_frequencies=False)
    per_term, _ = _lr(kb, idx, ["HP:0001252", "HP:0001083"], [], params)
    two = kb.member["OMIM:2"]
    rows_ = [kb.onto.index["HP:0001252"], kb.onto.index["HP:0001083"]]
    r = resolve(kb.onto, ["HP:0001252", "HP:0001083"], [])
    hypotonia, ectopia = (r.observed.index(t) for t in rows_)
    assert per_term[hypotonia, two] > per_term[ectopia, two] > 0.0


def _lr_model() -> Reranker:
    cols = list(FEATURES + LR_FEATURES)
    weights = [1.0 if f == "lr" else 0.0 for f in cols]
    n = len(cols)
    return Reranker(cols, [0.0] * n, [1.0] * n, weights, 0.0, 10, {}, asdict(LRParams()))


def test_the_served_ranking_can_use_the_likelihood_ratio(
    kb: PhenotypeKB, idx: LRIndex, tmp_path: Path
) -> None:
    path = tmp_path / "reranker.json"
    _lr_model().save(path)
    model = Reranker.load(path)
    assert model.lr == asdict(LRParams())
    ranker = PhenotypeRanker(kb, model, path)
    out = ranker.rank(resolve(kb.onto, ["HP:0002069"], []), 10)
    _, lr = _lr(kb, idx, ["HP:0002069"])
    ranked = [e["id"] for e in out["ranking"]]
    assert ranked == sorted(ranked, key=lambda d: -lr[d])[: len(ranked)]
    assert out["scorer"] == "reranker"
    one = next(e for e in out["ranking"] if e["id"] == "OMIM:1")
    (ex,) = one["explained"]  # the explanation keeps its path
    assert ex["path"][-1] == {
        "subject": "OMIM:1",
        "predicate": "biolink:has_phenotype",
        "object": "HP:0001250",
    }


def test_a_reranker_without_lr_still_loads_and_serves_without_it(
    kb: PhenotypeKB, tmp_path: Path
) -> None:
    n = len(FEATURES)
    path = tmp_path / "reranker.json"
    Reranker(list(FEATURES), [0.0] * n, [1.0] * n, [1.0] + [0.0] * (n - 1), 0.0, 10, {}).save(path)
    ranker = PhenotypeRanker(kb, Reranker.load(path), path)
    assert ranker.lr is None
    out = ranker.rank(resolve(kb.onto, ["HP:0002069"], []), 10)
    assert [e["id"] for e in out["ranking"]][:2] == ["OMIM:3", "OMIM:1"]
