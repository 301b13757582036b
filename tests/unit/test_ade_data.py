"""ADE Corpus V2 loading on rows cut from the real files: sentence offsets, candidate pairs,
dictionary negatives, PMID-disjoint fingerprinted splits and cross-validation rounds, malformed
rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.exceptions import IngestError
from extraction.ade.data import (
    CLAUSE_JOINERS,
    Corpus,
    Sentence,
    fold_splits,
    folds,
    join,
    joined_pairs,
    load_corpus,
    load_relations,
    make_splits,
    sentence_pairs,
)

DATA = Path(__file__).parents[1] / "data" / "ade"


def test_document_offsets_become_sentence_offsets() -> None:
    sents = {(s.pmid, s.text[:20]): s for s in load_relations(DATA / "DRUG-AE.rel")}
    s = sents[("10082597", "METHODS: We report t")]
    assert [s.text[a:b] for a, b in s.drugs] == ["naproxen", "oxaprozin"]
    assert [s.text[a:b] for a, b in s.aes] == ["pseudoporphyria"]
    assert s.relations == {(0, 0), (1, 0)}
    multi = sents[("10099659", "We describe the side")]
    assert len(multi.aes) == 3 and {multi.text[a:b] for a, b in multi.aes} >= {
        "prolonged myelosuppression",
        "neurologic toxicity",
    }


def test_pairs_label_unrelated_combinations_negative() -> None:
    sents = load_relations(DATA / "DRUG-AE.rel")
    lith = next(s for s in sents if s.pmid == "12630660" and s.text.startswith("After"))
    pairs = {(p.drug_text, p.ae_text): p.label for p in sentence_pairs(lith)}
    assert pairs == {("lithium", "blindness"): 1, ("lithium", "CPM"): 1}
    kinds = {p.kind for s in sents for p in sentence_pairs(s)}
    assert "positive" in kinds


def test_negative_sentences_get_dictionary_pairs() -> None:
    corpus = load_corpus(DATA)
    neg = [s for s in corpus.sentences if s.negative]
    assert len(neg) == 16
    clozapine = [s for s in neg if "eosinophilia" in s.text]
    assert clozapine and clozapine[0].text[slice(*clozapine[0].drugs[0])] == "clozapine"
    pairs = [p for s in neg for p in sentence_pairs(s)]
    assert pairs and all(p.label == 0 and p.kind == "neg_sentence" for p in pairs)


def test_splits_are_pmid_disjoint_fixed_and_fingerprinted() -> None:
    corpus = load_corpus(DATA)
    a, b = make_splits(corpus), make_splits(corpus)
    assert a.fingerprint == b.fingerprint
    pmids = [{s.pmid for s in a.sentences[k]} for k in ("train", "dev", "test")]
    assert not (pmids[0] & pmids[1] or pmids[0] & pmids[2] or pmids[1] & pmids[2])
    assert sum(len(v) for v in a.sentences.values()) == len(corpus.sentences)
    assert make_splits(corpus, seed=14).fingerprint != a.fingerprint
    changed = Corpus(corpus.sentences, {**corpus.files_sha256, "DRUG-AE.rel": "0" * 64})
    assert make_splits(changed).fingerprint != a.fingerprint
    ten = folds(corpus)
    assert sum(len(f) for f in ten) == len(corpus.sentences)
    fold_of = {s.pmid: i for i, f in enumerate(ten) for s in f}
    assert all(fold_of[s.pmid] == i for i, f in enumerate(ten) for s in f)


def test_cross_validation_rounds_rotate_test_and_dev_folds() -> None:
    corpus = load_corpus(DATA)
    ten = folds(corpus, k=4)
    rounds = [fold_splits(corpus, i, k=4) for i in range(4)]
    for i, r in enumerate(rounds):
        assert r.sentences["test"] == ten[i] and r.sentences["dev"] == ten[(i + 1) % 4]
        pmids = [{s.pmid for s in r.sentences[k]} for k in ("train", "dev", "test")]
        assert not (pmids[0] & pmids[1] or pmids[0] & pmids[2] or pmids[1] & pmids[2])
        assert sum(len(v) for v in r.sentences.values()) == len(corpus.sentences)
    assert len({r.fingerprint for r in rounds}) == 4  # each round's assignment is its own
    assert fold_splits(corpus, 1, k=4).fingerprint == rounds[1].fingerprint
    with pytest.raises(ValueError, match=r"fold 4 is not in 0\.\.3"):
        fold_splits(corpus, 4, k=4)


def test_malformed_row_names_file_and_line(tmp_path: Path) -> None:
    rel = tmp_path / "DRUG-AE.rel"
    rel.write_text("1|A sentence.|x|1|2|y|3|4\n2|too|few\n")
    with pytest.raises(IngestError, match=r"DRUG-AE.rel:2: expected 8 fields"):
        load_relations(rel)


def test_joined_sentences_keep_their_pairs_and_make_pairs_across_negative() -> None:
    sents = {(s.pmid, s.text[:20]): s for s in load_relations(DATA / "DRUG-AE.rel")}
    first = sents[("10082597", "METHODS: We report t")]  # naproxen, oxaprozin -> pseudoporphyria
    second = next(s for s in sents.values() if s.pmid == "10030778")  # azithromycin -> ototoxicity
    joined = join(first, second)
    assert joined.text == f"{first.text} {second.text}"
    pairs = {(p.drug_text, p.ae_text): p.label for p in sentence_pairs(joined)}
    assert pairs == {
        ("naproxen", "pseudoporphyria"): 1,
        ("oxaprozin", "pseudoporphyria"): 1,
        ("azithromycin", "ototoxicity"): 1,
        ("naproxen", "ototoxicity"): 0,
        ("oxaprozin", "ototoxicity"): 0,
        ("azithromycin", "pseudoporphyria"): 0,
    }
    made = joined_pairs(list(sents.values()), 20, seed=1)
    across = [p for p in made if p.kind == "joined"]
    assert across and all(p.label == 0 for p in across)
    positives = {(p.sentence.text, p.drug_text, p.ae_text) for p in made if p.label}
    assert all(p.sentence.pmid.count("+") == 1 for p in made)
    # every positive is a related pair of one of the two sentences joined
    related = {
        (s.text[d[0] : d[1]], s.text[a[0] : a[1]])
        for s in sents.values()
        for d, a in ((s.drugs[i], s.aes[j]) for i, j in s.relations)
    }
    assert {(d, a) for _, d, a in positives} <= related
    assert joined_pairs(list(sents.values()), 20, seed=1) == made  # fixed by the seed


def test_clause_join_makes_one_sentence_and_keeps_mentions_on_their_words() -> None:
    sents = {(s.pmid, s.text[:20]): s for s in load_relations(DATA / "DRUG-AE.rel")}
    first = sents[("10082597", "METHODS: We report t")]
    second = next(s for s in sents.values() if s.pmid == "10030778")
    joined = join(first, second, "; ")
    assert first.text.endswith(".") and not joined.text.startswith(first.text)
    assert joined.text == f"{first.text[:-1]}; {second.text[0].lower()}{second.text[1:]}"
    # every mention still covers the same words, in either sentence
    before = [s.text[a:b].lower() for s in (first, second) for a, b in s.drugs]
    assert [joined.text[a:b].lower() for a, b in joined.drugs] == before
    before = [s.text[a:b].lower() for s in (first, second) for a, b in s.aes]
    assert [joined.text[a:b].lower() for a, b in joined.aes] == before
    assert joined.relations == join(first, second).relations
    # an acronym or a mixed-case word opening the second sentence keeps its case
    kept = Sentence("1", "NSAIDs caused it.", (), (), frozenset())
    assert join(first, kept, ", and ").text.endswith(", and NSAIDs caused it.")
    # only clause joins: every text is one sentence, and the pairs across are negatives
    made = joined_pairs(list(sents.values()), 20, seed=1, clause_share=1.0)
    assert made and all(p.sentence.text.count(". ") < 2 for p in made)
    assert any(j in p.sentence.text for p in made for j in CLAUSE_JOINERS)
    across = [p for p in made if p.kind == "joined"]
    assert across and all(p.label == 0 for p in across)
