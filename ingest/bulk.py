"""The first load of an empty, locally managed database, through neo4j-admin import.

The graph is the one the transactional path would write (ingest/compose.py replays its
Cypher on the write plans), so `evigraph stats --checksum` is the same either way, and a
later run of any source diffs against it as usual. The steps:

1. Parse and plan (and so validate) every source before the database is touched: the source
   with the largest input files in this process, the others at the same time in a worker
   process (the two cores). The (empty) server is stopping meanwhile: it is not needed again
   until the import is in; whatever fails, it is started again.
2. Compose the graph and write it as typed import CSV, the statements split in two halves
   by key: one here, one at the same time in a forked child.
3. Import into a staging folder, swap it in (graph/local/bulk_import.py), start the server again.
   A failed import leaves the empty database as it was.
4. Apply the schema, set the few properties CSV cannot carry, record one completed IngestRun
   per source (mode 'bulk-import') with the counts the transactional path would record.

A kill before step 3 ends changes no data (the server may be left stopped: `evigraph neo4j
start`); a kill after it leaves the data without run records, and the next `evigraph ingest`
then diffs each source against it (writing nothing new) and records the runs.
"""

from __future__ import annotations

import errno
import json
import logging
import multiprocessing
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from core.exceptions import IngestError
from core.settings import Neo4jSettings, Settings
from graph import schema
from graph.import_csv import ImportFiles, ImportNode, ImportRel, merge_files, write_import_csv
from graph.local import bulk_import, runtime
from graph.repository import GraphStore
from graph.vocabulary import Source
from ingest import runs
from ingest.compose import Graph, compose
from ingest.job import RunResult, plan_source
from ingest.merge import Plan
from ingest.rows import ParsedFile
from ingest.sources import Input, parse_source

logger = logging.getLogger(__name__)


def unsuitable(store: GraphStore, cfg: Settings) -> str | None:
    """Why the bulk path cannot be taken here, or None when it can."""
    if not cfg.ingest.bulk_import:
        return "bulk import is switched off (EVIGRAPH_INGEST__BULK_IMPORT=false)"
    if not cfg.neo4j.managed:
        return "the server is external (EVIGRAPH_NEO4J__URI)"
    if not runtime.status(cfg.neo4j).get("running"):
        return "the server is not one evigraph started"
    if not store.read("ingest/database_is_empty")[0]["empty"]:
        return "the database is not empty"
    names = {r["name"] for r in store.read("ingest/show_schema_names")}
    names |= {r["name"] for r in store.read("schema/show_constraints")}
    foreign = names - schema.expected_names()
    if foreign:
        return f"the database has indexes or constraints of its own ({', '.join(sorted(foreign))})"
    return None


@dataclass
class _Planned:
    source: Source
    run_id: str
    plan: Plan
    release: str
    files: list[runs.FileInfo]
    started_at: str
    skipped: dict[str, int]


def load_empty(
    cfg: Settings, sources: list[Source], inputs: list[Input], gene_map: Path | None
) -> list[RunResult]:
    """Load `sources` (in this order) into the empty local database; see the module doc."""
    t0 = time.monotonic()
    neo = cfg.neo4j
    largest = max(sources, key=lambda src: _input_bytes(src, inputs))
    others = [src for src in sources if src is not largest]
    stopping: _Stopping | None = None
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            # spawn, not fork: this process holds driver sockets and, next, a thread
            worker = pool.submit(plan_sources, others, inputs, gene_map) if others else None
            stopping = _Stopping(neo)
            mine = plan_sources([largest], inputs, gene_map)
            done = {p.source: p for p in [*mine, *(worker.result() if worker else [])]}
        planned = [done[src] for src in sources]
        logger.info("bulk: %d sources parsed and planned, %.1f s in", len(sources), _s(t0))
        stopping.wait()  # before the fork below: no other thread may run then
        with _csv_folder(neo) as tmp:
            plans = [(p.plan, p.run_id) for p in planned]
            files, n_nodes, n_edges = _compose_and_write(plans, tmp)
            logger.info(
                "bulk: composed and written as import CSV (%d nodes, %d relationships), %.1f s in",
                n_nodes,
                n_edges,
                _s(t0),
            )
            bulk_import.import_offline(neo, files)
    finally:
        if stopping is not None:
            stopping.wait(raise_error=False)
        runtime.start(neo)
    logger.info("bulk: imported and restarted, %.1f s in", _s(t0))
    with GraphStore.connect(neo) as store:
        schema.apply_schema(store)
        logger.info("bulk: schema online, %.1f s in", _s(t0))
        node_rows = [{"id": i, "props": p} for i, p in files.deferred_nodes.items()]
        store.write_rows("ingest/set_node_props", node_rows, cfg.ingest.batch_size)
        edge_rows = [
            {"subject": r.start, "rel": r.type, "object": r.end, "negated": r.props["negated"]}
            | {"props": p}
            for r, p in files.deferred_rels
        ]
        store.write_rows("ingest/set_edge_props", edge_rows, cfg.ingest.batch_size)
        seconds = _s(t0)
        results = [_record(store, p, seconds) for p in planned]
    logger.info("bulk: done in %.1f s", seconds)
    return results


CSV_FOLDER = "import-csv"


def csv_folder(cfg: Neo4jSettings) -> Path:
    """Where the import CSV is written: one fixed folder beside the database, emptied at the
    start and end of every bulk load, so a killed load leaves nothing that piles up."""
    return cfg.home.resolve() / CSV_FOLDER


