"""`evigraph export kgx`: KGX JSON Lines and TSV, streamed from Neo4j with flat memory.

Records go straight from the Neo4j cursor to nodes.jsonl / edges.jsonl while the column set and
each column's value types are collected. The TSV files are then written from the JSON Lines
files (the TSV header needs every column first), and metadata.json records the columns and
their types so `evigraph import kgx` can read the TSV back with the right types. Files are
written under temporary names and renamed at the end: a failed export leaves no partial file.

The client's work (decoding, mapping, JSON, TSV) is most of an export's time, so by default
the edges are split in two halves (`$half` of the edge query): a spawned worker process writes
one half's JSON Lines and then its TSV rows while this process writes the nodes and the other
half; the halves are appended at the end."""

from __future__ import annotations

import json
import logging
import multiprocessing
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import orjson

from core.exceptions import EvigraphError
from core.logs import configure_logging
from core.settings import Neo4jSettings
from graph.repository import GraphStore
from graph.vocabulary import CATEGORY_LABEL
from interop import biolink, kgx
from interop.kgx_tsv import Columns, write_tsv
from interop.prefixes import BIOLINK_REWRITES, PREFIX_MAP

logger = logging.getLogger(__name__)

LOG_EVERY = 100_000
FILES = ("nodes.jsonl", "edges.jsonl", "nodes.tsv", "edges.tsv", "metadata.json")


@dataclass(frozen=True)
class KgxFilter:
    """Which part of the graph to export: infores ids and Biolink categories (None: all)."""

    infores: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None

    def params(self) -> dict[str, Any]:
        return {
            "infores": list(self.infores) if self.infores else None,
            "categories": list(self.categories) if self.categories else None,
        }


@dataclass
class ExportResult:
    out_dir: Path
    nodes: int = 0
    edges: int = 0
    files: list[str] = field(default_factory=list)


def export_kgx(
    store: GraphStore,
    out_dir: Path,
    flt: KgxFilter | None = None,
    progress: Callable[[str, int], None] | None = None,
    processes: int = 2,
) -> ExportResult:
    """Export the graph (or the part `flt` keeps) to `out_dir`; `processes`: 1 or 2."""
    if processes not in (1, 2):
        raise EvigraphError(f"export kgx: processes must be 1 or 2, not {processes}")
    flt = flt or KgxFilter()
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ExportResult(out_dir)
    node_cols, edge_cols = Columns(), Columns()
    stamp = f".part-{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
    temp = {name: out_dir / f"{name}{stamp}" for name in FILES}
    halves = {"jsonl": out_dir / f"edges.jsonl{stamp}.h0", "tsv": out_dir / f"edges.tsv{stamp}.h0"}
    worker: _Worker | None = None
    try:
        if processes == 2:
            worker = _Worker(store.cfg, flt, halves["jsonl"], halves["tsv"])
        nodes = store.stream("interop/stream_kgx_nodes", raw=True, **flt.params())
        records = (kgx.node_to_kgx(r) for r in nodes)
        result.nodes = _write_jsonl(temp["nodes.jsonl"], records, node_cols, "nodes", progress)
        half = 1 if worker else None
        result.edges = _write_jsonl(
            temp["edges.jsonl"], _edges(store, flt, half), edge_cols, "edges", progress
        )
        if worker:
            count, types = worker.receive("columns")
            result.edges += count
            edge_cols.update(types)
        edge_header, edge_types = edge_cols.ordered(kgx.EDGE_FIRST), edge_cols.resolved()
        if worker:
            worker.send((edge_header, edge_types))
        node_header = node_cols.ordered(kgx.NODE_FIRST)
        write_tsv(temp["nodes.jsonl"], temp["nodes.tsv"], node_header, node_cols.resolved())
        write_tsv(temp["edges.jsonl"], temp["edges.tsv"], edge_header, edge_types)
        if worker:
            worker.receive("done")
            _append(halves["tsv"], temp["edges.tsv"])
            _append(halves["jsonl"], temp["edges.jsonl"])
        meta = _metadata(result, flt, node_cols, edge_cols)
        temp["metadata.json"].write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    except BaseException:
        if worker:
            worker.close()  # first: a live worker could still create its half files
        for path in [*temp.values(), *halves.values()]:
            path.unlink(missing_ok=True)
        raise
    if worker:
        worker.close()
    for path in halves.values():
        path.unlink(missing_ok=True)
    for name, path in temp.items():
        path.replace(out_dir / name)
        result.files.append(str(out_dir / name))
    logger.info("export: %d nodes and %d edges in %s", result.nodes, result.edges, out_dir)
    return result


