"""A content checksum of the graph, independent of internal ids and of run bookkeeping.

Each node and statement is hashed from its canonical JSON (ids, labels or type, properties
minus bookkeeping); the hashes are added modulo 2**256, so the result does not depend on the
order Neo4j returns records in, and two graphs with the same content get the same checksum.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from graph.repository import GraphStore

MOD = 1 << 256
# Which run wrote a fact, and when, says nothing about the fact itself (a run killed and
# resumed, or rerun after the killed one was retracted, lists other runs than one clean run
# does, for the same facts).
BOOKKEEPING_SUFFIXES = ("_run", "_runs")
BOOKKEEPING_KEYS = frozenset({"last_ingest_run", "extracted_at", "extraction_run"})


def _content(props: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for k, v in props.items()
        if k not in BOOKKEEPING_KEYS and not k.endswith(BOOKKEEPING_SUFFIXES)
    }


def _digest(obj: Any) -> int:
    blob = json.dumps(obj, sort_keys=True, default=str, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(blob.encode()).digest(), "big")


def checksum(store: GraphStore) -> dict[str, Any]:
    total, nodes, edges = 0, 0, 0
    for rec in store.stream("graph/stream_nodes"):
        total = (
            total + _digest(["node", rec["id"], sorted(rec["labels"]), _content(rec["props"])])
        ) % MOD
        nodes += 1
    for rec in store.stream("graph/stream_edges"):
        item = ["edge", rec["subject"], rec["type"], rec["object"], _content(rec["props"])]
        total = (total + _digest(item)) % MOD
        edges += 1
    return {"checksum": f"{total:064x}", "nodes": nodes, "relationships": edges}
