"""`evigraph import kgx DIR`: read a KGX export (JSON Lines, or TSV typed by metadata.json) back
into the graph through batched UNWIND writes.

Every file is read and checked once before the first write (ids, labels and relationship types
from the allow-lists, endpoints present among the nodes); a bad record raises an error naming the
file, the line and the field, and the graph is left unchanged. The write then reads the files a
second time, so memory holds one batch and the set of node ids, never the graph."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.exceptions import IngestError
from graph.repository import GraphStore
from graph.vocabulary import CATEGORY_LABEL, CURATED_RELS, NodeLabel, RelType
from interop import kgx
from interop.kgx_tsv import unescape

logger = logging.getLogger(__name__)

NODE_LABELS = frozenset(label.value for label in NodeLabel)
REL_TYPES = frozenset(r.value for r in RelType)
# A KGX file from elsewhere names no relationship type: curated predicates have exactly one.
PREDICATE_TYPE = {rel.predicate: rel.value for rel in CURATED_RELS}

Located = tuple[int, dict[str, Any]]  # (line number, record)


@dataclass
class ImportResult:
    nodes: int = 0
    edges: int = 0
    format: str = "jsonl"


def import_kgx(
    store: GraphStore, folder: Path, fmt: str = "auto", batch_size: int = 5000
) -> ImportResult:
    fmt = _choose_format(folder, fmt)
    files = {kind: folder / f"{kind}.{fmt}" for kind in ("nodes", "edges")}
    types = _column_types(folder) if fmt == "tsv" else {}
    ids = _check(files, fmt, types)
    result = ImportResult(format=fmt)
    node_rows = (
        kgx.kgx_to_node(rec, _labels(files["nodes"], line, rec))
        for line, rec in _read(files["nodes"], fmt, types.get("nodes", {}))
    )
    result.nodes = _count(store.write_rows("interop/import_nodes", node_rows, batch_size).records)
    for name, evidence in (
        ("interop/import_curated_edges", False),
        ("interop/import_evidence_edges", True),
    ):
        rows = (
            kgx.kgx_to_edge(rec, _rel_type(files["edges"], line, rec))
            for line, rec in _read(files["edges"], fmt, types.get("edges", {}))
            if bool(rec.get("evidence_id")) == evidence
        )
        result.edges += _count(store.write_rows(name, rows, batch_size).records)
    logger.info("import: %d nodes, %d edges from %s (%s)", result.nodes, result.edges, folder, fmt)
    if len(ids) != result.nodes:
        raise IngestError(
            str(files["nodes"]), None, f"{len(ids)} node ids but {result.nodes} written"
        )
    return result


def _count(records: list[dict[str, Any]]) -> int:
    return sum(int(r["count"]) for r in records)


def _choose_format(folder: Path, fmt: str) -> str:
    if fmt == "auto":
        fmt = "jsonl" if (folder / "nodes.jsonl").is_file() else "tsv"
    if fmt not in ("jsonl", "tsv"):
        raise IngestError(str(folder), None, f"unknown KGX format {fmt!r} (jsonl or tsv)")
    for kind in ("nodes", "edges"):
        if not (folder / f"{kind}.{fmt}").is_file():
            raise IngestError(str(folder / f"{kind}.{fmt}"), None, "file not found")
    return fmt


def _column_types(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / "metadata.json"
    if not path.is_file():
        return {}  # a TSV from elsewhere: every column is text, lists stay pipe-joined
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        cols: dict[str, dict[str, str]] = meta["columns"]
    except (ValueError, KeyError, TypeError) as e:
        raise IngestError(str(path), None, f"unreadable column types: {e}") from e
    return cols


def _check(files: dict[str, Path], fmt: str, types: dict[str, dict[str, str]]) -> set[str]:
    """Validate every record before anything is written; returns the node ids."""
    ids: set[str] = set()
    for line, rec in _read(files["nodes"], fmt, types.get("nodes", {})):
        node_id = _require(files["nodes"], line, rec, "id")
        if node_id in ids:
            raise IngestError(str(files["nodes"]), line, "duplicate node id", node_id)
        _labels(files["nodes"], line, rec)
        ids.add(node_id)
    for line, rec in _read(files["edges"], fmt, types.get("edges", {})):
        for end in ("subject", "object"):
            if _require(files["edges"], line, rec, end) not in ids:
                raise IngestError(
                    str(files["edges"]),
                    line,
                    f"field {end}: no such node in the nodes file",
                    rec[end],
                )
        _require(files["edges"], line, rec, "predicate")
        _rel_type(files["edges"], line, rec)
    return ids


def _require(path: Path, line: int, rec: dict[str, Any], key: str) -> str:
    value = rec.get(key)
    if not isinstance(value, str) or not value:
        raise IngestError(str(path), line, f"field {key}: missing or not a string", value)
    return value


def _labels(path: Path, line: int, rec: dict[str, Any]) -> list[str]:
    labels = rec.get("neo4j_label")
    if labels is None:
        cats = rec.get("category")
        cat = cats[0] if isinstance(cats, list) and cats else cats
        if not isinstance(cat, str) or cat not in CATEGORY_LABEL:
            raise IngestError(str(path), line, "field category: not a category of the model", cat)
        labels = [CATEGORY_LABEL[cat]]
    if isinstance(labels, str):
        labels = [labels]
    bad = [x for x in labels if x not in NODE_LABELS]
    if not labels or bad:
        raise IngestError(str(path), line, "field neo4j_label: label not allowed", labels)
    return list(labels)


def _rel_type(path: Path, line: int, rec: dict[str, Any]) -> str:
    rel = rec.get("neo4j_type") or PREDICATE_TYPE.get(str(rec.get("predicate")))
    if rel not in REL_TYPES:
        field = "neo4j_type" if rec.get("neo4j_type") else "predicate"
        raise IngestError(str(path), line, f"field {field}: no relationship type for it", rel)
    return str(rel)


def _read(path: Path, fmt: str, types: dict[str, str]) -> Iterator[Located]:
    if fmt == "jsonl":
        yield from _read_jsonl(path)
    else:
        yield from _read_tsv(path, types)


def _read_jsonl(path: Path) -> Iterator[Located]:
    with path.open(encoding="utf-8") as fh:
        for n, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                rec = json.loads(text)
            except ValueError as e:
                raise IngestError(str(path), n, f"not JSON: {e}") from e
            if not isinstance(rec, dict):
                raise IngestError(str(path), n, "a record must be a JSON object", rec)
            yield n, rec


def _read_tsv(path: Path, types: dict[str, str]) -> Iterator[Located]:
    """KGX TSV as KGX readers read it: no quoting, one record a line, escapes undone."""
    with path.open(encoding="utf-8", newline="") as fh:
        first = fh.readline()
        header = first.rstrip("\n").split("\t") if first.strip() else None
        if not header:
            raise IngestError(str(path), 1, "no header line")
        for n, text in enumerate(fh, start=2):
            row = text.rstrip("\n").split("\t")
            if len(row) != len(header):
                raise IngestError(str(path), n, f"{len(row)} cells for {len(header)} columns")
            rec = {}
            for col, cell in zip(header, row, strict=True):
                if cell != "":
                    rec[col] = _typed(path, n, col, cell, types.get(col, "str"))
            yield n, rec


MULTIVALUED = ("category", "xref", "synonym", "provided_by", "primary_knowledge_sources")


def _typed(path: Path, line: int, col: str, cell: str, col_type: str) -> Any:
    try:
        if col_type == "json":
            return json.loads(unescape(cell))
        if "|" in col_type:  # "T|list[T]": a list when the cell holds several values
            inner = col_type.split("|")[0]
            items = [_scalar(unescape(v), inner) for v in cell.split("|")]
            return items if len(items) > 1 else items[0]
        if col_type.startswith("list"):
            inner = col_type[5:-1] or "str"
            return [_scalar(unescape(v), inner) for v in cell.split("|")]
        if col in MULTIVALUED:
            return [unescape(v) for v in cell.split("|")]  # a file without metadata
        return _scalar(unescape(cell), col_type)
    except ValueError as e:
        raise IngestError(str(path), line, f"field {col}: not a {col_type}", cell) from e


def _scalar(text: str, kind: str) -> Any:
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    return text
