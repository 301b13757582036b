"""The single writer: loads shards into Neo4j through the shared write-back queries
(extraction/upsert_nodes and upsert_statements, UNWIND batches, the same provenance), each
shard whole in one transaction with the read markers of its documents, so a document's
evidence and its marker are committed together or not at all. Shards waiting for it are loaded
together, several to a transaction (load_shards): a run's shard holds one batch of documents,
a few hundred statements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
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
    """One shard in a transaction of its own."""
    return _load_group(store, run, [(path, shards.read_shard(path))])


# Statements per transaction when the writer finds several shards waiting (a run's shards hold
# one batch of documents each: a few hundred statements).
GROUP_STATEMENTS = 5_000


def load_shards(
    store: GraphStore, run: str, paths: Sequence[Path], statements: int = GROUP_STATEMENTS
) -> Iterator[LoadCounts]:
    """Shards waiting to be loaded, in order: consecutive shards are written together, whole,
    in transactions of up to `statements` statements (a list of deleted citations always on
    its own), and each is marked loaded once its transaction has committed. The next shard is
    read while the current transaction runs. Yields each transaction's counts."""
    group: list[tuple[Path, list[Row]]] = []
    size = 0  # the group's statements
    with ThreadPoolExecutor(1, thread_name_prefix="shard-reader") as pool:
        reads = _read_ahead(pool, paths)
        for path in paths:
            try:
                rows = next(reads)
            except Exception:  # a bad shard: the shards before it are still loaded
                if group:
                    yield _load_group(store, run, group)
                raise
            n = statements_in(rows)
            if group and (
                _is_deletion(rows) or _is_deletion(group[-1][1]) or size + n > statements
            ):
                yield _load_group(store, run, group)
                group, size = [], 0
            group.append((path, rows))
            size += n
        if group:
            yield _load_group(store, run, group)


def _read_ahead(pool: ThreadPoolExecutor, paths: Sequence[Path]) -> Iterator[list[Row]]:
    ahead: Future[list[Row]] | None = pool.submit(shards.read_shard, paths[0]) if paths else None
    for k in range(len(paths)):
        assert ahead is not None
        rows = ahead.result()
        ahead = pool.submit(shards.read_shard, paths[k + 1]) if k + 1 < len(paths) else None
        yield rows


def _is_deletion(rows: Sequence[Row]) -> bool:
    return any("delete" in r for r in rows)


def statements_in(rows: Sequence[Row]) -> int:
    return sum(len(r.get("edges") or ()) for r in rows)


def _load_group(store: GraphStore, run: str, group: Sequence[tuple[Path, list[Row]]]) -> LoadCounts:
    counts = load_rows(store, run, [r for _, rows in group for r in rows])
    for path, _ in group:
        shards.mark_loaded(path)
    return counts
