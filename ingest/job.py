"""One ingest run of one source: validate everything, then write, retract and record.

Validation (parsing every file, merging, resolving ids) finishes before the first write, so a
malformed file leaves the graph untouched. Writes are idempotent MERGEs tagged with the run id;
after them, whatever the source asserted before but not in this run is retracted. A run killed
mid-write stays 'running' and is marked 'incomplete' by the next run, whose retraction step
removes anything the broken run wrote that the source no longer asserts.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from core.exceptions import IngestError
from graph.repository import GraphStore
from ingest import runs
from ingest.merge import Plan, build_plan
from ingest.progress import Progress
from ingest.rows import ParsedFile, Source

logger = logging.getLogger(__name__)

ALL_SOURCES = [s.value for s in Source]
INFORES = {s.value: s.infores for s in Source}


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
    progress: Progress | None = None,
) -> RunResult:
    progress = progress or Progress(enabled=False)
    t0 = time.monotonic()
    run_id = runs.new_run_id(source)
    plan, release = plan_source(source, parsed, run_id)
    files = [runs.file_info(p) for p in parsed]
    result = RunResult(run_id, source, release)
    for p in parsed:
        for reason, n in p.skipped.items():
            result.skipped[reason] = result.skipped.get(reason, 0) + n
    runs.open_run(store, source, run_id, release, files)
    try:
        result.counts = _write(store, plan, run_id, batch_size, progress)
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
    store: GraphStore, plan: Plan, run_id: str, batch_size: int, progress: Progress
) -> dict[str, int]:
    src = plan.source.value
    common: dict[str, Any] = {
        "source": src,
        "prefix": src + "_",
        "run": run_id,
        "all_sources": ALL_SOURCES,
        "infores": INFORES,
    }
    counts = {"nodes": len(plan.nodes), "edges": len(plan.edges)}
    with progress.task(f"{src}: endpoints", len(plan.stubs)) as advance:
        store.write_rows("ingest/upsert_stub_nodes", plan.stubs, batch_size, advance)
    node_stats = _upsert(
        store, "ingest/upsert_nodes", plan.nodes, batch_size, common, progress, f"{src}: nodes"
    )
    edge_stats = _upsert(
        store, "ingest/upsert_edges", plan.edges, batch_size, common, progress, f"{src}: edges"
    )
    params = {k: common[k] for k in ("source", "prefix", "run", "infores")}
    removed_edges = store.run_auto("ingest/retract_stale_edges", **params)[0]["count"]
    removed_nodes = store.run_auto(
        "ingest/retract_stale_nodes", **{k: params[k] for k in ("source", "prefix", "run")}
    )[0]["count"]
    orphans = store.run_auto("ingest/delete_orphan_nodes")[0]["count"]
    store.run_auto("ingest/refresh_display_props", infores=INFORES)
    counts.update(
        nodes_added=node_stats["added"],
        nodes_updated=node_stats["updated"],
        nodes_removed=removed_nodes,
        edges_added=edge_stats["added"],
        edges_updated=edge_stats["updated"],
        edges_removed=removed_edges,
        orphans_deleted=orphans,
    )
    return counts


def _upsert(
    store: GraphStore,
    query: str,
    rows: list[dict[str, Any]],
    batch_size: int,
    params: dict[str, Any],
    progress: Progress,
    label: str,
) -> dict[str, int]:
    with progress.task(label, len(rows)) as advance:
        written = store.write_rows(query, rows, batch_size, advance, **params)
    return {k: sum(r[k] or 0 for r in written.records) for k in ("added", "updated")}
