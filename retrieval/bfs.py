"""Hop-stratified BFS candidates, one Cypher query per hop (cypher/retrieval/expand_frontier).

Each hop expands only its frontier: the entities first reached at the previous hop
(`candidates`), or whatever the caller retained (`expand`, used autoregressively).
Nothing walks an unbounded variable-length path."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.repository import GraphStore
from retrieval.relations import parse_key


@dataclass(frozen=True)
class Triple:
    """A candidate read from the frontier side: head is the entity the hop expanded."""

    hop: int
    head: str
    rel: str  # relation key, e.g. 'CAUSES<'
    tail: str
    tail_name: str | None = None
    tail_category: str | None = None
    props: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    @property
    def statement(self) -> tuple[str, str, str]:
        """(subject, TYPE, object) as stored in the graph."""
        rel_type, _, forward = parse_key(self.rel)
        return (self.head, rel_type, self.tail) if forward else (self.tail, rel_type, self.head)


@dataclass(frozen=True)
class BfsConfig:
    max_hops: int = 3
    k_per_relation: int = 20  # K_r: per head entity and relation key
    max_frontier: int = 40  # heads expanded per hop, in the order they were first reached


# How expand_frontier chooses the K_r statements it keeps (part of the QA set's fingerprint).
CAP_ORDER = "strongest-first: frequency, sources, publications, tail id"


def read_expansions(
    store: GraphStore, heads: Sequence[str], relations: Sequence[str], k: int
) -> list[dict[str, Any]]:
    """The rows of cypher/retrieval/expand_frontier for `heads`: head, rel, tail, tail_name,
    tail_category; at most `k` per head and relation key, only relation keys in `relations`."""
    return store.read(
        "retrieval/expand_frontier",
        raw=True,
        frontier=list(heads),
        relations=list(relations),
        k=k,
    )


def expand(
    store: GraphStore,
    frontier: Sequence[str],
    hop: int,
    relations: Sequence[str],
    cfg: BfsConfig,
) -> list[Triple]:
    """The candidate triples of one hop from `frontier` (at most cfg.max_frontier heads).
    The evidence service reads the same query through retrieval.candidates, cached per head."""
    heads = list(dict.fromkeys(frontier))[: cfg.max_frontier]
    if not heads:
        return []

    rows = read_expansions(store, heads, relations, cfg.k_per_relation)
    order = {h: i for i, h in enumerate(heads)}
    triples = [
        Triple(hop, r["head"], r["rel"], r["tail"], r["tail_name"], r["tail_category"])
        for r in rows
    ]
    # The query returns heads in frontier order already; sorting makes it explicit and stable.
    triples.sort(key=lambda t: (order[t.head], t.rel, t.tail))
    return triples


def candidates(
    store: GraphStore,
    seeds: Sequence[str],
    relations: Sequence[str],
    cfg: BfsConfig,
    next_frontier: Callable[[int, list[Triple], set[str]], list[str]] | None = None,
) -> list[list[Triple]]:
    """Hops 1..cfg.max_hops. By default hop l+1 expands the entities first reached at hop l;
    `next_frontier(hop, triples, visited)` replaces that choice (autoregressive filtering)."""
    visited: set[str] = set(seeds)
    frontier = list(dict.fromkeys(seeds))
    hops: list[list[Triple]] = []
    for hop in range(1, cfg.max_hops + 1):
        triples = expand(store, frontier, hop, relations, cfg)
        hops.append(triples)
        if next_frontier is not None:
            frontier = next_frontier(hop, triples, visited)
        else:
            frontier = first_reached(triples, visited)
        visited.update(t.tail for t in triples)
        if not frontier:
            hops.extend([] for _ in range(hop, cfg.max_hops))
            break
    return hops


def first_reached(triples: Sequence[Triple], visited: set[str]) -> list[str]:
    """Tails not seen before this hop, in the order the hop reached them."""
    return first_new((x.tail for x in triples), visited)


def first_new(tails: Iterable[str], visited: set[str]) -> list[str]:
    """`tails` without repeats and without those in `visited`, in their first order."""
    return [t for t in dict.fromkeys(tails) if t not in visited]
