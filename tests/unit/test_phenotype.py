"""The phenotype ranker on a hand-built mini HPO and annotation set (the rows the graph
queries return), where the expected order is known by hand."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.exceptions import RetrievalError
from retrieval.phenotype import kb as kb_module
from retrieval.phenotype.answer import from_request
from retrieval.phenotype.kb import PRIOR_FEATURES, PhenotypeKB, build_kb
from retrieval.phenotype.phenopacket import Case
from retrieval.phenotype.ranker import PhenotypeRanker
from retrieval.phenotype.rerank import fit
from retrieval.phenotype.resolve import mentions, resolve
from retrieval.phenotype.score import FEATURES, candidates, features, score_all
from retrieval.phenotype.train import train_served, with_copies

TERMS = [
    ("HP:0000001", "All", None),
    ("HP:0000118", "Phenotypic abnormality", "HP:0000001"),
    ("HP:0000707", "Abnormality of the nervous system", "HP:0000118"),
    ("HP:0001250", "Seizure", "HP:0000707"),
    ("HP:0002069", "Generalized tonic-clonic seizure", "HP:0001250"),
    ("HP:0001252", "Hypotonia", "HP:0000707"),
    ("HP:0000478", "Abnormality of the eye", "HP:0000118"),
    ("HP:0000518", "Cataract", "HP:0000478"),
    ("HP:0001083", "Ectopia lentis", "HP:0000478"),
]
VERY_FREQUENT, OCCASIONAL, OBLIGATE = "HP:0040281", "HP:0040283", "HP:0040280"


def _ann(
    d: str, t: str, freq: str | None = None, negated: bool = False, value: float | None = None
) -> dict[str, Any]:
    return {
        "disease": d,
        "term": t,
        "negated": negated,
        "hpoa_frequency": value,
        "orphanet_frequency": freq,
        "publications": ["PMID:1"],
        "sources": ["hpoa"],
    }


def rows() -> dict[str, list[dict[str, Any]]]:
    terms: list[dict[str, Any]] = [
        {
            "id": i,
            "name": n,
            "synonyms": [],
            "alt_ids": None,
            "obsolete": False,
            "replaced_by": None,
            "consider": None,
        }
        for i, n, _ in TERMS
    ]
    terms[5]["alt_ids"] = ["HP:0011398"]  # Hypotonia
    terms[7]["synonyms"] = ["Cataracts", "Lens opacity"]
    terms += [
        {
            "id": "HP:0000057",
            "name": "obsolete Lens clouding",
            "obsolete": True,
            "replaced_by": "HP:0000518",
        },
        {
            "id": "HP:0000099",
            "name": "obsolete Something",
            "obsolete": True,
            "consider": ["HP:0000478"],
        },
    ]
    return {
        "phenotype_terms": terms,
        "phenotype_subclass": [{"child": i, "parent": p} for i, _, p in TERMS if p],
        "phenotype_annotations": [
            _ann("OMIM:1", "HP:0001250", VERY_FREQUENT),
            _ann("OMIM:1", "HP:0000518", OCCASIONAL),
            _ann("OMIM:2", "HP:0001252", OBLIGATE),
            _ann("OMIM:2", "HP:0001083", VERY_FREQUENT),
            _ann("OMIM:2", "HP:0001250", negated=True),
            _ann("ORPHA:3", "HP:0002069", OCCASIONAL),
            _ann("OMIM:3", "HP:0000518", value=0.5),
            _ann("OMIM:4", "HP:0001250", value=0.02),
            _ann("OMIM:4", "HP:0000518", value=0.02),
            *(_ann(f"OMIM:{n}", "HP:0001083") for n in range(5, 11)),  # fillers: eye only
        ],
        "phenotype_diseases": [
            {"id": d, "name": f"disease {d}"}
            for d in (
                "OMIM:1",
                "OMIM:2",
                "ORPHA:3",
                "OMIM:3",
                "OMIM:4",
                *(f"OMIM:{n}" for n in range(5, 11)),
            )
        ],
        "disease_exact_matches": [
            {
                "subject": "ORPHA:3",
                "object": "OMIM:3",
                "relation": "E (Exact mapping)",
                "sources": ["orphanet"],
            }
        ],
        "gene_disease_edges": [
            {
                "gene": "NCBIGene:10",
                "symbol": "GENEA",
                "xrefs": ["ENSEMBL:ENSG00000000005", "OMIM:100005", "HGNC:5", "UMLS:C5"],
                "type": "CAUSES",
                "disease": "ORPHA:3",
                "sources": ["orphanet"],
            },
            {
                "gene": "NCBIGene:20",
                "symbol": "GENEB",
                "xrefs": [],
                "type": "ASSOCIATED_WITH",
                "disease": "OMIM:2",
                "sources": ["hpoa"],
            },
        ],
    }


@pytest.fixture(scope="module")
def kb() -> PhenotypeKB:
    return build_kb(rows())


def _ranking(kb: PhenotypeKB, observed: list[str], excluded: Sequence[str] = ()) -> list[str]:
    ranked = PhenotypeRanker(kb, None, None).rank(resolve(kb.onto, observed, list(excluded)), 10)
    return [e["id"] for e in ranked["ranking"]]


def _scores(kb: PhenotypeKB, observed: list[str], excluded: Sequence[str] = ()) -> Any:
    r = resolve(kb.onto, observed, list(excluded))
    return score_all(kb, np.asarray(r.observed), np.asarray(r.excluded, dtype=np.int64))


def test_exact_mapping_merges_orpha_and_omim(kb: PhenotypeKB) -> None:
    e = kb.member["ORPHA:3"]
    assert kb.member["OMIM:3"] == e and kb.ids[e] == "OMIM:3"
    assert kb.equivalent[e] == ["ORPHA:3"]
    assert {kb.onto.ids[a.term] for a in kb.annotations[e]} == {"HP:0002069", "HP:0000518"}
    assert len(kb.ids) == 10


def test_entry_prior_counts_publications_and_sources() -> None:
    r = rows()
    orpha3 = next(a for a in r["phenotype_annotations"] if a["disease"] == "ORPHA:3")
    orpha3.update(sources=["orphanet"], publications=["PMID:2", "PMID:3"])
    kb = build_kb(r)
    prior = {
        kb.ids[e]: dict(zip(PRIOR_FEATURES, kb.prior[e].tolist(), strict=True))
        for e in range(len(kb.ids))
    }
    merged = prior["OMIM:3"]  # ORPHA:3 and OMIM:3, one entry
    assert merged["log_publications"] == pytest.approx(np.log1p(3))  # PMID:1, 2, 3
    assert merged["n_sources"] == 2
    assert prior["OMIM:1"]["log_publications"] == pytest.approx(np.log1p(1))
    assert prior["OMIM:1"]["n_sources"] == 1


@pytest.mark.parametrize("dense_min", [3, 10**9])
def test_match_rows_are_the_best_common_ancestor(
    dense_min: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With and without the dense rows of general terms, every term's rows are what a walk
    over every annotation and common ancestor gives."""
    monkeypatch.setattr(kb_module, "DENSE_MIN_ENTRIES", dense_min)
    kb = build_kb(rows())
    assert (0 < len(kb.dense_best) < len(kb.onto)) == (dense_min == 3)
    for q in range(len(kb.onto)):
        best, fmatch = np.zeros(len(kb.ids), np.float32), np.zeros(len(kb.ids), np.float32)
        kb.match_rows(q, best, fmatch)
        up = set(kb.onto.ancestors(q).tolist())
        for d, anns in enumerate(kb.annotations):
            freq: dict[int, float] = {}  # common ancestor -> highest frequency under it
            for a in anns:
                f = 0.5 if a.frequency is None else a.frequency
                for c in set(kb.onto.ancestors(a.term).tolist()) & up:
                    freq[c] = max(freq.get(c, 0.0), f)
            assert best[d] == pytest.approx(max((kb.ic[c] for c in freq), default=0.0))
            want = max((kb.ic[c] + np.log(max(f, 1e-3)) for c, f in freq.items()), default=0.0)
            assert fmatch[d] == pytest.approx(max(0.0, want), abs=1e-6)
    every = np.arange(len(kb.onto))
    some = np.asarray([0, 2, 3], dtype=np.int64)
    for q in range(len(kb.onto)):  # the same best match, computed on a few entries only
        best, fmatch = np.zeros(len(kb.ids), np.float32), np.zeros(len(kb.ids), np.float32)
        kb.match_rows(q, best, fmatch)
        on = kb.best_ic_on(every[q : q + 1], some)
        assert on[0].tolist() == pytest.approx(best[some].tolist())