@contextmanager
def _csv_folder(cfg: Neo4jSettings) -> Iterator[Path]:
    """The emptied CSV folder; a full disk while writing it is an IngestError naming it.
    Runs under the ingest lock, so no other load is writing there."""
    root = csv_folder(cfg)
    root.mkdir(parents=True, exist_ok=True)
    _empty(root)  # a killed load's leftovers
    try:
        yield root
    except OSError as e:
        if e.errno != errno.ENOSPC:
            raise
        _empty(root)
        free = shutil.disk_usage(root).free
        raise IngestError(
            str(root),
            None,
            f"no space left on the device while writing the import CSV ({free / 1e6:.0f} MB "
            "free now that it is removed; the default data's CSV takes about 300 MB); the database "
            "was not changed: free some space and run the ingest again",
        ) from e
    finally:
        _empty(root)


def _empty(folder: Path) -> None:
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _compose_and_write(plans: list[tuple[Plan, str]], folder: Path) -> tuple[ImportFiles, int, int]:
    """compose + write_import_csv, the statements split in two halves: one composed and written
    here, the other at the same time in a forked child (which shares the plans without copying
    them and sends back only its file list)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return _part(plans, folder, 0, 1)
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(plans, folder, send), name="bulk-compose")
    child.start()
    send.close()
    try:
        mine = _part(plans, folder, 0, 2)
        status, theirs = receive.recv()
    except EOFError:
        raise RuntimeError("the composing child process died without an answer") from None
    finally:
        child.join()
    if status != "ok":
        raise theirs
    files = merge_files([mine[0], theirs[0]])
    return files, mine[1], mine[2] + theirs[2]


def _part(
    plans: list[tuple[Plan, str]], folder: Path, part: int, parts: int
) -> tuple[ImportFiles, int, int]:
    graph = compose(plans, part, parts)
    files = write_import_csv(folder, _nodes(graph), _rels(graph), tag=f"-p{part}")
    return files, len(graph.nodes), len(graph.edges)


def _child(plans: list[tuple[Plan, str]], folder: Path, send: Connection) -> None:
    try:
        send.send(("ok", _part(plans, folder, 1, 2)))
    except BaseException as e:  # handed to the parent
        send.send(("error", e))
    finally:
        send.close()


class _Stopping:
    """`runtime.stop` of the local server in a background thread."""

    def __init__(self, cfg: Neo4jSettings) -> None:
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._stop, args=(cfg,), name="neo4j-stop")
        self.thread.start()

    def _stop(self, cfg: Neo4jSettings) -> None:
        try:
            runtime.stop(cfg)
        except BaseException as e:  # handed to wait()
            self.error = e

    def wait(self, raise_error: bool = True) -> None:
        self.thread.join()
        if self.error is not None and raise_error:
            raise self.error


def plan_sources(
    sources: list[Source], inputs: list[Input], gene_map: Path | None
) -> list[_Planned]:
    """Parse (validate) and plan `sources`; runs in the worker process too."""
    return [_plan(src, parse_source(src, inputs, gene_map)) for src in sources]


def _input_bytes(source: Source, inputs: list[Input]) -> int:
    return sum(i.path.stat().st_size for i in inputs if i.source is source)


def _s(t0: float) -> float:
    return time.monotonic() - t0


def _plan(source: Source, parsed: list[ParsedFile]) -> _Planned:
    started = datetime.now(UTC).isoformat()
    run_id = runs.new_run_id(source)
    plan, release = plan_source(source, parsed, run_id)
    files = [runs.file_info(Path(p.path), p.release) for p in parsed]
    skipped: dict[str, int] = {}
    for p in parsed:
        for reason, n in p.skipped.items():
            skipped[reason] = skipped.get(reason, 0) + n
    return _Planned(source, run_id, plan, release, files, started, skipped)


def _nodes(graph: Graph) -> list[ImportNode]:
    return [ImportNode(n.id, n.labels, n.props) for n in graph.nodes.values()]


def _rels(graph: Graph) -> list[ImportRel]:
    return [ImportRel(k[0], k[2], k[1], props) for k, props in graph.edges.items()]


def counts(plan: Plan) -> dict[str, int]:
    """What run_source records for a source loaded into an empty database."""
    return {
        "nodes": len(plan.nodes),
        "edges": len(plan.edges),
        "nodes_added": len(plan.nodes),
        "nodes_updated": 0,
        "nodes_removed": 0,
        "edges_added": len(plan.edges),
        "edges_updated": 0,
        "edges_removed": 0,
        "rows_written": len(plan.nodes) + len(plan.edges),
        "orphans_deleted": 0,
    }


def _record(store: GraphStore, p: _Planned, seconds: float) -> RunResult:
    c: dict[str, Any] = counts(p.plan) | {"seconds": round(seconds)}
    store.write(
        "ingest/record_bulk_run",
        id=p.run_id,
        source=p.source.value,
        started_at=p.started_at,
        release=p.release,
        files=json.dumps([asdict(f) for f in p.files]),
        fingerprint=runs.fingerprint(p.files),
        host=socket.gethostname(),
        pid=os.getpid(),
        counts=json.dumps(c, sort_keys=True),
    )
    return RunResult(p.run_id, p.source, p.release, c, p.skipped, seconds)
