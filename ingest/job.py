"""One ingest run of one source: validate everything, then write, retract and record.

Validation (parsing every file, merging, resolving ids) finishes before the first write, so a
malformed file leaves the graph untouched. Writes are idempotent MERGEs tagged with the run id;
after them, whatever the source asserted before but not in this run is retracted. A run killed
mid-write stays 'running' and is marked 'incomplete' by the next run (one that failed is
'failed'); the next run then repairs it: its retraction step removes anything the broken run
wrote that the source no longer asserts, endpoint stubs left without statements included.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.exceptions import IngestError
from core.progress import Bars
from graph.repository import GraphStore
from graph.vocabulary import SOURCE_INFORES, SOURCE_KEYS, Source
from ingest import runs
from ingest.merge import Plan, build_plan
from ingest.rows import ParsedFile

logger = logging.getLogger(__name__)


class _Steps:
    """Logs how long each step of a run takes (where the time goes on large sources)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.last = time.monotonic()

    def done(self, step: str, rows: int) -> None:
        now = time.monotonic()
        logger.info("%s: %s, %d rows in %.1f s", self.source, step, rows, now - self.last)
        self.last = now


@dataclass
class RunResult:
    run_id: str
    source: Source
    release: str
    counts: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def plan_source(source: Source, parsed: list[ParsedFile], run_id: str) -> tuple[Plan, str]:
    """The validated write plan and the source's release, before anything is written."""
    release = next((p.release for p in parsed if p.release), "")
    nodes = [n for p in parsed for n in p.nodes]
    edges = [e for p in parsed for e in p.edges]
    try:
        return build_plan(source, nodes, edges, release, run_id), release
    except ValueError as e:
        raise IngestError(", ".join(p.path for p in parsed), None, str(e)) from e


def run_source(
    store: GraphStore,
    source: Source,
    parsed: list[ParsedFile],
    batch_size: int,
    progress: Bars | None = None,
) -> RunResult:
    progress = progress or Bars(enabled=False)
    t0 = time.monotonic()
    run_id = runs.new_run_id(source)
    plan, release = plan_source(source, parsed, run_id)
    files = [runs.file_info(Path(p.path), p.release) for p in parsed]
    result = RunResult(run_id, source, release)
    for p in parsed:
        for reason, n in p.skipped.items():
            result.skipped[reason] = result.skipped.get(reason, 0) + n
    status = runs.last_status(store, source)
    broken, unrecorded = status not in (None, "completed"), status is None
    recovered = runs.open_run(store, source, run_id, release, files, runs.fingerprint(files))
    try:
        recovering = broken or bool(recovered)
        result.counts = _write(store, plan, run_id, batch_size, progress, recovering, unrecorded)
    except BaseException as e:
        # Best effort: the run stays open ('running') if even this write fails.
        try:
            runs.close_run(store, run_id, "failed", result.counts, error=str(e)[:2000])
        except Exception:
            logger.exception("could not record the failure of run %s", run_id)
        raise
    result.seconds = time.monotonic() - t0
    runs.close_run(store, run_id, "completed", result.counts | {"seconds": round(result.seconds)})
    return result