def _edges(store: GraphStore, flt: KgxFilter, half: int | None) -> Iterator[dict[str, Any]]:
    rows = store.stream("interop/stream_kgx_edges", raw=True, half=half, **flt.params())
    return (kgx.edge_to_kgx(r) for r in rows)


def _write_jsonl(
    path: Path,
    records: Iterable[dict[str, Any]],
    cols: Columns,
    kind: str,
    progress: Callable[[str, int], None] | None,
) -> int:
    n = 0
    with path.open("wb") as fh:
        for rec in records:
            cols.see(rec)
            fh.write(orjson.dumps(rec, option=orjson.OPT_APPEND_NEWLINE))
            n += 1
            if n % LOG_EVERY == 0:
                logger.info("export: %d %s written", n, kind)
                if progress:
                    progress(kind, n)
    logger.info("export: %d %s in %s", n, kind, path.name.split(".part")[0])
    return n


def _append(src: Path, dest: Path) -> None:
    with src.open("rb") as fin, dest.open("ab") as fout:
        shutil.copyfileobj(fin, fout, 16 << 20)


class _Worker:
    """The spawned process that exports edge half 0 (spawned, not forked: this process holds
    driver sockets). It reports its column types, is told the merged header and types, writes
    its TSV rows without a header and reports done; an error comes back as the exception."""

    def __init__(self, cfg: Neo4jSettings, flt: KgxFilter, jsonl: Path, tsv: Path) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        level = logging.getLevelName(logging.getLogger().getEffectiveLevel())
        self.proc: BaseProcess = ctx.Process(
            target=_edge_half, args=(child, cfg, flt, jsonl, tsv, level), daemon=True
        )
        self.proc.start()
        child.close()

    def send(self, message: Any) -> None:
        self.conn.send(message)

    def receive(self, expected: str) -> Any:
        while not self.conn.poll(0.5):
            if not self.proc.is_alive():
                raise EvigraphError(
                    f"export kgx: the worker process exited (code {self.proc.exitcode}) "
                    f"before sending {expected!r}"
                )
        kind, payload = self.conn.recv()
        if kind == "error":
            raise payload
        return payload

    def close(self) -> None:
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join()
        self.conn.close()


def _edge_half(
    conn: Connection, cfg: Neo4jSettings, flt: KgxFilter, jsonl: Path, tsv: Path, level: str
) -> None:
    configure_logging(level)
    try:
        cols = Columns()
        with GraphStore.connect(cfg) as store:
            count = _write_jsonl(jsonl, _edges(store, flt, 0), cols, "edges (half 0)", None)
        conn.send(("columns", (count, cols.types)))
        header, types = conn.recv()
        write_tsv(jsonl, tsv, header, types, with_header=False)
        conn.send(("done", None))
    except BaseException as e:  # every failure goes back to the parent
        try:
            conn.send(("error", e))
        except Exception:  # an exception that does not pickle
            conn.send(("error", EvigraphError(f"export kgx worker: {type(e).__name__}: {e}")))


def _metadata(
    result: ExportResult, flt: KgxFilter, node_cols: Columns, edge_cols: Columns
) -> dict[str, Any]:
    return {
        "name": "evigraph",
        "generated_by": "evigraph export kgx",
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "biolink_version": biolink.BIOLINK_VERSION,
        "filter": flt.params(),
        "counts": {"nodes": result.nodes, "edges": result.edges},
        "columns": {"nodes": node_cols.resolved(), "edges": edge_cols.resolved()},
        "multivalue_delimiter": "|",
        "tsv_quoting": "none",
        "tsv_escapes": {"\\": "\\\\", "tab": "\\t", "newline": "\\n", "cr": "\\r", "|": "\\u007c"},
        "curie_map": PREFIX_MAP,
        "curie_rewrites": {old: f"{new}:{local}" for old, (new, local) in BIOLINK_REWRITES.items()},
    }


def parse_filters(values: list[str], sources: dict[str, str]) -> KgxFilter:
    """`source=NAME` (a source key, `evigraph`, or an infores id) and `category=biolink:X`;
    repeated keys are alternatives, different keys must all hold."""
    infores: list[str] = []
    categories: list[str] = []
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not value:
            raise EvigraphError(f"--filter {item!r}: expected source=NAME or category=biolink:X")
        if key == "source":
            if value not in sources and not value.startswith("infores:"):
                known = ", ".join(sorted(sources))
                raise EvigraphError(f"--filter {item!r}: unknown source (known: {known})")
            infores.append(sources.get(value, value))
        elif key == "category":
            if value not in CATEGORY_LABEL:
                raise EvigraphError(f"--filter {item!r}: not a category of the graph model")
            categories.append(value)
        else:
            raise EvigraphError(f"--filter {item!r}: the key must be source or category")
    return KgxFilter(tuple(infores) or None, tuple(categories) or None)
