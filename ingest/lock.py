"""One ingest at a time per database.

The lock is an flock on a file beside the database: the local server's home, or
<var>/locks/ for an external server (EVIGRAPH_NEO4J__URI). The kernel releases an flock when
its holder exits in any way, kill -9 included, so a killed ingest never leaves the lock stuck;
the file names the holder, so the refused ingest can say which one runs. Ingests started from
two machines against one external server are not serialised by it (the graph's open-run check
in ingest/runs.py still refuses a second run of a source whose first run is alive here)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.exceptions import IngestError
from core.settings import Settings


def lock_path(cfg: Settings) -> Path:
    if cfg.neo4j.uri is None:
        return cfg.neo4j.home / "ingest.lock"
    key = hashlib.sha1(f"{cfg.neo4j.uri}|{cfg.neo4j.database}".encode()).hexdigest()[:12]
    return cfg.models.var_dir / "locks" / f"ingest-{key}.lock"


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text())
        return f"pid {info['pid']}, `{info['command']}`, since {info['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "holder unknown"


@contextmanager
def ingest_lock(path: Path) -> Iterator[None]:
    """Hold the database's ingest lock for the block, or raise IngestError at once, naming
    the ingest that holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IngestError(
                str(path),
                None,
                f"another ingest is running on this database ({_holder(path)}); "
                "wait for it to finish",
            ) from None
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        me = {"pid": os.getpid(), "command": " ".join(["evigraph", *sys.argv[1:]]), "since": stamp}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
