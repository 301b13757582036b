"""An in-memory replica of the Cypher BFS, for building the QA benchmark quickly.

Building thousands of questions runs the hop query tens of thousands of times; the
replica answers the same question from one streamed copy of the statements. It follows
cypher/retrieval/expand_frontier.cypher exactly (same relation keys, same cap K_r per head
and relation, same order: strongest statement first, then tail id), and
`check_against_cypher` compares the two on sampled seeds at every build; the integration
tests compare them on the fixture graph."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence

from core.exceptions import RetrievalError
from graph.repository import GraphStore
from retrieval import bfs
from retrieval.relations import relation_key

logger = logging.getLogger(__name__)


class Adjacency:
    def __init__(self, store: GraphStore, relations: Sequence[str]) -> None:
        keep = set(relations)
        ranked: dict[str, dict[str, list[tuple[float, int, int, str]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        n = 0
        for row in store.stream("retrieval/stream_adjacency", fetch_size=20000):
            s, o, t, neg = row["subject"], row["object"], row["type"], bool(row["negated"])
            fwd, back = relation_key(t, neg, True), relation_key(t, neg, False)
            strength = (-float(row["freq"]), -row["n_sources"], -row["n_publications"])
            if fwd in keep:
                ranked[s][fwd].append((*strength, o))
            if back in keep:
                ranked[o][back].append((*strength, s))
            n += 1
        adj: dict[str, dict[str, list[str]]] = {}
        for head, rels in ranked.items():
            adj[head] = {key: [x[-1] for x in sorted(rows)] for key, rows in rels.items()}
        self.adj = adj
        self.relations = sorted(keep)
        logger.info("adjacency: %d statements, %d entities", n, len(adj))

    def expand(self, frontier: Sequence[str], hop: int, cfg: bfs.BfsConfig) -> list[bfs.Triple]:
        heads = list(dict.fromkeys(frontier))[: cfg.max_frontier]
        out: list[bfs.Triple] = []
        for h in heads:
            rels = self.adj.get(h, {})
            for key in sorted(rels):
                # the strongest k, then in tail-id order as bfs.expand lists them
                kept = sorted(rels[key][: cfg.k_per_relation])
                out.extend(bfs.Triple(hop, h, key, t) for t in kept)
        return out

    def candidates(self, seeds: Sequence[str], cfg: bfs.BfsConfig) -> list[list[bfs.Triple]]:
        visited, frontier = set(seeds), list(dict.fromkeys(seeds))
        hops: list[list[bfs.Triple]] = []
        for hop in range(1, cfg.max_hops + 1):
            triples = self.expand(frontier, hop, cfg) if frontier else []
            hops.append(triples)
            frontier = bfs.first_reached(triples, visited)
            visited.update(t.tail for t in triples)
        return hops


def check_against_cypher(
    adj: Adjacency, store: GraphStore, seeds: Sequence[str], cfg: bfs.BfsConfig
) -> None:
    """Raise when the replica and the Cypher BFS disagree on any of `seeds`."""
    for seed in seeds:
        mine = [[(t.head, t.rel, t.tail) for t in h] for h in adj.candidates([seed], cfg)]
        theirs = [
            [(t.head, t.rel, t.tail) for t in h]
            for h in bfs.candidates(store, [seed], adj.relations, cfg)
        ]
        if mine != theirs:
            raise RetrievalError(
                f"in-memory BFS differs from cypher/retrieval/expand_frontier for seed {seed}"
            )
