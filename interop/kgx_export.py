"""`evigraph export kgx`: KGX JSON Lines and TSV, streamed from Neo4j with flat memory.

Records go straight from the Neo4j cursor to nodes.jsonl / edges.jsonl while the column set and
each column's value types are collected. The TSV files are then written from the JSON Lines
files (the TSV header needs every column first), and metadata.json records the columns and
their types so `evigraph import kgx` can read the TSV back with the right types. Files are
written under temporary names and renamed at the end: a failed export leaves no partial file."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.exceptions import EvigraphError
from graph.repository import GraphStore
from interop import biolink, kgx
from interop.prefixes import PREFIX_MAP

logger = logging.getLogger(__name__)

LOG_EVERY = 100_000


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
class Columns:
    """Column name -> the value types seen in it ("str", "int", "list[str]", "list", ...)."""

    types: dict[str, set[str]] = field(default_factory=dict)

    def see(self, record: dict[str, Any]) -> None:
        for key, value in record.items():
            tags = self.types.get(key)
            if tags is None:
                tags = self.types[key] = set()
            if type(value) is not list:
                tags.add(type(value).__name__)
                continue
            tags.add(type_tag(value))
            if any("|" in str(v) for v in value):
                tags.add("json")  # the TSV delimiter inside an item: a pipe list would split it

    def ordered(self, first: Iterable[str]) -> list[str]:
        head = [c for c in first if c in self.types]
        return head + sorted(c for c in self.types if c not in head)

    def resolved(self) -> dict[str, str]:
        """One type per column: an empty list takes its column's element type; a column with
        two kinds of value, or list items holding "|", is "json" and goes to TSV as JSON text."""
        out = {}
        for col, tags in self.types.items():
            real = sorted(tags - {"list"} if len(tags) > 1 else tags)
            out[col] = real[0] if len(real) == 1 else "json"
        return out


@dataclass
class ExportResult:
    out_dir: Path
    nodes: int = 0
    edges: int = 0
    files: list[str] = field(default_factory=list)


def type_tag(value: Any) -> str:
    if isinstance(value, list):
        inner = {type(v).__name__ for v in value}
        return f"list[{inner.pop()}]" if len(inner) == 1 else "list"
    return type(value).__name__


def export_kgx(
    store: GraphStore,
    out_dir: Path,
    flt: KgxFilter | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> ExportResult:
    flt = flt or KgxFilter()
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ExportResult(out_dir)
    node_cols, edge_cols = Columns(), Columns()
    stamp = f".part-{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
    temp: dict[str, Path] = {}
    try:
        temp["nodes.jsonl"] = out_dir / f"nodes.jsonl{stamp}"
        nodes = store.stream("interop/stream_kgx_nodes", raw=True, **flt.params())
        records = (kgx.node_to_kgx(r) for r in nodes)
        result.nodes = _write_jsonl(temp["nodes.jsonl"], records, node_cols, "nodes", progress)
        temp["edges.jsonl"] = out_dir / f"edges.jsonl{stamp}"
        edges = store.stream("interop/stream_kgx_edges", raw=True, **flt.params())
        records = (kgx.edge_to_kgx(r) for r in edges)
        result.edges = _write_jsonl(temp["edges.jsonl"], records, edge_cols, "edges", progress)
        for kind, cols, first in (
            ("nodes", node_cols, kgx.NODE_FIRST),
            ("edges", edge_cols, kgx.EDGE_FIRST),
        ):
            temp[f"{kind}.tsv"] = out_dir / f"{kind}.tsv{stamp}"
            _write_tsv(temp[f"{kind}.jsonl"], temp[f"{kind}.tsv"], cols, first)
        temp["metadata.json"] = out_dir / f"metadata.json{stamp}"
        meta = _metadata(result, flt, node_cols, edge_cols)
        temp["metadata.json"].write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    except BaseException:
        for path in temp.values():
            path.unlink(missing_ok=True)
        raise
    for name, path in temp.items():
        path.replace(out_dir / name)
        result.files.append(str(out_dir / name))
    return result


def _write_jsonl(
    path: Path,
    records: Iterable[dict[str, Any]],
    cols: Columns,
    kind: str,
    progress: Callable[[str, int], None] | None,
) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            cols.see(rec)
            fh.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")
            n += 1
            if n % LOG_EVERY == 0:
                logger.info("export: %d %s written", n, kind)
                if progress:
                    progress(kind, n)
    logger.info("export: %d %s in %s", n, kind, path.name.split(".part")[0])
    return n


def _write_tsv(src: Path, dest: Path, cols: Columns, first: Iterable[str]) -> None:
    header = cols.ordered(first)
    types = cols.resolved()
    with src.open(encoding="utf-8") as fin, dest.open("w", encoding="utf-8", newline="") as fout:
        writer = csv.writer(fout, delimiter="\t", lineterminator="\n")
        writer.writerow(header)
        spec = [(c, types[c]) for c in header]
        for line in fin:
            rec = json.loads(line)
            row = []
            for col, col_type in spec:
                value = rec.get(col)
                # Most cells are absent or plain text: skip the call for them.
                if value is None:
                    row.append("")
                elif type(value) is str and col_type != "json":
                    row.append(value)
                else:
                    row.append(tsv_cell(value, col_type))
            writer.writerow(row)


def tsv_cell(value: Any, col_type: str) -> str:
    """KGX TSV: lists pipe-delimited, booleans as true/false, absent values empty."""
    if value is None:
        return ""
    if col_type == "json":
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "|".join(tsv_cell(v, "scalar") for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


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
        "curie_map": PREFIX_MAP,
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
            if value not in biolink.CATEGORY_LABEL:
                raise EvigraphError(f"--filter {item!r}: not a category of the graph model")
            categories.append(value)
        else:
            raise EvigraphError(f"--filter {item!r}: the key must be source or category")
    return KgxFilter(tuple(infores) or None, tuple(categories) or None)
