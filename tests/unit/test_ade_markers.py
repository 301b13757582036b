"""Marker insertion on real ADE Corpus V2 sentences: offsets, multi-token, nested and
overlapping spans, and bad spans."""

from __future__ import annotations

import re

import pytest

from core.exceptions import ExtractionError
from extraction.ade.markers import (
    ADR_CLOSE,
    ADR_OPEN,
    DRUG_CLOSE,
    DRUG_OPEN,
    adr_view,
    context_window,
    drug_view,
    insert_markers,
    joint_view,
)

# DRUG-AE.rel, PMID 10082597 and 10099659 (sentence offsets computed from the corpus rows).
S1 = "METHODS: We report two cases of pseudoporphyria caused by naproxen and oxaprozin."
S2 = (
    "We describe the side effects of 5-FU in a colon cancer patient who suffered severe "
    "mucositis, desquamating dermatitis, prolonged myelosuppression, and neurologic toxicity "
    "that required admission to the intensive care unit."
)
S3 = "Lithium toxicity developed after the dose was increased."


def _strip(text: str) -> str:
    for m in (DRUG_OPEN, DRUG_CLOSE, ADR_OPEN, ADR_CLOSE):
        text = text.replace(f"{m} ", "").replace(f" {m}", "")
    return text


def test_single_views_on_a_corpus_sentence() -> None:
    drug = (S1.index("naproxen"), S1.index("naproxen") + len("naproxen"))
    ae = (32, 47)
    assert S1[ae[0] : ae[1]] == "pseudoporphyria"
    assert drug_view(S1, drug) == (
        "METHODS: We report two cases of pseudoporphyria caused by [DRUG] naproxen [/DRUG] "
        "and oxaprozin."
    )
    assert adr_view(S1, ae).startswith(
        "METHODS: We report two cases of [ADR] pseudoporphyria [/ADR]"
    )


def test_multi_token_spans_keep_offsets() -> None:
    ae_text = "prolonged myelosuppression"
    ae = (S2.index(ae_text), S2.index(ae_text) + len(ae_text))
    drug = (S2.index("5-FU"), S2.index("5-FU") + 4)
    marked = insert_markers(S2, [(drug, DRUG_OPEN, DRUG_CLOSE), (ae, ADR_OPEN, ADR_CLOSE)])
    (ds, de), (as_, ae_) = marked.spans
    assert marked.text[ds:de] == "5-FU" and marked.text[as_:ae_] == ae_text
    assert marked.text[ds - len(DRUG_OPEN) - 1 : ds] == f"{DRUG_OPEN} "
    assert marked.text[ae_ : ae_ + len(ADR_CLOSE) + 1] == f" {ADR_CLOSE}"
    assert _strip(marked.text) == S2


def test_nested_span_drug_inside_event() -> None:
    ae = (0, len("Lithium toxicity"))
    drug = (0, len("Lithium"))
    text = joint_view(S3, drug, ae)
    # The longer span opens first and the inner one closes first: properly nested markers.
    assert text.startswith(f"{ADR_OPEN} {DRUG_OPEN} Lithium {DRUG_CLOSE} toxicity {ADR_CLOSE}")
    assert _strip(text) == S3


def test_crossing_overlap_and_touching_spans() -> None:
    a, b = (0, 16), (8, 26)  # "Lithium toxicity" and "toxicity developed" cross
    marked = insert_markers(S3, [(a, DRUG_OPEN, DRUG_CLOSE), (b, ADR_OPEN, ADR_CLOSE)])
    drug_start, drug_end = marked.spans[0]
    assert marked.text[drug_start:drug_end].replace(f" {ADR_OPEN} ", " ") == "Lithium toxicity"
    assert re.sub(r" ?\[/?(DRUG|ADR)\] ?", " ", marked.text).split() == S3.split()
    touching = insert_markers(S3, [((0, 7), DRUG_OPEN, DRUG_CLOSE), ((8, 16), ADR_OPEN, ADR_CLOSE)])
    assert [touching.text[s:e] for s, e in touching.spans] == ["Lithium", "toxicity"]


@pytest.mark.parametrize("span", [(-1, 3), (5, 5), (10, 999)])
def test_span_outside_text_is_refused(span: tuple[int, int]) -> None:
    with pytest.raises(ExtractionError, match="outside the text"):
        drug_view(S3, span)


def test_text_containing_a_marker_is_refused() -> None:
    with pytest.raises(ExtractionError, match="already contains"):
        drug_view("a [DRUG] b", (0, 1))


def test_context_window_keeps_both_mentions_and_whole_words() -> None:
    drug = (S2.index("5-FU"), S2.index("5-FU") + 4)
    ae = (S2.index("mucositis"), S2.index("mucositis") + len("mucositis"))
    text, d, a = context_window(S2, drug, ae, 12)
    assert text[d[0] : d[1]] == "5-FU" and text[a[0] : a[1]] == "mucositis"
    expected = "side effects of 5-FU in a colon cancer patient who suffered severe mucositis,"
    assert text == f"{expected} desquamating"
    assert S2.index(text) + d[0] == drug[0]  # a plain slice of the sentence, spans shifted
    # the event before the drug, and a window past both ends of the text
    text, d, a = context_window(S3, (0, 7), (8, 16), 500)
    assert (text, d, a) == (S3, (0, 7), (8, 16))
    assert context_window(S2, drug, ae, 0) == (S2, drug, ae)


def test_a_window_keeps_the_markers_of_a_long_sentence() -> None:
    """Mentions at the end of a sentence longer than max_length tokens: truncating the whole
    sentence drops their markers, the window keeps them."""
    tail = "Lithium toxicity developed after the dose was increased."
    long = "In this report " + "we describe the course of the patient in detail, " * 12 + tail
    start = long.index("Lithium")
    drug, ae = (start, start + 7), (start + 8, start + 16)
    assert ADR_OPEN in joint_view(long, drug, ae, 30) and DRUG_OPEN in joint_view(
        long, drug, ae, 30
    )
    assert len(joint_view(long, drug, ae, 30)) < 120
    assert joint_view(long, drug, ae) == joint_view(long, drug, ae, 0)
