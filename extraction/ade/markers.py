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


def joint_view(text: str, drug: Span, ae: Span) -> str:
    """Both markers in one text (the single-encoder baseline)."""
    return insert_markers(text, [(drug, DRUG_OPEN, DRUG_CLOSE), (ae, ADR_OPEN, ADR_CLOSE)]).text
