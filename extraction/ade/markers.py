"""Entity markers: [DRUG]...[/DRUG] and [ADR]...[/ADR] inserted around character spans.

Spans may be multi-token, nested or overlapping; each span's new offsets are returned so
that `marked.text[start:end]` is still exactly the original mention."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.exceptions import ExtractionError

DRUG_OPEN, DRUG_CLOSE = "[DRUG]", "[/DRUG]"
ADR_OPEN, ADR_CLOSE = "[ADR]", "[/ADR]"
MARKERS = (DRUG_OPEN, DRUG_CLOSE, ADR_OPEN, ADR_CLOSE)

Span = tuple[int, int]


@dataclass(frozen=True)
class Marked:
    text: str
    spans: tuple[Span, ...]  # each input span's position in `text` (markers excluded)


def check_span(text: str, span: Span, what: str) -> None:
    start, end = span
    if not 0 <= start < end <= len(text):
        raise ExtractionError(f"{what} span {span} lies outside the text of {len(text)} characters")


def insert_markers(text: str, spans: Sequence[tuple[Span, str, str]]) -> Marked:
    """Insert (span, open, close) markers. At one position closers go before openers; of two
    spans opening together the longer opens first, of two closing together the later-opened
    closes first, so nested spans stay properly nested."""
    for marker in MARKERS:
        if marker in text:
            raise ExtractionError(f"the text already contains the marker {marker!r}")
    for span, _, _ in spans:
        check_span(text, span, "entity")
    # (position, 0=close/1=open, tie-break, span index, marker)
    events: list[tuple[int, int, int, int, str]] = []
    for i, ((start, end), opener, closer) in enumerate(spans):
        events.append((start, 1, -end, i, opener))
        events.append((end, 0, -start, i, closer))
    events.sort()
    parts: list[str] = []
    length, cursor = 0, 0
    starts = [0] * len(spans)
    ends = [0] * len(spans)
    for pos, kind, _, i, marker in events:
        chunk = text[cursor:pos]
        parts.append(chunk)
        length += len(chunk)
        cursor = pos
        piece = f"{marker} " if kind == 1 else f" {marker}"
        if kind == 0:
            ends[i] = length
        parts.append(piece)
        length += len(piece)
        if kind == 1:
            starts[i] = length
    parts.append(text[cursor:])
    return Marked("".join(parts), tuple(zip(starts, ends, strict=True)))


def drug_view(text: str, drug: Span) -> str:
    return insert_markers(text, [(drug, DRUG_OPEN, DRUG_CLOSE)]).text


def adr_view(text: str, ae: Span) -> str:
    return insert_markers(text, [(ae, ADR_OPEN, ADR_CLOSE)]).text


def context_window(text: str, drug: Span, ae: Span, chars: int) -> tuple[str, Span, Span]:
    """The part of `text` from `chars` characters before the first mention to `chars` after
    the last, widened to whole words, with both spans shifted into it; `chars` <= 0 keeps
    the whole text. Both mentions are always inside, however long the text."""
    if chars <= 0:
        return text, drug, ae
    check_span(text, drug, "drug")
    check_span(text, ae, "event")
    start = max(0, min(drug[0], ae[0]) - chars)
    end = min(len(text), max(drug[1], ae[1]) + chars)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return (
        text[start:end],
        (drug[0] - start, drug[1] - start),
        (ae[0] - start, ae[1] - start),
    )


def joint_view(text: str, drug: Span, ae: Span, context_chars: int = 0) -> str:
    """Both markers in one text (the single-encoder baseline), cut to `context_chars` of
    context around the two mentions when that is positive (see `context_window`)."""
    text, drug, ae = context_window(text, drug, ae, context_chars)
    return insert_markers(text, [(drug, DRUG_OPEN, DRUG_CLOSE), (ae, ADR_OPEN, ADR_CLOSE)]).text
