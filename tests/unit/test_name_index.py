"""The in-process name dictionary: n-gram lookup, stopwords, and rebuilding on a new graph
version (answering None, so linking uses the fulltext index, until the rebuild is done)."""

from __future__ import annotations

import threading
from typing import Any

from retrieval.expansion_cache import VersionWatch
from retrieval.linking import STOPWORDS
from retrieval.name_index import LiveNames, NameIndex, tokens

ROWS: list[dict[str, Any]] = [
    {"id": "ORPHA:558", "name": "Marfan syndrome", "category": "biolink:Disease", "synonyms": []},
    {
        "id": "ORPHA:284963",
        "name": "Marfan syndrome type 1",
        "category": "biolink:Disease",
        "synonyms": ["MFS1", "Marfan's syndrome type 1"],
    },
    {"id": "NCBIGene:7454", "name": "WAS", "category": "biolink:Gene", "synonyms": []},
    {"id": "HP:0001166", "name": "Arachnodactyly", "category": "x", "synonyms": ["Spider fingers"]},
    {"id": None, "name": "no id", "category": "x", "synonyms": []},
]


def _ids(index: NameIndex, question: str) -> dict[str, float]:
    return {r["id"]: r["score"] for r in index.candidates(question)}


def test_tokens_are_lower_case_alphanumeric_runs() -> None:
    assert tokens("Marfan's Syndrome, type-1!") == ["marfan", "s", "syndrome", "type", "1"]


def test_ngrams_find_names_and_synonyms_with_coverage_scores() -> None:
    index = NameIndex(ROWS, STOPWORDS)
    assert len(index) == 4  # the row without an id is skipped
    found = _ids(index, "Which genes cause Marfan syndrome type 1 and spider fingers?")
    assert set(found) == {"ORPHA:558", "ORPHA:284963", "HP:0001166"}
    # 8 content tokens ("which" and "and" are stopwords): the longest n-grams cover 4 and 2
    assert found["ORPHA:284963"] == 4 / 8 and found["ORPHA:558"] == 2 / 8
    assert _ids(index, "mfs1 in Marfan's syndrome type 1?").keys() == {"ORPHA:284963"}


def test_stopword_only_ngrams_are_not_looked_up() -> None:
    index = NameIndex(ROWS, STOPWORDS)
    assert "NCBIGene:7454" not in _ids(index, "What was the cause of arachnodactyly?")
    assert _ids(index, "the was of") == {}


class Graph:
    def __init__(self) -> None:
        self.version, self.now, self.reads, self.loads = 1, 0.0, 0, 0
        self.gate = threading.Event()

    def read_version(self) -> int:
        self.reads += 1
        return self.version

    def load(self) -> NameIndex:
        self.loads += 1
        if self.version > 1:
            assert self.gate.wait(10)
        return NameIndex(ROWS[: 1 + self.version], STOPWORDS)


def test_version_watch_reads_at_most_once_per_interval() -> None:
    g = Graph()
    watch = VersionWatch(g.read_version, check_s=5.0, clock=lambda: g.now)
    assert [watch(), watch()] == [1, 1] and g.reads == 1
    g.version, g.now = 2, 4.9
    assert watch() == 1  # within the interval: the value read before
    g.now = 5.0
    assert watch() == 2 and g.reads == 2


def test_live_names_rebuild_in_the_background_and_are_none_while_stale() -> None:
    g = Graph()
    live = LiveNames(g.load, g.read_version)
    live.start()
    first = live.current()
    assert first is not None and len(first) == 2
    g.version = 2
    assert live.current() is None  # stale: the fulltext index answers meanwhile
    assert live.current() is None and live.stats()["building"]
    g.gate.set()
    for _ in range(200):
        index = live.current()
        if index is not None:
            break
        threading.Event().wait(0.01)
    assert index is not None and len(index) == 3
    assert live.stats()["builds"] >= 2 and not live.stats()["building"]


def test_the_dictionary_is_cached_per_graph_version(tmp_path: Any) -> None:
    from retrieval.name_index import cached_names

    builds: list[int] = []

    def build() -> NameIndex:
        builds.append(1)
        return NameIndex(ROWS, STOPWORDS)

    question = "Which genes cause Marfan syndrome type 1 and spider fingers?"
    version = {"ingest": ["run-1"], "extraction": []}
    first = cached_names(tmp_path, version, build, STOPWORDS)
    again = cached_names(tmp_path, version, build, STOPWORDS)  # read back, not rebuilt
    assert len(builds) == 1
    assert _ids(again, question) == _ids(first, question) and len(again) == len(first)
    assert again.entities == first.entities and again.max_tokens == first.max_tokens
    cached_names(tmp_path, {"ingest": ["run-2"], "extraction": []}, build, STOPWORDS)
    assert len(builds) == 2  # a new graph version builds its own
    for f in tmp_path.glob("*.json"):
        f.write_text("{not json")
    assert _ids(cached_names(tmp_path, version, build, STOPWORDS), question) == _ids(
        first, question
    )
    assert len(builds) == 3  # an unreadable cache is rebuilt
