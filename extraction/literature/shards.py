"""Shards: the extract stage's rows on disk, one Parquet file per batch under
<var>/literature/<run>/shard-NNNNNN.parquet, one row per document and model (or a `delete`
row). A shard appears whole (written to a temporary name, then renamed) and is renamed
`.loaded` once the writer has committed it, so a writer that fails loses nothing: the next run
loads what is left.

Columns: document_id, key, model (JSON), nodes (list of {id, label, name, category, props}),
edges (list of {subject, object, rel, evidence_id, props}), error, delete (list of ids). The
props of nodes and edges are JSON text: they differ by extractor. Shards written as JSON Lines
by earlier versions (shard-NNNNNN.jsonl) are still read and loaded."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from core.exceptions import ExtractionError, IngestError

SUFFIX = ".parquet"
LEGACY = ".jsonl"  # shards of earlier versions
LOADED = ".loaded"
Row = dict[str, Any]

_STR = pa.string()
NODE = pa.struct([(k, _STR) for k in ("id", "label", "name", "category", "props")])
EDGE = pa.struct([(k, _STR) for k in ("subject", "object", "rel", "evidence_id", "props")])
SCHEMA = pa.schema(
    [
        ("document_id", _STR),
        ("key", _STR),
        ("model", _STR),
        ("nodes", pa.list_(NODE)),
        ("edges", pa.list_(EDGE)),
        ("error", _STR),
        ("delete", pa.list_(_STR)),
    ]
)
_FIELDS = {"nodes": NODE.names, "edges": EDGE.names}


def shard_path(folder: Path, seq: int) -> Path:
    return folder / f"shard-{seq:06d}{SUFFIX}"


def write_shard(folder: Path, seq: int, rows: Iterable[Row]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = shard_path(folder, seq)
    tmp = path.with_suffix(".tmp")
    table = pa.Table.from_pylist([_flat(r) for r in rows], schema=SCHEMA)
    with tmp.open("wb") as fh:
        pq.write_table(table, fh, compression="zstd")
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return path


def read_shard(path: Path) -> list[Row]:
    """The rows of a shard (Parquet, or JSON Lines of earlier versions), as they were given."""
    if _is_json_lines(path):
        return _read_json_lines(path)
    try:
        table = pq.read_table(path, schema=SCHEMA)
    except (pa.ArrowException, OSError) as e:
        raise IngestError(str(path), None, f"not a shard: {e}") from e
    return [_nested(r, path, n) for n, r in enumerate(table.to_pylist(), 1)]


def _flat(row: Row) -> Row:
    """A row as the Parquet schema holds it: model and props as JSON text."""
    if "delete" in row:
        return {"delete": [str(i) for i in row["delete"]]}
    out = {k: row.get(k) for k in ("document_id", "key", "error")}
    out["model"] = orjson.dumps(row["model"]).decode()
    for part, fields in _FIELDS.items():
        items = row.get(part) or []
        for item in items:
            extra = set(item) - set(fields)
            if extra:
                raise ExtractionError(
                    f"a shard's {part} item has fields outside the schema: {sorted(extra)}"
                )
        out[part] = [{**item, "props": orjson.dumps(item["props"]).decode()} for item in items]
    return out


def _nested(row: Row, path: Path, n: int) -> Row:
    if row["delete"] is not None:
        return {"delete": row["delete"]}
    try:
        out = {k: row[k] for k in ("document_id", "key")}
        out["model"] = orjson.loads(row["model"])
        for part in _FIELDS:
            out[part] = [{**item, "props": orjson.loads(item["props"])} for item in row[part]]
    except (orjson.JSONDecodeError, TypeError) as e:
        raise IngestError(str(path), n, f"not a shard row: {e}") from e
    out["error"] = row["error"]
    return out


def _is_json_lines(path: Path) -> bool:
    """By content, as a `.loaded` shard keeps no format in its name: Parquet starts with PAR1."""
    with path.open("rb") as fh:
        return fh.read(4) != b"PAR1"


def _read_json_lines(path: Path) -> list[Row]:
    rows = []
    with path.open("rb") as fh:
        for n, line in enumerate(fh, 1):
            try:
                rows.append(orjson.loads(line))
            except orjson.JSONDecodeError as e:
                raise IngestError(str(path), n, f"not a shard row: {e}") from e
    return rows


def pending(folder: Path) -> list[Path]:
    """Shards written and not yet loaded, in order."""
    if not folder.is_dir():
        return []
    return sorted([*folder.glob(f"shard-*{SUFFIX}"), *folder.glob(f"shard-*{LEGACY}")])


def next_seq(folder: Path) -> int:
    seqs = [int(p.name[6:12]) for p in folder.glob("shard-*") if p.name[6:12].isdigit()]
    return max(seqs, default=0) + 1


def mark_loaded(path: Path) -> None:
    path.replace(path.with_suffix(LOADED))
