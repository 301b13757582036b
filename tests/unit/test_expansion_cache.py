"""The per-entity expansion cache: hits, order, LRU eviction, invalidation by graph version."""

from __future__ import annotations

from typing import Any

from retrieval.expansion_cache import ExpansionCache, VersionedCache

ROWS = {
    "A": [{"head": "A", "tail": "x"}, {"head": "A", "tail": "y"}],
    "B": [],
    "C": [{"head": "C", "tail": "z"}],
}


class Graph:
    def __init__(self) -> None:
        self.version, self.now = 1, 0.0
        self.reads: list[list[str]] = []

    def fetch(self, heads: list[str]) -> list[dict[str, Any]]:
        self.reads.append(list(heads))
        return [r for h in heads for r in ROWS[h]]


def _cache(g: Graph, size: int = 10, check_s: float = 5.0) -> ExpansionCache:
    return ExpansionCache(size, lambda: g.version, check_s, clock=lambda: g.now)


def test_rows_come_in_head_order_and_are_read_once() -> None:
    g = Graph()
    c = _cache(g)
    assert [r["tail"] for r in c.expand(["C", "A"], ["R>"], 3, g.fetch)] == ["z", "x", "y"]
    assert [r["tail"] for r in c.expand(["A", "B", "C"], ["R>"], 3, g.fetch)] == ["x", "y", "z"]
    assert g.reads == [["C", "A"], ["B"]]  # B (no rows) is read once, then cached empty
    c.expand(["B"], ["R>"], 3, g.fetch)
    assert g.reads == [["C", "A"], ["B"]]
    assert (c.hits, c.misses) == (3, 3)


def test_other_relations_or_k_are_other_entries() -> None:
    g = Graph()
    c = _cache(g)
    c.expand(["A"], ["R>"], 3, g.fetch)
    c.expand(["A"], ["R>", "S<"], 3, g.fetch)
    c.expand(["A"], ["R>"], 4, g.fetch)
    assert g.reads == [["A"], ["A"], ["A"]]


def test_least_recently_used_entries_leave_first() -> None:
    g = Graph()
    c = _cache(g, size=2)
    c.expand(["A", "B"], ["R>"], 3, g.fetch)
    c.expand(["A"], ["R>"], 3, g.fetch)  # A is now more recent than B
    c.expand(["C"], ["R>"], 3, g.fetch)  # evicts B
    assert c.stats()["entries"] == 2
    c.expand(["A", "B"], ["R>"], 3, g.fetch)
    assert g.reads[-1] == ["B"]


def test_a_new_graph_version_drops_everything_after_check_s() -> None:
    g = Graph()
    c = _cache(g, check_s=5.0)
    c.expand(["A"], ["R>"], 3, g.fetch)
    g.version, g.now = 2, 1.0
    c.expand(["A"], ["R>"], 3, g.fetch)  # not looked at yet: served from the cache
    assert g.reads == [["A"]]
    g.now = 6.0
    c.expand(["A"], ["R>"], 3, g.fetch)
    assert g.reads == [["A"], ["A"]] and c.invalidations == 1


def test_rows_read_across_an_invalidation_are_not_kept() -> None:
    g = Graph()
    c = _cache(g, check_s=0.0)

    def fetch_while_the_graph_changes(heads: list[str]) -> list[dict[str, Any]]:
        g.version += 1
        c.validate()  # another request sees the new version while this one reads
        return g.fetch(heads)

    c.expand(["A"], ["R>"], 3, fetch_while_the_graph_changes)
    assert c.stats()["entries"] == 0


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