def test_ancestor_match_beats_no_match(kb: PhenotypeKB) -> None:
    s = _scores(kb, ["HP:0002069"])
    resnik = dict(zip(kb.ids, s.resnik.tolist(), strict=True))
    # OMIM:3 has the term itself, OMIM:1 its parent Seizure, OMIM:2 only a nervous-system term
    assert resnik["OMIM:3"] > resnik["OMIM:1"] > resnik["OMIM:2"]
    assert _ranking(kb, ["HP:0002069"])[:2] == ["OMIM:3", "OMIM:1"]


def test_frequency_matters(kb: PhenotypeKB) -> None:
    s = _scores(kb, ["HP:0001250", "HP:0000518"])
    one, four = kb.member["OMIM:1"], kb.member["OMIM:4"]
    assert s.resnik[one] == pytest.approx(s.resnik[four])  # same terms annotated
    assert s.freq[one] > s.freq[four]  # but OMIM:4 has them very rarely
    order = _ranking(kb, ["HP:0001250", "HP:0000518"])
    assert order.index("OMIM:1") < order.index("OMIM:4")


def test_excluded_phenotype_lowers_a_disease(kb: PhenotypeKB) -> None:
    assert _ranking(kb, ["HP:0000518"])[0] in {"OMIM:1", "OMIM:3", "OMIM:4"}
    before = _scores(kb, ["HP:0001250"])
    after = _scores(kb, ["HP:0001250"], ["HP:0000518"])
    one = kb.member["OMIM:1"]
    assert before.excluded_pen[one] == 0.0 and after.excluded_pen[one] < 0.0
    assert after.excluded_pen[kb.member["OMIM:2"]] == 0.0  # no cataract annotated
    ranker = PhenotypeRanker(kb, None, None)

    def served(excluded: list[str]) -> dict[str, float]:
        r = resolve(kb.onto, ["HP:0001250"], excluded)
        _, ent, value = ranker.scores(r.observed, r.excluded)
        return {kb.ids[e]: float(v) for e, v in zip(ent, value, strict=True)}

    plain, without_cataract = served([]), served(["HP:0000518"])
    drop = {d: plain[d] - without_cataract[d] for d in plain}
    # cataract is occasional in OMIM:1, very rare in OMIM:4, not annotated in OMIM:2
    assert drop["OMIM:1"] > drop["OMIM:4"] > 0.0 == drop["OMIM:2"]
    assert next(iter(plain)) == "OMIM:1"
    ranked = ranker.rank(resolve(kb.onto, ["HP:0001250"], ["HP:0000518"]), 10)
    one = next(e for e in ranked["ranking"] if e["id"] == "OMIM:1")
    assert [h["phenotype"]["id"] for h in one["excluded_hits"]] == ["HP:0000518"]
    assert one["excluded_hits"][0]["frequent"] is False  # occasional


