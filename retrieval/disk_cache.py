"""Small derived files kept under var/ per graph version (the relation counts, the name
dictionary), so a CLI call reads them back instead of rebuilding them from the whole graph.
Like the FAISS cache they are keyed by `retrieval.embeddings.graph_version_rows`, written under
a temporary name and renamed; an unreadable one is rebuilt, an unwritable var/ only slower."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import orjson

logger = logging.getLogger(__name__)


def version_key(version: object) -> str:
    """A short file-name-safe key of a graph version."""
    raw = json.dumps(version, sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` under a temporary name and rename it: readers never see half a file. A
    var/ that cannot be written is reported and skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as e:
        logger.warning("cannot cache %s: %s", path, e)


def read_json(path: Path) -> object | None:
    """The cached JSON at `path`; None when it is missing or unreadable (then rebuilt)."""
    if not path.is_file():
        return None
    try:
        doc: object = orjson.loads(path.read_bytes())  # tens of MB: several times json's speed
    except (OSError, ValueError) as e:
        logger.warning("cache %s is unreadable (%s); rebuilding it", path, e)
        return None
    return doc
