"""IngestRun records: opened before the first write, closed with counts or the error."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.exceptions import IngestError
from core.files import sha256_file
from graph.local.process import pid_alive
from graph.repository import GraphStore
from graph.vocabulary import Source

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileInfo:
    path: str
    sha256: str
    release: str
    bytes: int


def file_info(path: Path, release: str = "") -> FileInfo:
    """Path, sha256, release and size of an input; a folder (ORPHApackets) is hashed over its
    files' relative paths and contents, in sorted order."""
    if not path.exists():
        raise IngestError(str(path), None, "file not found")
    if not path.is_dir():
        return FileInfo(str(path.resolve()), sha256_file(path), release, path.stat().st_size)
    h = hashlib.sha256()
    size = 0
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        h.update(f"{f.relative_to(path)}\0{sha256_file(f)}\n".encode())
        size += f.stat().st_size
    return FileInfo(str(path.resolve()), h.hexdigest(), release, size)


# The code that turns files into graph content; a change to it must not pass for "unchanged".
_CODE_DIRS = ("ingest", "cypher/ingest")


def fingerprint(files: list[FileInfo]) -> str:
    """A hash of the inputs' contents and of the ingest code: equal means same graph content."""
    h = hashlib.sha256()
    for digest in sorted(f.sha256 for f in files):
        h.update(digest.encode())
    root = Path(__file__).resolve().parents[1]
    for d in _CODE_DIRS:
        for f in sorted((root / d).glob("*.*")):
            if f.suffix in (".py", ".cypher"):
                h.update(f.name.encode() + sha256_file(f).encode())
    return h.hexdigest()


def is_unchanged(store: GraphStore, source: Source, fp: str) -> bool:
    rows = store.read("ingest/last_completed_inputs", source=source.value)
    return bool(rows) and rows[0]["fingerprint"] == fp


def files_changed(store: GraphStore, source: Source, files: list[FileInfo]) -> bool:
    """Whether the contents of `files` differ from those the source's last completed run read
    (False when no run completed: `unfinished` reports those sources)."""
    rows = store.read("ingest/last_completed_inputs", source=source.value)
    if not rows or not rows[0]["files"]:
        return False
    before = sorted(str(f["sha256"]) for f in json.loads(rows[0]["files"]))
    return before != sorted(f.sha256 for f in files)


def last_status(store: GraphStore, source: Source) -> str | None:
    """The status of the source's latest run that wrote (or tried to); None when none did.
    Not 'completed': its partial writes must be repaired by the next run. None while the graph
    holds the source's data: a bulk load killed after its import, before its run records."""
    rows = store.read("ingest/last_run_status", source=source.value)
    return str(rows[0]["status"]) if rows else None


def unfinished(store: GraphStore, sources: list[Source]) -> list[Source]:
    """The sources whose latest writing run did not complete, or that no run has loaded: a
    graph holding data without them is an interrupted load, not a loaded graph."""
    return [s for s in sources if last_status(store, s) != "completed"]


def record_unchanged(store: GraphStore, source: Source, files: list[FileInfo], fp: str) -> str:
    run_id = new_run_id(source)
    store.write(
        "ingest/record_unchanged_run",
        id=run_id,
        source=source.value,
        files=json.dumps([asdict(f) for f in files]),
        fingerprint=fp,
        host=socket.gethostname(),
        pid=os.getpid(),
    )
    return run_id


def new_run_id(source: Source) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{source.value}-{stamp}-{uuid.uuid4().hex[:6]}"


def open_run(
    store: GraphStore,
    source: Source,
    run_id: str,
    release: str,
    files: list[FileInfo],
    fp: str = "",
) -> list[str]:
    """Record the run; earlier runs of the source that died mid-write become 'incomplete'.
    Returns their ids: the caller must then not trust what they wrote beyond the content hashes."""
    host = socket.gethostname()
    recovered = []
    for old in store.read("ingest/find_open_runs", source=source.value):
        if old["host"] == host and old["pid"] != os.getpid() and pid_alive(old["pid"]):
            raise IngestError(
                "(graph)",
                None,
                f"another ingest of {source.value} is running (run {old['id']}, pid {old['pid']}); "
                "wait for it to finish",
            )
        logger.warning("run %s never finished; marking it incomplete", old["id"])
        store.write("ingest/mark_run_incomplete", id=old["id"], by=run_id)
        recovered.append(old["id"])
    store.write(
        "ingest/create_run",
        id=run_id,
        source=source.value,
        release=release,
        files=json.dumps([asdict(f) for f in files]),
        fingerprint=fp,
        host=host,
        pid=os.getpid(),
    )
    return recovered


def close_run(
    store: GraphStore, run_id: str, status: str, counts: dict[str, Any], error: str | None = None
) -> None:
    store.write(
        "ingest/finish_run",
        id=run_id,
        status=status,
        counts=json.dumps(counts, sort_keys=True),
        error=error,
    )


def list_runs(store: GraphStore, limit: int = 50) -> list[dict[str, Any]]:
    rows = store.read("ingest/list_runs", limit=limit)
    for r in rows:
        r["counts"] = json.loads(r["counts"]) if r.get("counts") else {}
        r["files"] = json.loads(r["files"]) if r.get("files") else []
    return rows