def test_not_annotation_counts_against(kb: PhenotypeKB) -> None:
    s = _scores(kb, ["HP:0002069"])
    assert s.not_hits[kb.member["OMIM:2"]] == 1.0 and s.not_hits[kb.member["OMIM:1"]] == 0.0


def test_explanation_cites_the_subclass_path(kb: PhenotypeKB) -> None:
    ranked = PhenotypeRanker(kb, None, None).rank(resolve(kb.onto, ["HP:0002069"], []), 10)
    one = next(e for e in ranked["ranking"] if e["id"] == "OMIM:1")
    (ex,) = one["explained"]
    assert ex["annotation"]["id"] == "HP:0001250" and ex["match"] == "shared ancestor"
    assert ex["path"] == [
        {"subject": "HP:0002069", "predicate": "biolink:subclass_of", "object": "HP:0001250"},
        {"subject": "OMIM:1", "predicate": "biolink:has_phenotype", "object": "HP:0001250"},
    ]
    assert ex["frequency"] == pytest.approx(0.895) and ex["publications"] == ["PMID:1"]
    genes = ranked["gene_ranking"]
    assert genes[0]["id"] == "NCBIGene:10" and genes[0]["via"]["id"] == "OMIM:3"
    assert genes[0]["equivalent_ids"] == ["HGNC:5", "OMIM:100005", "ENSEMBL:ENSG00000000005"]


