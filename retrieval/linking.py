"""Linking a question to seed entities: CURIEs written in the question, then names and
synonyms found in it (fulltext index, confirmed by a whole-word match), then the nearest
entity names in the FAISS index for the question's word n-grams."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.exceptions import RetrievalError
from graph.repository import GraphStore
from retrieval.embeddings import EmbeddingIndex, FrozenEncoder
from retrieval.name_index import NameIndex

CURIE = re.compile(r"\b([A-Za-z][A-Za-z0-9.]*:[A-Za-z0-9_.-]*[0-9][A-Za-z0-9_.-]*)\b")
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*")
_STOP = "a an the of in on for to by with and or what which who whose how is are was were be "
_STOP += "do does did that this these those as at from into its their it than then there"
STOPWORDS = frozenset(_STOP.split())


@dataclass(frozen=True)
class Seed:
    id: str
    name: str
    category: str
    match: str  # curie | exact | synonym | embedding | given
    score: float
    mention: str | None = None


EntityRow = dict[str, Any]


def read_entities(store: GraphStore, ids: list[str]) -> dict[str, EntityRow | None]:
    """id -> {id, name, category} of the given ids; None for an id that is not in the graph."""
    rows = {r["id"]: r for r in store.read("retrieval/get_entities", raw=True, ids=ids)}
    return {i: rows.get(i) for i in ids}


def check_seeds(
    store: GraphStore,
    ids: list[str],
    read: Callable[[list[str]], dict[str, EntityRow | None]] | None = None,
) -> list[Seed]:
    """Seeds given by the caller: every one must be a node of the graph. `read` looks the
    ids up (default: `read_entities` on `store`; the service passes a cached one)."""
    found = read(ids) if read is not None else read_entities(store, ids)
    rows = {i: r for i, r in found.items() if r is not None}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise RetrievalError(f"unknown seed CURIE(s): {', '.join(missing)}")
    return [Seed(i, rows[i]["name"] or i, rows[i]["category"] or "", "given", 1.0) for i in ids]


def _mentions(question: str, text: str) -> bool:
    """`text` occurs in `question` as whole words (case-insensitive)."""
    text, question = text.lower(), question.lower()
    if len(text) < 3 or text not in question:
        return False
    pattern = r"(?<![A-Za-z0-9])" + re.escape(text) + r"(?![A-Za-z0-9])"
    return re.search(pattern, question) is not None


def link_lexical(
    store: GraphStore, question: str, limit: int = 50, names: NameIndex | None = None
) -> list[Seed]:
    """CURIEs and names/synonyms that occur verbatim (case-insensitive) in the question.
    Longer mentions win; a mention inside a longer one is dropped. Candidates come from the
    in-process name dictionary `names` when given, else from the fulltext index (its top
    `limit`); either way each is confirmed by a whole-word match. A seed's score is the
    dictionary's share of the question's words its mention covers, or the fulltext score."""
    found: dict[str, Seed] = {}
    curies = [m.group(1) for m in CURIE.finditer(question)]
    if curies:
        for r in store.read("retrieval/get_entities", raw=True, ids=curies):
            found[r["id"]] = Seed(r["id"], r["name"] or r["id"], r["category"] or "", "curie", 1.0)
    words = [w for w in _WORD.findall(question) if w.lower() not in STOPWORDS]
    if not words:
        return list(found.values())
    if names is not None:
        rows: Iterable[dict[str, Any]] = names.candidates(question)
    else:
        query = " ".join(_LUCENE_SPECIAL.sub(r"\\\1", w) for w in words)
        rows = store.read("retrieval/link_fulltext", text=query, limit=limit)
    for r in rows:
        name = r["name"] or ""
        texts = [(name, "exact")] + [(s, "synonym") for s in (r["synonyms"] or [])]
        hits = [(t, kind) for t, kind in texts if _mentions(question, t)]
        if not hits or r["id"] in found:
            continue
        mention, kind = max(hits, key=lambda h: (len(h[0]), h[1] == "exact"))
        found[r["id"]] = Seed(r["id"], name, r["category"] or "", kind, float(r["score"]), mention)
    return _drop_nested(list(found.values()))


def _drop_nested(seeds: list[Seed]) -> list[Seed]:
    """'Marfan syndrome type 1' beats 'Marfan syndrome'; exact names beat synonyms."""
    seeds.sort(key=lambda s: (-len(s.mention or ""), s.match != "exact", s.id))
    kept: list[Seed] = []
    for s in seeds:
        m = (s.mention or "").lower()
        if m and any(
            m != (k.mention or "").lower() and m in (k.mention or "").lower() for k in kept
        ):
            continue
        same = any(m == (k.mention or "").lower() and k.match == "exact" for k in kept)
        if m and same and s.match != "exact":
            continue
        kept.append(s)
    return kept


def link_embedding(
    question: str,
    encoder: FrozenEncoder,
    index: EmbeddingIndex,
    threshold: float,
    max_ngram: int = 6,
) -> list[Seed]:
    """The question's word n-grams against entity names; the best match above `threshold`."""
    words = _WORD.findall(question)
    grams = [
        " ".join(words[i : i + n])
        for n in range(1, max_ngram + 1)
        for i in range(len(words) - n + 1)
        if words[i].lower() not in STOPWORDS and words[i + n - 1].lower() not in STOPWORDS
    ]
    if not grams:
        return []
    scores, rows = index.nearest(encoder.encode(grams, max_length=32), 1)
    best = int(np.argmax(scores[:, 0]))
    score, row = float(scores[best, 0]), int(rows[best, 0])
    if score < threshold or row < 0:
        return []
    return [
        Seed(
            index.ids[row], index.names[row], index.categories[row], "embedding", score, grams[best]
        )
    ]
