"""BIO decoding of the neural tagger: token labels to character spans, at word level."""

from __future__ import annotations

from core.models import load_tokenizer, resolve_model_dir
from extraction.ade.tagger import LABELS, decode, token_labels, whole_words

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
