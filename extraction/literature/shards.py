"""Shards: the extract stage's rows on disk (JSON Lines, one row per document and model, or a
`delete` row), under <var>/literature/<run>/shard-NNNNNN.jsonl. A shard appears whole
(written to a temporary name, then renamed) and is renamed `.loaded` once the writer has
committed it, so a writer that fails loses nothing: the next run loads what is left.

JSON Lines rather than Parquet: pyarrow is not part of the pinned stack (it comes only with
the optional Ray extra), and the rows are nested (nodes, statements, properties)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from core.exceptions import IngestError

SUFFIX = ".jsonl"
LOADED = ".loaded"


def shard_path(folder: Path, seq: int) -> Path:
    return folder / f"shard-{seq:06d}{SUFFIX}"


def write_shard(folder: Path, seq: int, rows: Iterable[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = shard_path(folder, seq)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        for row in rows:
            fh.write(orjson.dumps(row))
            fh.write(b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return path


def read_shard(path: Path) -> list[dict[str, Any]]:
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
    return sorted(folder.glob(f"shard-*{SUFFIX}")) if folder.is_dir() else []


def next_seq(folder: Path) -> int:
    seqs = [int(p.name[6:12]) for p in folder.glob("shard-*") if p.name[6:12].isdigit()]
    return max(seqs, default=0) + 1


def mark_loaded(path: Path) -> None:
    path.replace(path.with_suffix(LOADED))