def test_retired_ids_are_followed_with_a_note(kb: PhenotypeKB) -> None:
    r = resolve(kb.onto, ["HP:0000057", "HP:0011398", "lens opacity"], [])
    assert [kb.onto.ids[t] for t in r.observed] == ["HP:0000518", "HP:0001252"]
    assert any("HP:0000057" in n and "replaced_by" in n for n in r.notes)
    assert any("HP:0011398" in n and "alt_id" in n for n in r.notes)


@pytest.mark.parametrize(
    ("observed", "excluded", "needle"),
    [
        (["HP:0000099"], [], "phenotypes[0]: HP:0000099 is an obsolete"),
        (["HP:9999999"], ["HP:0000518"], "phenotypes[0]: unknown HPO term"),  # none left
        (["no such phenotype"], [], "phenotypes[0]"),
        (["HP:0000518"], ["Cataract"], "excluded_phenotypes: HP:0000518"),
    ],
)
def test_bad_terms_name_the_field(
    kb: PhenotypeKB, observed: list[str], excluded: list[str], needle: str
) -> None:
    with pytest.raises(RetrievalError) as e:
        from_request(PhenotypeRanker(kb, None, None), observed, excluded, None)
    assert needle in str(e.value)


@pytest.mark.parametrize(
    "spelled",
    [
        "HP:0000518",
        "hp:0000518",
        " HP_0000518 ",
        "http://purl.obolibrary.org/obo/HP_0000518",
        "obo:HP_0000518",
    ],
)
def test_the_spellings_of_an_hpo_id(kb: PhenotypeKB, spelled: str) -> None:
    r = resolve(kb.onto, [spelled], [])
    assert [kb.onto.ids[t] for t in r.observed] == ["HP:0000518"]


@pytest.mark.parametrize(
    ("written", "term"),
    [
        ("Seizures.", "HP:0001250"),  # punctuation and a plural
        ("'generalized tonic-clonic seizures'", "HP:0002069"),
        ("Hypotonia (infantile)", "HP:0001252"),  # the one term the text names
    ],
)
def test_names_as_people_write_them_are_read_with_a_note(
    kb: PhenotypeKB, written: str, term: str
) -> None:
    r = resolve(kb.onto, [written], [])
    assert [kb.onto.ids[t] for t in r.observed] == [term]
    assert any(f"phenotypes[0]: {written!r} read as {term}" in n for n in r.notes)


def test_an_excluded_item_may_say_no(kb: PhenotypeKB) -> None:
    r = resolve(kb.onto, ["cataract"], ["no seizures"])
    assert [kb.onto.ids[t] for t in r.excluded] == ["HP:0001250"]
    assert any("excluded_phenotypes[0]: 'no seizures' read as HP:0001250" in n for n in r.notes)


@pytest.mark.parametrize(
    ("written", "needle"),
    [
        ("seizures and cataract", "names several HPO terms (HP:0001250 (Seizure), HP:0000518"),
        ("no seizures", "negates HP:0001250 (Seizure); give absent phenotypes as excluded"),
        ("HP_123", "neither an HPO id nor an HPO term name"),
    ],
)
def test_a_name_that_is_not_one_term_is_refused(kb: PhenotypeKB, written: str, needle: str) -> None:
    with pytest.raises(RetrievalError) as e:
        resolve(kb.onto, [written], [])
    assert "phenotypes[0]" in str(e.value) and needle in str(e.value)


def test_ids_the_release_cannot_use_are_left_out_with_a_note(kb: PhenotypeKB) -> None:
    """Real cases carry terms newer than the graph's HPO release (172 of 7,460 dev cases of
    phenopacket-store): the rest of the case is still ranked, and the answer says what was
    left out."""
    r = resolve(kb.onto, ["HP:0000518", "HP:9999999"], ["HP:0000099"])
    assert [kb.onto.ids[t] for t in r.observed] == ["HP:0000518"] and r.excluded == []
    assert any(
        "phenotypes[1]: unknown HPO term 'HP:9999999'" in n and "left out" in n for n in r.notes
    )
    assert any("excluded_phenotypes[0]: HP:0000099 is an obsolete" in n for n in r.notes)