def _write(
    store: GraphStore,
    plan: Plan,
    run_id: str,
    batch_size: int,
    progress: Bars,
    recovering: bool,
    unrecorded: bool = False,
) -> dict[str, int]:
    """Diff the plan against what the source holds in the graph, then write only the difference:
    new and changed rows are upserted, rows the source no longer asserts are retracted.
    After a killed run, derived node properties are refreshed for every node of the plan, since
    the killed run may have written nodes without reaching that step; when the source has data
    that no run recorded (`unrecorded`: an interrupted bulk load), every row is written."""
    src = plan.source.value
    common: dict[str, Any] = {
        "source": src,
        "prefix": src + "_",
        "run": run_id,
        "all_sources": SOURCE_KEYS,
        "infores": SOURCE_INFORES,
    }
    steps = _Steps(src)
    old_nodes, old_edges = _source_state(store, src)
    nodes = diff(plan.nodes, old_nodes, _node_key, src)
    edges = diff(plan.edges, old_edges, _edge_key, src)
    if unrecorded and (old_nodes or old_edges):
        # Data of this source that no run recorded: a bulk load killed after its import,
        # before its deferred properties and run records. Its hashes match the plan's but the
        # rows are not whole: write every row, refresh every node.
        nodes.dirty, edges.dirty, recovering = list(plan.nodes), list(plan.edges), True
    steps.done("read stored state and diff", len(old_nodes) + len(old_edges))
    with progress.task(f"{src}: endpoints", len(plan.stubs)) as advance:
        store.write_rows("ingest/upsert_stub_nodes", plan.stubs, batch_size, advance)
    steps.done("endpoints", len(plan.stubs))
    with progress.task(f"{src}: nodes", len(nodes.dirty)) as advance:
        store.write_rows("ingest/upsert_nodes", nodes.dirty, batch_size, advance, **common)
    steps.done("nodes", len(nodes.dirty))
    with progress.task(f"{src}: edges", len(edges.dirty)) as advance:
        store.write_rows("ingest/upsert_edges", edges.dirty, batch_size, advance, **common)
    steps.done("edges", len(edges.dirty))
    gone_edges = [
        {"subject": k[0], "rel": k[1], "object": k[2], "negated": k[3]} for k in edges.gone
    ]
    store.write_rows("ingest/retract_edges", gone_edges, batch_size, **common)
    gone_ids = [k[0] for k in nodes.gone]
    _by_ids(store, "ingest/retract_nodes", gone_ids, batch_size, **common)
    candidates = sorted(
        {*gone_ids, *(e["subject"] for e in gone_edges), *(e["object"] for e in gone_edges)}
    )
    orphans = sum(
        r["count"] for r in _by_ids(store, "ingest/delete_orphan_nodes", candidates, batch_size)
    )
    if recovering:
        orphans += store.write("ingest/delete_orphan_stubs").records[0]["count"]
    refresh = plan.nodes if recovering else nodes.dirty
    steps.done("retractions", len(gone_edges) + len(gone_ids))
    touched = sorted({*gone_ids, *(n["id"] for n in refresh)})
    _by_ids(store, "ingest/refresh_display_props", touched, batch_size, infores=SOURCE_INFORES)
    steps.done("derived node properties", len(touched))
    return {
        "nodes": len(plan.nodes),
        "edges": len(plan.edges),
        "nodes_added": nodes.added,
        "nodes_updated": nodes.updated,
        "nodes_removed": len(nodes.gone),
        "edges_added": edges.added,
        "edges_updated": edges.updated,
        "edges_removed": len(gone_edges),
        "rows_written": len(nodes.dirty) + len(edges.dirty),
        "orphans_deleted": orphans,
    }


Key = tuple[Any, ...]
State = dict[Key, tuple[str | None, str | None]]


def _source_state(store: GraphStore, src: str) -> tuple[State, State]:
    """(content hash, release) of every node and statement the source holds in the graph."""
    params: dict[str, Any] = {"source": src, "prefix": src + "_"}
    nodes: State = {
        (r["id"],): (r["hash"], r["release"])
        for r in store.stream("ingest/source_node_state", **params)
    }
    edges: State = {
        (r["subject"], r["rel"], r["object"], r["negated"]): (r["hash"], r["release"])
        for r in store.stream("ingest/source_edge_state", **params)
    }
    return nodes, edges


@dataclass
class Diff:
    dirty: list[dict[str, Any]]  # rows to upsert: new to the source, changed, or re-released
    gone: list[Key]  # keys the source asserted before and no longer does
    added: int
    updated: int


def diff(
    rows: list[dict[str, Any]],
    old: State,
    key: Callable[[dict[str, Any]], Key],
    src: str,
) -> Diff:
    """Compare plan rows with the stored (content hash, release) of each key."""
    dirty: list[dict[str, Any]] = []
    added = updated = 0
    seen: set[Key] = set()
    for row in rows:
        k = key(row)
        seen.add(k)
        props = row["props"]
        before = old.get(k)
        if before is None:
            added += 1
            dirty.append(row)
        elif before[0] != props[src + "_hash"]:
            updated += 1
            dirty.append(row)
        elif before[1] != props[src + "_release"]:
            dirty.append(row)  # same content, newer release: restamp the provenance
    return Diff(dirty, [k for k in old if k not in seen], added, updated)


def _node_key(row: dict[str, Any]) -> Key:
    return (row["id"],)


def _edge_key(row: dict[str, Any]) -> Key:
    return (row["subject"], row["rel"], row["object"], row["negated"])


def _by_ids(
    store: GraphStore, query: str, ids: list[str], batch_size: int, **params: Any
) -> list[dict[str, Any]]:
    """Run an `UNWIND $ids` query over `ids` in batches; returns what the batches returned."""
    records: list[dict[str, Any]] = []
    for start in range(0, len(ids), batch_size):
        records += store.write(query, **params, ids=ids[start : start + batch_size]).records
    return records
