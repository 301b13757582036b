"""Exact and synonym dictionary linking of phenotype mentions to the graph's HPO terms.

The dictionary is read from the graph (names and synonyms of its HPO terms, through
graph/hpo_terms.py, the reader every linker shares), so it links to exactly the terms the
graph holds. Matching is case-insensitive on word
tokens, longest match first, never overlapping. Any extractor can reuse it; an embedding
linker can replace it behind the same `link(text)` call."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from graph.hpo_terms import HpoTerm, terms_from_graph
from graph.repository import GraphStore

_TOKEN = re.compile(r"[a-z0-9]+")
# HPO sub-ontologies that qualify phenotypes rather than name them: clinical modifiers
# ("Left", "Severe", "Chronic"), modes of inheritance, frequencies, past medical history,
# blood groups. Their terms (and the roots) are left out of the dictionary.
EXCLUDE_ROOTS = ("HP:0012823", "HP:0000005", "HP:0040279", "HP:0032443", "HP:0032223")
_SKIP_IDS = frozenset({"HP:0000001", "HP:0000118", *EXCLUDE_ROOTS})
_MIN_SINGLE_TOKEN = 4  # a one-word term shorter than this is too ambiguous ("ra", "pain" passes)
_MAX_TOKENS = 12


@dataclass(frozen=True)
class Mention:
    term_id: str
    term_name: str
    start: int  # character offsets in the linked text
    end: int
    match: str  # "exact" (the preferred name) or "synonym"


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text.lower())]


class PhenotypeLinker:
    def __init__(self, terms: Iterable[HpoTerm]) -> None:
        self.entries: dict[tuple[str, ...], tuple[str, str, str]] = {}
        self.max_len = 1
        for t in terms:
            if t.id in _SKIP_IDS:
                continue
            self._add(t.name, (t.id, t.name, "exact"), prefer=True)
            for s in t.synonyms:
                self._add(s, (t.id, t.name, "synonym"), prefer=False)

    def _add(self, surface: str, entry: tuple[str, str, str], prefer: bool) -> None:
        key = tuple(tok for tok, _, _ in _tokens(surface))
        if not key or len(key) > _MAX_TOKENS:
            return
        if len(key) == 1 and len(key[0]) < _MIN_SINGLE_TOKEN:
            return
        # A preferred name wins over another term's synonym with the same words.
        if prefer or key not in self.entries:
            self.entries[key] = entry
        self.max_len = max(self.max_len, len(key))

    @classmethod
    def from_graph(cls, store: GraphStore) -> PhenotypeLinker:
        return cls(terms_from_graph(store, EXCLUDE_ROOTS))

    def __len__(self) -> int:
        return len(self.entries)

    def link(self, text: str) -> list[Mention]:
        toks = _tokens(text)
        out: list[Mention] = []
        i = 0
        while i < len(toks):
            for n in range(min(self.max_len, len(toks) - i), 0, -1):
                key = tuple(t for t, _, _ in toks[i : i + n])
                hit = self.entries.get(key)
                if hit:
                    out.append(Mention(hit[0], hit[1], toks[i][1], toks[i + n - 1][2], hit[2]))
                    i += n
                    break
            else:
                i += 1
        return out