def test_free_text_mentions(kb: PhenotypeKB) -> None:
    r = mentions(kb.onto, "A child with hypotonia and cataracts, without seizures: why?")
    assert [kb.onto.ids[t] for t in r.observed] == ["HP:0001252", "HP:0000518"]
    assert [kb.onto.ids[t] for t in r.excluded] == ["HP:0001250"]


def test_reranker_learns_the_informative_feature() -> None:
    rng = np.random.default_rng(0)
    xs, golds = [], []
    for _ in range(60):
        x = rng.normal(size=(20, len(FEATURES))).astype(np.float32)
        g = int(rng.integers(20))
        x[g, 2] += 3.0  # feature 2 marks the gold
        xs.append(x)
        golds.append(g)
    model = fit(xs, golds, 1e-3, 20, {})
    assert int(np.argmax(model.weights)) == 2
    hits = sum(int(np.argmax(model.score(x))) == g for x, g in zip(xs, golds, strict=True))
    assert hits >= 55


def test_a_reranker_trained_behind_the_service_is_picked_up(
    kb: PhenotypeKB, tmp_path: Path
) -> None:
    """Until its file exists the ranking is by information content; `refresh` loads it when it
    appears (the training job writes it while the API runs), and again when it changes."""
    path = tmp_path / "phenotype" / "reranker.json"
    ranker = PhenotypeRanker(kb, None, None, watch=path)
    assert ranker.scorer == "ic-frequency" and not ranker.refresh()

    rng = np.random.default_rng(0)
    xs = [rng.normal(size=(5, len(FEATURES))).astype(np.float32) for _ in range(8)]
    model = fit(xs, [0] * 8, 1e-3, 5, {})
    path.parent.mkdir(parents=True)
    model.save(path)
    assert ranker.refresh() and ranker.scorer == "reranker" and ranker.model_file == path
    assert not ranker.refresh()  # unchanged: nothing loaded again
    ranked = ranker.rank(resolve(kb.onto, ["HP:0002069"], []), 10)
    assert ranked["ranking"]

    path.unlink()
    assert ranker.refresh() and ranker.scorer == "ic-frequency"


def test_if_missing_trains_a_model_of_other_features_again(tmp_path: Path) -> None:
    from cli.phenotype_cmd import _current
    from retrieval.phenotype.rerank import Reranker

    path = tmp_path / "reranker.json"
    assert not _current(path)
    old = list(FEATURES[: -len(PRIOR_FEATURES)])  # a model from before the prior features
    n = len(old)
    Reranker(old, [0.0] * n, [1.0] * n, [1.0] * n, 0.0, 10, {}).save(path)
    assert not _current(path)
    n = len(FEATURES)
    Reranker(list(FEATURES), [0.0] * n, [1.0] * n, [1.0] * n, 0.0, 10, {}).save(path)
    assert _current(path)


def _features(kb: PhenotypeKB, observed: list[str], excluded: list[str]) -> dict[str, Any]:
    s = _scores(kb, observed, excluded)
    ent = np.arange(len(kb.ids))
    x = features(kb, s, ent)
    return {kb.ids[e]: dict(zip(FEATURES, x[e].tolist(), strict=True)) for e in ent}


def test_excluded_terms_are_matched_as_pertinent_negatives(kb: PhenotypeKB) -> None:
    plain = _features(kb, ["HP:0001250"], [])
    assert all(plain[d]["excluded_exact"] == plain[d]["excluded_strong"] == 0.0 for d in plain)
    # no cataract: OMIM:1 (occasional) and OMIM:4 (2%) were examined for it; OMIM:2 has none
    f = _features(kb, ["HP:0001250"], ["HP:0000518"])
    assert f["OMIM:1"]["excluded_exact"] == f["OMIM:4"]["excluded_exact"] == 1.0
    assert f["OMIM:2"]["excluded_exact"] == 0.0
    assert f["OMIM:1"]["excluded_match"] > f["OMIM:2"]["excluded_match"]
    assert all(v["excluded_strong"] == 0.0 for v in f.values())  # none has it often
    # no ectopia lentis: OMIM:2 has it very frequently, the fillers at no stated frequency
    f = _features(kb, ["HP:0001250"], ["HP:0001083"])
    assert f["OMIM:2"]["excluded_strong"] == 1.0 and f["OMIM:5"]["excluded_strong"] == 0.0


