"""An in-process dictionary of entity names and synonyms, for linking a question without a
fulltext round trip to Neo4j.

Names are keyed by their lower-cased alphanumeric tokens. A question's word n-grams are looked
up, and every hit is still confirmed by `linking.link_lexical`'s whole-word check on the
original text, so the dictionary finds the mentions the fulltext index finds (all of them, not
its top 50) and links them the same way. An n-gram made only of stopwords is not looked up:
the fulltext query drops those words too ("was" is not the gene WAS).

`LiveNames` keeps the dictionary of the current graph version: when the version changes it
rebuilds it in a background thread and answers None until then, so linking falls back to the
fulltext index and never uses names of an older graph."""

from __future__ import annotations

import gc
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from retrieval.disk_cache import version_key, write_atomic

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"[a-z0-9]+")
MAX_TOKENS = 16  # longer names are not looked up (questions rarely quote them whole)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


class NameIndex:
    """Token key -> entity ids, and each entity's name, category and synonyms."""

    def __init__(self, rows: Iterable[dict[str, Any]], stopwords: frozenset[str]) -> None:
        self.stopwords = stopwords
        self.entities: dict[str, tuple[str, str, list[str]]] = {}
        self.keys: dict[str, list[str]] = {}
        self.max_tokens = 1
        for r in rows:
            if not r["id"]:
                continue
            name, synonyms = r["name"] or "", list(r["synonyms"] or [])
            self.entities[r["id"]] = (name, r["category"] or "", synonyms)
            for text in {name, *synonyms}:
                toks = tokens(text)
                if not toks or len(toks) > MAX_TOKENS:
                    continue
                ids = self.keys.setdefault(" ".join(toks), [])
                if not ids or ids[-1] != r["id"]:
                    ids.append(r["id"])
                self.max_tokens = max(self.max_tokens, len(toks))

    def __len__(self) -> int:
        return len(self.entities)

    def save(self, path: Path) -> None:
        doc = {"entities": self.entities, "keys": self.keys, "max_tokens": self.max_tokens}
        write_atomic(path, orjson.dumps(doc))

    @classmethod
    def load(cls, path: Path, stopwords: frozenset[str]) -> NameIndex:
        doc = orjson.loads(path.read_bytes())
        index = cls((), stopwords)
        index.entities = {k: (v[0], v[1], v[2]) for k, v in doc["entities"].items()}
        index.keys, index.max_tokens = doc["keys"], int(doc["max_tokens"])
        return index

    def candidates(self, question: str) -> Iterator[dict[str, Any]]:
        """Entities one of whose names or synonyms has the tokens of a word n-gram of the
        question, as rows like the fulltext query's; `score` is the share of the question's
        content tokens that the longest such n-gram covers."""
        toks = tokens(question)
        content = sum(t not in self.stopwords for t in toks) or 1
        best: dict[str, int] = {}
        for i in range(len(toks)):
            for n in range(1, min(self.max_tokens, len(toks) - i) + 1):
                gram = toks[i : i + n]
                if all(t in self.stopwords for t in gram):
                    continue
                for entity in self.keys.get(" ".join(gram), ()):
                    best[entity] = max(best.get(entity, 0), n)
        for entity, n in best.items():
            name, category, synonyms = self.entities[entity]
            yield {
                "id": entity,
                "name": name,
                "category": category,
                "synonyms": synonyms,
                "score": min(1.0, n / content),
            }


class LiveNames:
    """The NameIndex of the graph version `version()` reports (see module doc)."""

    def __init__(self, load: Callable[[], NameIndex], version: Callable[[], object]) -> None:
        self._load, self._version = load, version
        self._index: NameIndex | None = None
        self._built_for: object = None
        self._lock = threading.Lock()
        self._building = False
        self.builds = 0
        self.build_s = 0.0

    def start(self) -> None:
        """Build the dictionary now (at service start, so the first questions use it)."""
        self._build(self._version())

    def current(self) -> NameIndex | None:
        version = self._version()
        with self._lock:
            if self._index is not None and version == self._built_for:
                return self._index
            if not self._building:
                self._building = True
                threading.Thread(target=self._rebuild, args=(version,), daemon=True).start()
        return None

    def _rebuild(self, version: object) -> None:
        try:
            self._build(version)
        except Exception:
            logger.exception("name dictionary rebuild failed; linking uses the fulltext index")
        finally:
            with self._lock:
                self._building = False

    def _build(self, version: object) -> None:
        started = time.monotonic()
        index = self._load()
        with self._lock:
            self._index, self._built_for = index, version
            self.builds += 1
            self.build_s = round(time.monotonic() - started, 2)
        logger.info("name dictionary: %d entities in %.1f s", len(index), self.build_s)
        # Its ~600,000 long-lived containers would otherwise be walked by every full
        # collection of the garbage collector (measured 250 ms on the full graph, the p99 of a
        # loaded API): move what is alive now out of the collected generations.
        gc.collect()
        gc.freeze()

    def stats(self) -> dict[str, Any]:
        index = self._index
        return {
            "entities": len(index) if index is not None else 0,
            "builds": self.builds,
            "last_build_s": self.build_s,
            "building": self._building,
        }


def cached_names(
    folder: Path, version: object, build: Callable[[], NameIndex], stopwords: frozenset[str]
) -> NameIndex:
    """The dictionary of graph `version` from `folder` (one JSON file per version), built and
    saved there when missing or unreadable: a CLI call reads it in about a second instead of
    streaming and indexing every name again."""
    path = folder / f"{version_key(version)}.json"
    if path.is_file():
        try:
            return NameIndex.load(path, stopwords)
        except (OSError, ValueError, KeyError, IndexError, TypeError) as e:
            logger.warning("name dictionary cache %s is unreadable (%s); rebuilding it", path, e)
    index = build()
    index.save(path)
    return index
