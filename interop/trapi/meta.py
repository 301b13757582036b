"""GET /v1/trapi/meta_knowledge_graph: every (subject category, predicate, object category)
the graph holds, read from the graph and cached per graph version (the completed ingest and
extraction runs, cypher/retrieval/graph_version.cypher), so a new ingest shows at once.

TRAPI's MetaEdge allows no other properties, so the counts go in `edge_counts` and
`node_counts` beside `nodes` and `edges` (MetaKnowledgeGraph allows additional properties)."""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from typing import Any

from graph.repository import GraphStore
from interop.prefixes import BIOLINK_REWRITES
from interop.trapi.query import tables


class MetaCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: str | None = None
        self._value: dict[str, Any] | None = None

    def get(self, store: GraphStore) -> dict[str, Any]:
        version = json.dumps(store.read("retrieval/graph_version", raw=True), sort_keys=True)
        with self._lock:
            if self._value is None or version != self._version:
                self._value = build(store)
                self._version = version
            return self._value


def build(store: GraphStore) -> dict[str, Any]:
    prefixes: dict[str, set[str]] = defaultdict(set)
    node_counts: dict[str, int] = defaultdict(int)
    for r in store.read("trapi/meta_nodes", raw=True):
        prefix = BIOLINK_REWRITES.get(r["prefix"], (r["prefix"],))[0]
        prefixes[r["category"]].add(prefix)
        node_counts[r["category"]] += r["count"]
    flip = tables()["non_canonical"]
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for e in store.read("trapi/meta_edges", raw=True):
        if not (e["subject"] and e["object"] and e["predicate"]):
            continue
        triple = (e["subject"], e["predicate"], e["object"])
        if e["predicate"] in flip:  # stated as answers state it: through the canonical inverse
            triple = (e["object"], flip[e["predicate"]], e["subject"])
        counts[triple] += e["count"]
    edges = [
        {"subject": s, "predicate": p, "object": o, "count": n}
        for (s, p, o), n in sorted(counts.items())
    ]
    return {
        "nodes": {c: {"id_prefixes": sorted(p)} for c, p in sorted(prefixes.items())},
        "edges": [
            {
                "subject": e["subject"],
                "predicate": e["predicate"],
                "object": e["object"],
                "knowledge_types": ["lookup"],
            }
            for e in edges
        ],
        "edge_counts": edges,
        "node_counts": dict(sorted(node_counts.items())),
    }
