"""The service's per-entity caches: head blocks in frontier order and read once, LRU eviction,
invalidation by graph version, keyed lookups."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from retrieval.bfs import BfsConfig, Triple
from retrieval.caff.data import category_index
from retrieval.candidates import BlockReader, HeadBlock
from retrieval.expansion_cache import VersionedCache


def _row(head: str, rel: str, tail: str, cat: str = "biolink:Disease") -> dict[str, Any]:
    return {"head": head, "rel": rel, "tail": tail, "tail_name": tail.upper(), "tail_category": cat}


# what expand_frontier returns per head, deliberately not in (relation, tail) order
ROWS = {
    "A": [_row("A", "S<", "x"), _row("A", "R>", "y", "biolink:Gene"), _row("A", "R>", "w")],
    "B": [],
    "C": [_row("C", "R>", "z", "biolink:PhenotypicFeature")],
}
RELATIONS = ["R>", "S<"]
ENTITY_ROWS = {"A": 0, "B": 1, "C": 2, "w": 3, "x": 4, "y": 5, "z": 6}


class Graph:
    """A stand-in for GraphStore.read in unit tests (the integration tests use Neo4j)."""

    def __init__(self) -> None:
        self.version, self.now = 1, 0.0
        self.reads: list[list[str]] = []

    def read(self, name: str, raw: bool, frontier: list[str], **_: Any) -> list[dict[str, Any]]:
        assert name == "retrieval/expand_frontier" and raw
        self.reads.append(list(frontier))
        return [r for h in frontier for r in ROWS[h]]


def rows_of(ids: Sequence[str]) -> np.ndarray:
    return np.asarray([ENTITY_ROWS.get(i, 99) for i in ids], dtype=np.int64)


def _cache(g: Graph, size: int = 10, check_s: float = 5.0) -> VersionedCache[str, HeadBlock]:
    return VersionedCache(size, lambda: g.version, check_s, clock=lambda: g.now)


def _reader(g: Graph, cache: VersionedCache[str, HeadBlock] | None) -> BlockReader:
    return BlockReader(g, RELATIONS, BfsConfig(k_per_relation=3), rows_of, cache)  # type: ignore[arg-type]


def test_blocks_come_in_frontier_order_then_relation_and_tail_and_are_read_once() -> None:
    g = Graph()
    cache = _cache(g)
    reader = _reader(g, cache)
    hop = reader.hop(["C", "A", "C"], 2)
    assert [(t.head, t.rel, t.tail) for t in hop.triples()] == [
        ("C", "R>", "z"),
        ("A", "R>", "w"),
        ("A", "R>", "y"),
        ("A", "S<", "x"),
    ]
    assert hop.triple(2) == Triple(2, "A", "R>", "y", "Y", "biolink:Gene")
    assert hop.tails == ["z", "w", "y", "x"]
    # the columns the scorer reads agree with the triples
    assert hop.rel.tolist() == [0, 0, 0, 1]
    assert hop.head_row.tolist() == [2, 0, 0, 0]
    assert hop.tail_row.tolist() == [6, 3, 5, 4]
    assert hop.tail_cat.tolist() == [category_index(t.tail_category) for t in hop.triples()]
    reader.hop(["A", "B", "C"], 1)
    assert g.reads == [["C", "A"], ["B"]]  # B (no rows) is read once, then cached empty
    assert len(reader.hop(["B"], 1)) == 0 and g.reads == [["C", "A"], ["B"]]
    assert (cache.hits, cache.misses) == (3, 3)


def test_without_a_cache_every_hop_reads_and_the_frontier_is_capped() -> None:
    g = Graph()
    reader = BlockReader(g, RELATIONS, BfsConfig(max_frontier=1), rows_of)  # type: ignore[arg-type]
    assert reader.hop(["A", "C"], 1).tails == ["w", "y", "x"]
    assert reader.hop(["A", "C"], 1).tails == ["w", "y", "x"]
    assert g.reads == [["A"], ["A"]]
    assert len(reader.hop([], 1)) == 0 and len(g.reads) == 2


def test_least_recently_used_entries_leave_first() -> None:
    g = Graph()
    reader = _reader(g, _cache(g, size=2))
    reader.hop(["A", "B"], 1)
    reader.hop(["A"], 1)  # A is now more recent than B
    reader.hop(["C"], 1)  # evicts B
    assert reader.cache is not None and reader.cache.stats()["entries"] == 2
    reader.hop(["A", "B"], 1)
    assert g.reads[-1] == ["B"]


def test_a_new_graph_version_drops_everything_after_check_s() -> None:
    g = Graph()
    cache = _cache(g, check_s=5.0)
    reader = _reader(g, cache)
    reader.hop(["A"], 1)
    g.version, g.now = 2, 1.0
    reader.hop(["A"], 1)  # not looked at yet: served from the cache
    assert g.reads == [["A"]]
    g.now = 6.0
    reader.hop(["A"], 1)
    assert g.reads == [["A"], ["A"]] and cache.invalidations == 1


def test_values_read_across_an_invalidation_are_not_kept() -> None:
    g = Graph()
    cache = _cache(g, check_s=0.0)

    def read_while_the_graph_changes(heads: list[str]) -> dict[str, HeadBlock]:
        g.version += 1
        cache.validate()  # another request sees the new version while this one reads
        return _reader(g, None).read(heads)

    assert len(cache.get_many(["A"], read_while_the_graph_changes)["A"]) == 3
    assert cache.stats()["entries"] == 0


def test_keyed_lookups_ask_once_per_missing_key_and_remember_absent_ones() -> None:
    g = Graph()
    cache: VersionedCache[str, dict[str, str] | None] = VersionedCache(
        10, lambda: g.version, 5.0, clock=lambda: g.now
    )
    asked: list[list[str]] = []
    graph = {"ORPHA:558": {"name": "Marfan syndrome"}}

    def read(ids: list[str]) -> dict[str, dict[str, str] | None]:
        asked.append(ids)
        return {i: graph.get(i) for i in ids}

    first = cache.get_many(["ORPHA:558", "X:1", "ORPHA:558"], read)
    assert first == {"ORPHA:558": {"name": "Marfan syndrome"}, "X:1": None}
    assert cache.get_many(["X:1", "ORPHA:558"], read) == first
    assert asked == [["ORPHA:558", "X:1"]]  # duplicates asked once; the unknown id remembered
    g.version, g.now = 2, 10.0  # e.g. an ingest added X:1
    graph["X:1"] = {"name": "new"}
    assert cache.get_many(["X:1"], read) == {"X:1": {"name": "new"}}
    assert asked[-1] == ["X:1"] and cache.invalidations == 1
