"""Token sequences with typed entity markers, and their prefix / infix / suffix chunks.

Each mention is wrapped in a start and an end marker of its entity type (`<Gene>` ...
`</Gene>`), so one encoding of a document serves every candidate pair. A document longer
than the encoder window is split into a prefix (the first window), a suffix (the last) and
infix windows over the middle, overlapping, and extra windows are added until every
mention, markers included, lies whole inside at least one chunk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.exceptions import ExtractionError
from extraction.biored.corpus import ENTITY_TYPES, Document
from extraction.biored.pairs import SHORT_TYPE

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

MARKERS: dict[str, tuple[str, str]] = {
    t: (f"<{SHORT_TYPE[t]}>", f"</{SHORT_TYPE[t]}>") for t in ENTITY_TYPES
}
MARKER_TOKENS = [tok for pair in MARKERS.values() for tok in pair]


@dataclass(frozen=True)
class EncodedDoc:
    pmid: str
    ids: list[int]  # content tokens with markers, no [CLS]/[SEP]
    spans: list[tuple[int, int]]  # per mention: (start marker, end marker) positions, inclusive
    entities: list[tuple[str, ...]]  # per mention: its normalized ids
    chunks: list[tuple[int, int]]  # [start, end) windows over ids


def add_marker_tokens(tokenizer: PreTrainedTokenizerBase) -> int:
    """Register the entity markers as special tokens; returns the new vocabulary size."""
    tokenizer.add_tokens(MARKER_TOKENS, special_tokens=True)
    return len(tokenizer)


def _token_id(tokenizer: PreTrainedTokenizerBase, token: str) -> int:
    got = tokenizer.convert_tokens_to_ids(token)
    if not isinstance(got, int) or got == tokenizer.unk_token_id:
        raise ExtractionError(
            f"the tokenizer has no marker token {token!r}; call add_marker_tokens"
        )
    return got


def _token_bounds(offsets: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    inside = [k for k, (a, b) in enumerate(offsets) if b > start and a < end and b > a]
    if not inside:
        raise ExtractionError(f"mention [{start}, {end}) covers no token")
    return inside[0], inside[-1]


def mark_document(
    doc: Document, tokenizer: PreTrainedTokenizerBase
) -> tuple[list[int], list[tuple[int, int]], list[tuple[str, ...]]]:
    """Token ids of the document with markers around every mention that has an id."""
    enc = tokenizer(doc.text, add_special_tokens=False, return_offsets_mapping=True)
    tokens: list[int] = list(enc["input_ids"])
    offsets = [(int(o[0]), int(o[1])) for o in enc["offset_mapping"]]
    mentions = [m for m in doc.mentions if m.ids]
    opens: dict[int, list[int]] = {}
    closes: dict[int, list[int]] = {}
    bounds = []
    for i, m in enumerate(mentions):
        a, b = _token_bounds(offsets, m.start, m.end)
        bounds.append((a, b))
        opens.setdefault(a, []).append(i)
        closes.setdefault(b, []).append(i)
    marker_id = {tok: _token_id(tokenizer, tok) for tok in MARKER_TOKENS}
    out: list[int] = []
    spans = [(0, 0)] * len(mentions)
    for k, tok in enumerate(tokens):
        # Outer (longer) mentions open first and close last, so nested markers stay nested.
        for i in sorted(opens.get(k, []), key=lambda i: -bounds[i][1]):
            spans[i] = (len(out), 0)
            out.append(marker_id[MARKERS[mentions[i].type][0]])
        out.append(tok)
        for i in sorted(closes.get(k, []), key=lambda i: bounds[i][0], reverse=True):
            spans[i] = (spans[i][0], len(out))
            out.append(marker_id[MARKERS[mentions[i].type][1]])
    return out, spans, [m.ids for m in mentions]


def plan_chunks(
    n: int, window: int, spans: list[tuple[int, int]], overlap: int
) -> list[tuple[int, int]]:
    """Prefix, infix and suffix windows of `window` tokens over a sequence of `n`, such that
    every span (inclusive) lies whole inside at least one window."""
    if window < 2 * overlap + 1:
        raise ExtractionError(f"window {window} too small for overlap {overlap}")
    if n <= window:
        return [(0, n)]
    chunks = [(0, window), (n - window, n)]  # prefix, suffix
    stride = window - overlap
    start = window - overlap
    while start + window < n - window + overlap:  # infixes cover what lies between
        chunks.append((start, start + window))
        start += stride
    if start < n - window:
        middle = min(start, n - window)
        chunks.append((middle, middle + window))
    for a, b in spans:
        if any(s <= a and b < e for s, e in chunks):
            continue
        if b - a + 1 > window:
            raise ExtractionError(f"a mention of {b - a + 1} tokens exceeds the window {window}")
        s = max(0, min(n - window, (a + b) // 2 - window // 2))
        chunks.append((s, s + window))
    return sorted(set(chunks))


def encode_document(
    doc: Document, tokenizer: PreTrainedTokenizerBase, window: int, overlap: int = 32
) -> EncodedDoc:
    ids, spans, entities = mark_document(doc, tokenizer)
    return EncodedDoc(doc.pmid, ids, spans, entities, plan_chunks(len(ids), window, spans, overlap))
