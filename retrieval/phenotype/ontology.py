"""The HPO as arrays: term ids, names, is_a parents, ancestor closures (CSR) and the map of
retired ids (alt_id, obsolete + replaced_by) to live terms. Built from graph rows."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

ROOT = "HP:0000001"
PHENOTYPIC_ABNORMALITY = "HP:0000118"
_SPACE = re.compile(r"\s+")


def norm_name(text: str) -> str:
    return _SPACE.sub(" ", text.strip().lower())


@dataclass
class Ontology:
    ids: list[str]
    names: list[str]
    parents: list[list[int]]
    anc_ptr: np.ndarray  # (T + 1,) CSR offsets into anc_idx
    anc_idx: np.ndarray  # ancestors of each term, itself included
    redirect: dict[str, tuple[str, str]]  # retired id -> (live id, "alt_id" | "replaced_by")
    obsolete: dict[str, list[str]]  # obsolete id without replaced_by -> its `consider` ids
    by_name: dict[str, int] = field(default_factory=dict)  # normalised name/synonym -> term
    index: dict[str, int] = field(default_factory=dict)
    _anc_sets: dict[int, frozenset[int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.index = {t: i for i, t in enumerate(self.ids)}
        # {"id", "name"} of each term, built once and shared by every answer that cites it
        self.refs = [{"id": i, "name": n} for i, n in zip(self.ids, self.names, strict=True)]

    def __len__(self) -> int:
        return len(self.ids)

    def ancestors(self, i: int) -> np.ndarray:
        return self.anc_idx[self.anc_ptr[i] : self.anc_ptr[i + 1]]

    def ancestor_set(self, i: int) -> frozenset[int]:
        got = self._anc_sets.get(i)
        if got is None:
            got = self._anc_sets[i] = frozenset(self.ancestors(i).tolist())
        return got

    def is_under(self, i: int, top: str = PHENOTYPIC_ABNORMALITY) -> bool:
        j = self.index.get(top)
        return j is not None and bool(np.any(self.ancestors(i) == j))

    def path_up(self, child: int, ancestor: int) -> list[int]:
        """A shortest is_a chain child -> ... -> ancestor (both included)."""
        prev: dict[int, int] = {child: -1}
        todo = [child]
        while todo:
            nxt: list[int] = []
            for t in todo:
                if t == ancestor:
                    chain = [t]
                    while prev[chain[-1]] >= 0:
                        chain.append(prev[chain[-1]])
                    return chain[::-1]
                for p in self.parents[t]:
                    if p not in prev:
                        prev[p] = t
                        nxt.append(p)
            todo = nxt
        return [child]


def build_ontology(terms: Iterable[dict[str, Any]], edges: Iterable[dict[str, Any]]) -> Ontology:
    """Terms (phenotype_terms rows) and is_a edges (phenotype_subclass rows) as an Ontology.
    Obsolete terms stay out of the arrays; they and alt_ids resolve through `redirect`."""
    live: list[dict[str, Any]] = []
    redirect: dict[str, tuple[str, str]] = {}
    obsolete: dict[str, list[str]] = {}
    for t in terms:
        if t.get("obsolete"):
            if t.get("replaced_by"):
                redirect[t["id"]] = (t["replaced_by"], "replaced_by")
            else:
                obsolete[t["id"]] = list(t.get("consider") or [])
            continue
        live.append(t)
        for alt in t.get("alt_ids") or []:
            redirect[alt] = (t["id"], "alt_id")
    live.sort(key=lambda t: t["id"])
    ids = [t["id"] for t in live]
    index = {t: i for i, t in enumerate(ids)}
    for old, (target, _) in list(redirect.items()):
        if target not in index:  # replaced by a term this graph does not hold
            del redirect[old]
            obsolete[old] = [target]
    parents: list[list[int]] = [[] for _ in ids]
    for e in edges:
        c, p = index.get(e["child"]), index.get(e["parent"])
        if c is not None and p is not None and p not in parents[c]:
            parents[c].append(p)
    anc_ptr, anc_idx = _closure(parents)
    onto = Ontology(
        ids, [t.get("name") or t["id"] for t in live], parents, anc_ptr, anc_idx, redirect, obsolete
    )
    onto.by_name = _name_table(live, index)
    return onto


def _closure(parents: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    memo: dict[int, frozenset[int]] = {}

    def up(i: int) -> frozenset[int]:
        stack = [i]
        while stack:
            t = stack[-1]
            missing = [p for p in parents[t] if p not in memo]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            if t not in memo:
                memo[t] = frozenset({t}).union(*(memo[p] for p in parents[t]))
        return memo[i]

    lists = [sorted(up(i)) for i in range(len(parents))]
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(a) for a in lists])
    flat = np.fromiter((a for lst in lists for a in lst), dtype=np.int32, count=int(ptr[-1]))
    return ptr, flat


def _name_table(live: list[dict[str, Any]], index: dict[str, int]) -> dict[str, int]:
    """Names first, then synonyms (a synonym never takes a name's place)."""
    table: dict[str, int] = {}
    for t in live:
        table.setdefault(norm_name(t.get("name") or ""), index[t["id"]])
    for t in live:
        for s in t.get("synonyms") or []:
            table.setdefault(norm_name(s), index[t["id"]])
    table.pop("", None)
    return table
