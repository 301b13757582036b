"""BIO decoding of the neural tagger: token labels to character spans, at word level, and the
Viterbi path under BIO constraints and a transition prior."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from core.encoders import load_tokenizer, resolve_model_dir
from extraction.ade.data import Sentence, load_corpus, load_relations, sentence_pairs
from extraction.ade.e2e import ner_f1
from extraction.ade.pipeline import fit_decoder
from extraction.ade.tagger import (
    LABELS,
    PRIOR_WEIGHTS,
    Span,
    Tagged,
    Tagger,
    TaggerBundle,
    TaggerConfig,
    candidate_pairs,
    decode,
    first_pieces,
    load_tagger,
    nested_drugs,
    new_tagger,
    save_tagger,
    set_decoder,
    tagged_negatives,
    token_labels,
    train_tagger,
    transition_prior,
    viterbi,
    whole_words,
    word_labels,
)
from tests.ade_tiny import make_tiny_encoder

ADE = Path(__file__).resolve().parents[1] / "data" / "ade"
# A sentence in the style of DRUG-AE.rel, with a word of several sub-word pieces in the event.
TEXT = "Prolongation of the QT interval after intravenous haloperidol."
AE = (0, len("Prolongation of the QT interval"))
DRUG = (TEXT.index("haloperidol"), TEXT.index("haloperidol") + len("haloperidol"))
B_DRUG = LABELS.index("B-DRUG")


def _encode() -> tuple[list[tuple[int, int]], list[int | None]]:
    tok = load_tokenizer(resolve_model_dir(None))
    enc = tok(TEXT, return_offsets_mapping=True)
    return [tuple(x) for x in enc["offset_mapping"]], enc.word_ids()


def test_gold_labels_decode_back_to_the_gold_spans() -> None:
    offsets, words = _encode()
    labels = token_labels(offsets, [DRUG], [AE])
    assert decode(offsets, labels) == {"DRUG": [DRUG], "AE": [AE]}
    assert decode(offsets, whole_words(words, labels)) == {"DRUG": [DRUG], "AE": [AE]}


def test_a_word_is_labelled_as_its_first_piece() -> None:
    offsets, words = _encode()
    pieces = [i for i, w in enumerate(words) if w == 0]  # "Prolongation"
    assert len(pieces) > 1, "the word should be split into sub-word pieces"
    labels = token_labels(offsets, [DRUG], [AE])
    broken = list(labels)
    broken[pieces[1]] = 0  # a middle piece predicted O: sub-word decoding splits the span
    assert decode(offsets, broken)["AE"] == [
        (0, offsets[pieces[0]][1]),
        (offsets[pieces[2]][0], AE[1]),
    ]
    assert decode(offsets, whole_words(words, broken))["AE"] == [AE]
    # a first piece predicted O takes the whole word out, whatever its other pieces say
    outside = list(labels)
    outside[pieces[0]] = 0
    assert decode(offsets, whole_words(words, outside))["AE"] == [(TEXT.index("of"), AE[1])]
    # the pieces of a drug word continue the drug, never start a new span
    drug_pieces = [i for i, (s, e) in enumerate(offsets) if e > s and s >= DRUG[0] and e <= DRUG[1]]
    one = [0] * len(labels)
    one[drug_pieces[0]] = B_DRUG
    assert decode(offsets, whole_words(words, one)) == {"DRUG": [DRUG], "AE": []}


# --- Viterbi decoding with a transition prior -------------------------------------------------

OUT, B_AE, I_AE = LABELS.index("O"), LABELS.index("B-AE"), LABELS.index("I-AE")


def _brute_force(logp: np.ndarray, trans: np.ndarray) -> list[int]:
    """The best BIO-valid path by enumerating every path (an independent reference)."""
    best, best_path = -np.inf, []
    for path in itertools.product(range(len(LABELS)), repeat=len(logp)):
        names = [LABELS[x] for x in path]
        prev = ["O", *names[:-1]]
        if any(
            n.startswith("I-") and (p == "O" or p[2:] != n[2:])
            for p, n in zip(prev, names, strict=True)
        ):
            continue
        score = sum(logp[t, x] for t, x in enumerate(path))
        score += sum(trans[a, b] for a, b in itertools.pairwise(path))
        if score > best:
            best, best_path = score, list(path)
    return best_path


def test_viterbi_equals_the_best_valid_path_by_enumeration() -> None:
    rng = np.random.default_rng(0)
    for length in (1, 2, 3, 4):
        for _ in range(20):
            logp = np.log(rng.dirichlet(np.ones(len(LABELS)), size=length))
            trans = rng.normal(size=(len(LABELS), len(LABELS)))
            assert viterbi(logp, trans) == _brute_force(logp, trans)
    assert viterbi(np.zeros((0, len(LABELS))), np.zeros((5, 5))) == []


def test_viterbi_never_starts_a_span_with_i() -> None:
    # argmax reads O, I-AE, I-AE: the constraints turn it into one span, not a span of "I"s
    logp = np.log(
        np.array(
            [
                [0.6, 0.0, 0.0, 0.4, 0.0],  # O 0.6 or B-AE 0.4
                [0.1, 0.0, 0.1, 0.3, 0.5],  # I-AE 0.5 (only after an AE), B-AE 0.3
                [0.1, 0.0, 0.0, 0.1, 0.8],
            ]
        )
        + 1e-12
    )
    # valid paths: B I I = 0.4 * 0.5 * 0.8 = 0.16 beats O B I = 0.6 * 0.3 * 0.8 = 0.144
    assert viterbi(logp, np.zeros((5, 5))) == [B_AE, I_AE, I_AE]
    # a prior halving I-AE -> I-AE: B I I = 0.16 * 0.5 = 0.08 < O B I = 0.144
    prior = np.zeros((5, 5))
    prior[I_AE, I_AE] = np.log(0.5)
    assert viterbi(logp, prior) == [OUT, B_AE, I_AE]
    # I-DRUG may not continue an AE
    drug_after_ae = np.log(np.array([[0.0, 0.0, 0.0, 1.0, 0.0], [0.1, 0.0, 0.9, 0.0, 0.0]]) + 1e-12)
    assert viterbi(drug_after_ae, np.zeros((5, 5))) == [B_AE, OUT]


def test_word_labels_decode_a_broken_word_as_one_span() -> None:
    offsets, words = _encode()
    gold = token_labels(offsets, [DRUG], [AE])
    logp = np.log(np.full((len(gold), len(LABELS)), 0.01))
    for i, lab in enumerate(gold):
        logp[i, lab] = np.log(0.96)
    pieces = [i for i, w in enumerate(words) if w == 0]
    logp[pieces[1]] = np.log([0.96, 0.01, 0.01, 0.01, 0.01])  # a later piece says O: ignored
    assert decode(offsets, word_labels(words, logp, np.zeros((5, 5)))) == {
        "DRUG": [DRUG],
        "AE": [AE],
    }


def test_transition_prior_counts_the_gold_word_labels() -> None:
    md = resolve_model_dir(None)
    bundle = TaggerBundle(Tagger(TaggerConfig(md.encoder_id, 8), nn.Identity()), load_tokenizer(md))
    sentence = Sentence("1", TEXT, (DRUG,), (AE,), frozenset({(0, 0)}))
    prior = transition_prior(bundle, [sentence])
    # words: Prolongation of the QT interval | after intravenous | haloperidol | .
    # B-AE I-AE I-AE I-AE I-AE O O B-DRUG O; add-one smoothing over 5 labels
    assert np.exp(prior).sum(1) == pytest.approx(np.ones(5))
    assert np.exp(prior[B_AE, I_AE]) == pytest.approx(2 / 6)
    assert np.exp(prior[I_AE, I_AE]) == pytest.approx(4 / 9)  # 3 of 4 I-AE -> I-AE, +1
    assert np.exp(prior[I_AE, OUT]) == pytest.approx(2 / 9)
    assert np.exp(prior[OUT, B_DRUG]) == pytest.approx(2 / 7)
    assert np.exp(prior[B_AE, OUT]) == pytest.approx(1 / 6)


def test_the_prior_and_its_weight_survive_save_and_load(tmp_path: Path) -> None:
    bundle = new_tagger(resolve_model_dir(None), max_length=32)
    prior = np.log(np.full((5, 5), 0.2))
    prior[B_AE, I_AE] = np.log(0.6)
    set_decoder(bundle, prior, 0.25)
    save_tagger(bundle, tmp_path, {"epochs": 0})
    loaded = load_tagger(tmp_path)
    assert loaded.model.cfg.prior_weight == 0.25
    assert np.allclose(loaded.prior, prior)
    text = "Severe hypercalcemia after calcitriol."
    assert loaded.tag([text]) == bundle.tag([text])


def test_a_tiny_tagger_learns_and_its_decoder_is_chosen_on_dev(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sentences = load_relations(ADE / "DRUG-AE.rel")
    bundle = new_tagger(resolve_model_dir(make_tiny_encoder(tmp_path)), max_length=64)
    torch.manual_seed(0)
    with caplog.at_level(logging.INFO, logger="extraction.ade.tagger"):
        losses = train_tagger(bundle, sentences, epochs=12, batch_size=4, lr=3e-3, max_seconds=120)
    steps = int(len(sentences) / 4 * 12)  # 12 epochs of batches of 4
    assert len(losses) == steps
    assert np.mean(losses[-3:]) < 0.5 * np.mean(losses[:3])
    passes = -(-steps // (len(sentences) // 4))  # whole batches only in each pass
    assert sum("tagger: step" in r.getMessage() for r in caplog.records) == passes
    fitted = fit_decoder(bundle, sentences, sentences)
    weights = {float(w): f for w, f in fitted["dev_ner_f1_by_weight"].items()}
    assert set(weights) == set(PRIOR_WEIGHTS)
    assert fitted["prior_weight"] == bundle.model.cfg.prior_weight
    assert weights[fitted["prior_weight"]] == max(weights.values())
    assert fitted["dev_ner_f1"] == ner_f1(bundle, sentences)  # what the tagger itself scores
    assert np.allclose(bundle.prior, transition_prior(bundle, sentences))


def test_candidate_pairs_are_apart_or_the_drug_inside_the_event() -> None:
    tags = {"DRUG": [(0, 12), (30, 40), (15, 25)], "AE": [(0, 21), (30, 40)]}
    # (0, 12) lies inside (0, 21) and apart from (30, 40); (30, 40) is apart from (0, 21) and
    # equal to the other event (no pair); (15, 25) overlaps (0, 21) without lying inside it
    assert candidate_pairs(tags) == [
        ((0, 12), (0, 21)),
        ((0, 12), (30, 40)),
        ((30, 40), (0, 21)),
        ((15, 25), (30, 40)),
    ]


def test_a_drug_inside_an_event_span_is_found_within_the_margin() -> None:
    text = "Methotrexate toxicity in psoriasis."
    tok = load_tokenizer(resolve_model_dir(None))
    enc = tok(text, return_offsets_mapping=True)
    offsets, words = [tuple(x) for x in enc["offset_mapping"]], enc.word_ids()
    logp = np.log(np.full((len(words), len(LABELS)), 0.025))
    logp[:, OUT] = np.log(0.9)
    first = first_pieces(words)
    drug_word, event_word = first[0], first[1]  # "Methotrexate", "toxicity"
    logp[drug_word] = np.log([0.05, 0.3, 0.025, 0.6, 0.025])  # B-AE, then B-DRUG at half of it
    logp[event_word] = np.log([0.05, 0.025, 0.025, 0.001, 0.9])
    tagged = Tagged(offsets, words, logp)
    no_prior = np.zeros((5, 5))
    methotrexate, event = (0, len("Methotrexate")), (0, len("Methotrexate toxicity"))
    assert decode(offsets, word_labels(words, logp, no_prior))["AE"] == [event]
    # log(0.6 / 0.3) = 0.69 nats between the word's best AE and best DRUG label
    assert nested_drugs(tagged, [event], no_prior, margin=0.5) == []
    assert nested_drugs(tagged, [event], no_prior, margin=1.0) == [methotrexate]
    # a one-word event holds no nested drug, and the drug may not be the whole event
    assert nested_drugs(tagged, [(0, len("Methotrexate"))], no_prior, margin=9.0) == []


def test_tagged_negatives_are_the_new_pairs_the_tagger_finds_in_ade_neg_sentences() -> None:
    sents = load_corpus(ADE).sentences
    negative = [s for s in sents if s.negative]
    with_dict = next(s for s in negative if sentence_pairs(s))
    d, a = with_dict.drugs[0], with_dict.aes[0]

    class FirstWords:  # the dictionary's first pair, plus the first two words as drug and AE
        def tag(self, texts: list[str], batch_size: int = 32) -> list[dict[str, list[Span]]]:
            out = []
            for t in texts:
                one, two = t.index(" "), t.index(" ", t.index(" ") + 1)
                tags = {"DRUG": [(0, one)], "AE": [(one + 1, two)]}
                if t == with_dict.text:
                    tags = {"DRUG": [d, *tags["DRUG"]], "AE": [a, *tags["AE"]]}
                out.append(tags)
            return out

    every = tagged_negatives(FirstWords(), sents, 10**6, seed=0)
    # one new pair per ADE-NEG sentence (two more where the dictionary pair's spans are
    # mixed with the new ones); the dictionary's own pair is not repeated
    assert len(every) == len(negative) + 2
    assert all(p.label == 0 and p.kind == "neg_tagged" and p.sentence.negative for p in every)
    assert (d, a) not in {(p.drug, p.ae) for p in every if p.sentence == with_dict}
    some = tagged_negatives(FirstWords(), sents, 5, seed=0)
    assert len(some) == 5 and set(some) <= set(every)
    assert tagged_negatives(FirstWords(), sents, 5, seed=0) == some
