"""Per-entity BFS expansions, statement provenance and seed lookups kept in process, so that
a hub entity reached by many questions is expanded in Cypher once, not once per question.

`VersionedCache` is an LRU whose entries are dropped, all at once, when the graph version
(the latest completed ingest runs and the extraction runs with their status, see
`retrieval.embeddings.graph_version_rows`) changes; the version is read at most every
`check_s` seconds, so an answer can lag a finished ingest or extraction by that long.
The service keeps each head's expansion (retrieval.candidates.HeadBlock) in one."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class VersionWatch:
    """The graph version, read at most every `check_s` seconds, so that one read per interval
    serves every cache of the service (the expansions and the name dictionary)."""

    def __init__(
        self,
        read: Callable[[], object],
        check_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read, self.check_s, self._clock = read, check_s, clock
        self._lock = threading.Lock()
        self._value: object = None
        self._at = float("-inf")

    def __call__(self) -> object:
        with self._lock:
            now = self._clock()
            if now - self._at >= self.check_s:
                self._value, self._at = self._read(), now
            return self._value


class VersionedCache(Generic[K, V]):
    """An LRU of `size` entries, emptied when the graph version changes."""

    def __init__(
        self,
        size: int,
        version: Callable[[], object],
        check_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.size = size
        self._watch = VersionWatch(version, check_s, clock)
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self._version: object = None
        self._generation = 0  # bumped on every invalidation
        self.hits = self.misses = self.invalidations = 0

    def validate(self) -> None:
        """Drop every entry when the graph version changed since the last look."""
        version = self._watch()
        with self._lock:
            if version != self._version:
                if self._entries:
                    self.invalidations += 1
                self._entries.clear()
                self._generation += 1
                self._version = version

    def get_many(self, keys: Sequence[K], fetch: Callable[[list[K]], dict[K, V]]) -> dict[K, V]:
        """The values of `keys`; `fetch(missing_keys)` reads the missing ones and must
        answer every key it is given."""
        self.validate()
        found: dict[K, V] = {}
        with self._lock:
            generation = self._generation
            for key in keys:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    found[key] = self._entries[key]
            self.hits += len(found)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            fresh = fetch(missing)
            with self._lock:
                self.misses += len(missing)
                # values read across an invalidation may be stale: answer with them, keep none
                if generation == self._generation:
                    for key in missing:
                        self._entries[key] = fresh[key]
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            found.update(fresh)
        return found

    def stats(self) -> dict[str, int]:
        return {
            "entries": len(self._entries),
            "hits": self.hits,
            "misses": self.misses,
            "invalidations": self.invalidations,
        }
