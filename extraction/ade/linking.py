"""Linking of mentions to graph nodes.

Adverse events: an exact match of the normalised mention on an HPO term name or synonym
(the terms come from graph/hpo_terms.py, the reader every linker shares)
first, else the nearest HPO name by encoder embedding (cosine >= threshold); anything else
becomes an AdverseEvent node `AE:<normalised surface>` carrying the surface form.
Drugs: Drug nodes keyed `DRUG:<normalised name>` where the normalised name is the NFKC,
lower-cased mention with whitespace runs collapsed to one space and surrounding punctuation
stripped ("Cisplatin " and "cisplatin" are one node; salts and brand names stay distinct)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.exceptions import ExtractionError
from extraction.writeback import Node
from graph.hpo_terms import HpoTerm
from graph.vocabulary import NodeLabel

_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = ".,;:!?'\"()[]{} "
Encode = Callable[[Sequence[str]], np.ndarray]  # texts -> (N, D) L2-normalised


def normalize(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip(_EDGE_PUNCT)


def drug_node(surface: str) -> Node:
    name = normalize(surface)
    if not name:
        raise ExtractionError(f"drug mention {surface!r} is empty once normalised")
    return Node(f"DRUG:{name}", NodeLabel.DRUG, name, NodeLabel.DRUG.category, {"surface": surface})


@dataclass(frozen=True)
class Link:
    node: Node
    method: str  # exact | embedding | unlinked
    score: float


class HpoLinker:
    def __init__(
        self,
        terms: Sequence[HpoTerm],
        encode: Encode | None,
        threshold: float = 0.85,
        cache: Path | None = None,
    ) -> None:
        self.terms = {t.id: t for t in terms}
        self.exact: dict[str, str] = {}
        # Exact matching uses names and synonyms; the embedding index holds the names only,
        # which keeps it to one encoder pass over ~19k short strings.
        self.labels: list[tuple[str, str]] = [(t.id, t.name) for t in terms]
        for t in terms:
            for label in (t.name, *t.synonyms):
                self.exact.setdefault(normalize(label), t.id)
        self.encode = encode
        self.threshold = threshold
        self._matrix: np.ndarray | None = None
        self._cache = cache

    def _index(self) -> np.ndarray:
        if self._matrix is None:
            assert self.encode is not None
            key = hashlib.sha256(json.dumps(self.labels).encode()).hexdigest()[:16]
            path = self._cache / f"hpo_labels_{key}.npy" if self._cache else None
            if path is not None and path.is_file():
                self._matrix = np.load(path)
            else:
                self._matrix = self.encode([label for _, label in self.labels]).astype(np.float32)
                if path is not None:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    np.save(path, self._matrix)
        return self._matrix

    def _node(self, term_id: str) -> Node:
        t = self.terms[term_id]
        label = NodeLabel.PHENOTYPIC_FEATURE
        return Node(t.id, label, t.name, label.category)

    def link_many(self, surfaces: Sequence[str]) -> list[Link]:
        out: list[Link | None] = [None] * len(surfaces)
        todo = []
        for i, s in enumerate(surfaces):
            hit = self.exact.get(normalize(s))
            if hit:
                out[i] = Link(self._node(hit), "exact", 1.0)
            else:
                todo.append(i)
        if todo and self.encode is not None and self.labels:
            sims = self.encode([surfaces[i] for i in todo]) @ self._index().T  # (Q, L)
            best = sims.argmax(axis=1)
            for row, i in enumerate(todo):
                score = float(sims[row, best[row]])
                if score >= self.threshold:
                    out[i] = Link(self._node(self.labels[best[row]][0]), "embedding", score)
        for i, s in enumerate(surfaces):
            if out[i] is None:
                name = normalize(s) or s
                node = Node(
                    f"AE:{name}",
                    NodeLabel.ADVERSE_EVENT,
                    name,
                    NodeLabel.ADVERSE_EVENT.category,
                    {"surface": s},
                )
                out[i] = Link(node, "unlinked", 0.0)
        return [link for link in out if link is not None]