def test_excluded_terms_an_entry_has_bring_it_among_the_candidates(kb: PhenotypeKB) -> None:
    # Seizure observed: OMIM:2 (hypotonia, ectopia lentis) matches it only through the nervous
    # system, so one candidate per way leaves it out...
    plain = candidates(_scores(kb, ["HP:0001250"]), 1)
    assert "OMIM:2" not in {kb.ids[e] for e in plain}
    # ...but ectopia lentis, very frequent in OMIM:2, examined and absent: it is a candidate.
    examined = candidates(_scores(kb, ["HP:0001250"], ["HP:0001083"]), 1)
    assert "OMIM:2" in {kb.ids[e] for e in examined}


def test_a_penalty_never_rewards_an_entry() -> None:
    """Training cases where the gold is the entry annotated with the excluded terms (as
    curators list the diagnosis's features the patient lacks) would teach the penalties to
    reward; their weights are bounded to lower an entry or do nothing."""
    rng = np.random.default_rng(1)
    pen, strong = FEATURES.index("excluded"), FEATURES.index("excluded_strong")
    xs, golds = [], []
    for _ in range(80):
        x = rng.normal(size=(20, len(FEATURES))).astype(np.float32)
        x[:, pen] = -np.abs(x[:, pen])
        g = int(rng.integers(20))
        x[g, pen] -= 3.0  # the gold has the most excluded terms annotated ...
        x[g, strong] += 3.0  # ... and often
        xs.append(x)
        golds.append(g)
    model = fit(xs, golds, 1e-3, 20, {})
    assert model.weights[pen] >= 0.0 and model.weights[strong] <= 0.0
    free = fit(xs, golds, 1e-3, 20, {}, signs={})  # unbounded, the cases would say otherwise
    assert free.weights[pen] < 0.0 < free.weights[strong]


def test_training_rows_repeat_cases_without_their_excluded_terms(kb: PhenotypeKB) -> None:
    cases = [
        Case("a", ["HP:0001250"], ["HP:0000518"], diseases=["OMIM:1"]),
        Case("b", ["HP:0001083"], [], diseases=["OMIM:2"]),
    ]
    got = with_copies(kb, cases)
    assert [(p.case.id, p.case.excluded) for p in got] == [
        ("a", ["HP:0000518"]),
        ("b", []),
        ("a", []),
    ]
    assert got[2].x[:, FEATURES.index("excluded_exact")].max() == 0.0
    assert got[0].x[:, FEATURES.index("excluded_exact")].max() == 1.0


def test_a_request_without_excluded_terms_gets_the_observed_only_weights(
    kb: PhenotypeKB, tmp_path: Path
) -> None:
    from retrieval.phenotype.rerank import Reranker

    n = len(FEATURES)
    sub = {"mean": [0.0] * n, "std": [1.0] * n, "weights": [2.0] * n, "l2": 0.1}
    model = Reranker(list(FEATURES), [0.0] * n, [1.0] * n, [1.0] * n, 0.01, 10, {}, None, sub)
    assert model.pick(True) is model
    assert model.pick(False).weights == [2.0] * n and model.pick(False).l2 == 0.1
    path = tmp_path / "reranker.json"
    model.save(path)
    assert Reranker.load(path).pick(False).weights == [2.0] * n  # kept in the file
    plain = Reranker(list(FEATURES), [0.0] * n, [1.0] * n, [1.0] * n, 0.01, 10, {})
    assert plain.pick(False) is plain  # a model without them serves both


def test_training_fits_observed_only_weights_on_the_copies(kb: PhenotypeKB) -> None:
    cases = [
        Case(f"c{i}", [obs], [exc] if i % 2 else [], diseases=[d])
        for i, (obs, exc, d) in enumerate(
            [
                ("HP:0001250", "HP:0000518", "OMIM:1"),
                ("HP:0001252", "HP:0001250", "OMIM:2"),
                ("HP:0002069", "HP:0000518", "ORPHA:3"),
                ("HP:0000518", "HP:0001250", "OMIM:4"),
            ]
            * 3
        )
    ]
    model = train_served(with_copies(kb, cases), seed=1, k=2)
    assert model.observed_only is not None
    assert model.observed_only["weights"] != model.weights
    assert model.trained_on["rows"] == len(cases) + 6 and model.trained_on["cases"] == 12
