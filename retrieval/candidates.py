"""One hop's BFS candidates held in columns, for the evidence service.

`bfs.expand` returns a list of `Triple` objects, which is what the QA builder and the tests
want. The service scores every candidate but keeps a few, so it reads each head's expansion
once (cypher/retrieval/expand_frontier), turns it into a `HeadBlock` of arrays (relation
positions, embedding rows and categories of the tails) and keeps the blocks in a
`VersionedCache`. A hop is then the concatenation of its heads' blocks; `Triple` objects are
made only for the candidates the scorer retains. The order is `bfs.expand`'s: heads in
frontier order, then relation key, then tail id."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np

from graph.repository import GraphStore
from retrieval.bfs import BfsConfig, Triple, read_expansions
from retrieval.caff.data import category_index
from retrieval.expansion_cache import VersionedCache


@dataclass(frozen=True, eq=False)
class HeadBlock:
    """What expand_frontier returns for one head (possibly nothing), sorted by (relation
    key, tail id), with the arrays the scorer reads."""

    head: str
    head_row: int  # the head's row in the entity embedding matrix
    rels: tuple[str, ...]
    tails: tuple[str, ...]
    tail_names: tuple[str | None, ...]
    tail_categories: tuple[str | None, ...]
    rel_idx: np.ndarray  # (n,) positions in the relation vocabulary
    tail_row: np.ndarray  # (n,) rows in the entity embedding matrix
    tail_cat: np.ndarray  # (n,) category indices (retrieval.caff.data.CATEGORIES)

    @classmethod
    def from_rows(
        cls,
        head: str,
        rows: Sequence[Mapping[str, Any]],
        rel_pos: Mapping[str, int],
        rows_of: Callable[[Sequence[str]], np.ndarray],
    ) -> HeadBlock:
        """`rel_pos` maps relation keys to positions; `rows_of(ids)` gives embedding rows."""
        ordered = sorted(rows, key=lambda r: (r["rel"], r["tail"]))
        rels = tuple(r["rel"] for r in ordered)
        tails = tuple(r["tail"] for r in ordered)
        cats = tuple(r["tail_category"] for r in ordered)
        return cls(
            head=head,
            head_row=int(rows_of([head])[0]),
            rels=rels,
            tails=tails,
            tail_names=tuple(r["tail_name"] for r in ordered),
            tail_categories=cats,
            rel_idx=np.fromiter((rel_pos[k] for k in rels), np.int64, len(rels)),
            tail_row=rows_of(tails),
            tail_cat=np.fromiter((category_index(c) for c in cats), np.int64, len(cats)),
        )

    def __len__(self) -> int:
        return len(self.tails)


class HopCandidates:
    """The candidates of one hop: its heads' blocks, concatenated."""

    def __init__(self, hop: int, blocks: Sequence[HeadBlock]) -> None:
        self.hop = hop
        self.blocks = list(blocks)
        sizes = [len(b) for b in self.blocks]
        self.offsets = np.cumsum([0, *sizes])
        self.block_of = np.repeat(np.arange(len(sizes)), sizes)

        def cat(arrays: list[np.ndarray]) -> np.ndarray:
            return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)

        self.rel = cat([b.rel_idx for b in self.blocks])
        self.tail_row = cat([b.tail_row for b in self.blocks])
        self.tail_cat = cat([b.tail_cat for b in self.blocks])
        self.head_row = np.repeat(np.asarray([b.head_row for b in self.blocks], np.int64), sizes)
        self.tails: list[str] = list(chain.from_iterable(b.tails for b in self.blocks))

    def __len__(self) -> int:
        return len(self.tails)

    def heads_in(self, entities: set[str]) -> np.ndarray:
        """(N,) 1.0 for the candidates whose head is one of `entities`, else 0.0."""
        inside = np.asarray([b.head in entities for b in self.blocks], dtype=np.float32)
        return inside[self.block_of]

    def triple(self, i: int) -> Triple:
        """The i-th candidate as a Triple."""
        k = int(self.block_of[i])
        b, j = self.blocks[k], i - int(self.offsets[k])
        return Triple(
            self.hop, b.head, b.rels[j], b.tails[j], b.tail_names[j], b.tail_categories[j]
        )

    def triples(self) -> list[Triple]:
        return [self.triple(i) for i in range(len(self))]

    def tail_labels(self) -> Iterator[tuple[str, str | None, str | None]]:
        """(tail id, name, category) of every candidate."""
        for b in self.blocks:
            yield from zip(b.tails, b.tail_names, b.tail_categories, strict=True)


class BlockReader:
    """Head blocks from the graph, through a `VersionedCache` when one is given."""

    def __init__(
        self,
        store: GraphStore,
        relations: Sequence[str],
        cfg: BfsConfig,
        rows_of: Callable[[Sequence[str]], np.ndarray],
        cache: VersionedCache[str, HeadBlock] | None = None,
    ) -> None:
        self.store, self.relations, self.cfg = store, list(relations), cfg
        self.rel_pos = {k: i for i, k in enumerate(self.relations)}
        self.rows_of, self.cache = rows_of, cache

    def hop(self, frontier: Sequence[str], hop: int) -> HopCandidates:
        """The candidates of `hop` from `frontier` (its first cfg.max_frontier heads)."""
        heads = list(dict.fromkeys(frontier))[: self.cfg.max_frontier]
        if not heads:
            return HopCandidates(hop, [])
        found = self.read(heads) if self.cache is None else self.cache.get_many(heads, self.read)
        return HopCandidates(hop, [found[h] for h in heads])

    def read(self, heads: list[str]) -> dict[str, HeadBlock]:
        rows: dict[str, list[dict[str, Any]]] = {h: [] for h in heads}
        for r in read_expansions(self.store, heads, self.relations, self.cfg.k_per_relation):
            rows[r["head"]].append(r)
        return {h: HeadBlock.from_rows(h, rs, self.rel_pos, self.rows_of) for h, rs in rows.items()}
