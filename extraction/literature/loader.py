"""The single writer: loads shards into Neo4j through the shared write-back queries
(extraction/upsert_nodes and upsert_statements, UNWIND batches, the same provenance), one
transaction per shard with the read markers of its documents, so a document's evidence and
its marker are committed together or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extraction import writeback as wb
from extraction.literature import shards
from graph.repository import GraphStore

Row = dict[str, Any]


@dataclass
class LoadCounts:
    documents: int = 0
    statements: int = 0
    new_evidence: int = 0
    deleted: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, other: LoadCounts) -> None:
        self.documents += other.documents
        self.statements += other.statements
        self.new_evidence += other.new_evidence
        self.deleted += other.deleted
        self.failed += other.failed


def done_keys(store: GraphStore, keys: Sequence[str]) -> frozenset[str]:
    """Which document keys (extractor:model@version|id) are already read."""
    if not keys:
        return frozenset()
    rows = store.read("extraction/list_extracted_documents", raw=True, keys=list(keys))
    return frozenset(str(r["key"]) for r in rows)


def _steps(run: str, rows: Sequence[Row]) -> tuple[list[tuple[str, dict[str, Any]]], LoadCounts]:
    counts = LoadCounts()
    nodes: dict[str, Row] = {}
    edges: list[Row] = []
    markers: list[Row] = []
    for row in rows:
        if row.get("error"):
            counts.failed.append(str(row["error"]))
            continue
        for n in row["nodes"]:
            nodes.setdefault(n["id"], n)
        edges += row["edges"]
        model = row["model"]
        markers.append(
            {
                "key": row["key"],
                "document_id": row["document_id"],
                "extractor": model["extractor"],
                "model_name": model["name"],
                "model_version": model["version"],
                "statements": len(row["edges"]),
            }
        )
    counts.documents, counts.statements = len(markers), len(edges)
    steps = [
        ("extraction/upsert_nodes", {"rows": list(nodes.values()), "run": run}),
        ("extraction/upsert_statements", {"rows": edges, "run": run}),
        ("extraction/mark_documents", {"rows": markers, "run": run}),
    ]
    return steps, counts


def load_rows(store: GraphStore, run: str, rows: Sequence[Row]) -> LoadCounts:
    deletions = [str(i) for row in rows for i in row.get("delete", [])]
    if deletions:
        edges, _ = wb.retract_documents(store, deletions)
        return LoadCounts(deleted=edges)
    steps, counts = _steps(run, rows)
    if counts.documents:
        done = store.write_together("literature/load_shard", steps)
        counts.new_evidence = done.relationships_created
    return counts


def load_shard(store: GraphStore, run: str, path: Path) -> LoadCounts:
    counts = load_rows(store, run, shards.read_shard(path))
    shards.mark_loaded(path)
    return counts
