"""Reading source files: .gz transparently, strict UTF-8, errors that name file and line."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from core.exceptions import IngestError


def open_binary(path: Path) -> IO[bytes] | gzip.GzipFile:
    """Open a file for reading bytes, gunzipping when it is gzip-compressed (by magic, not name)."""
    if not path.is_file():
        raise IngestError(str(path), None, "file not found or not a regular file")
    raw = path.open("rb")
    if raw.read(2) == b"\x1f\x8b":
        raw.seek(0)
        return gzip.GzipFile(fileobj=raw, mode="rb")
    raw.seek(0)
    return raw


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (1-based line number, line without its newline), decoding UTF-8 strictly.

    A line that is not UTF-8, or a truncated gzip stream, raises IngestError naming the line.
    """
    lineno = 0
    try:
        with open_binary(path) as fh:
            for lineno, raw in enumerate(fh, start=1):
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as e:
                    raise IngestError(
                        str(path), lineno, f"not valid UTF-8 ({e.reason})", raw[:80]
                    ) from e
                yield lineno, line.rstrip("\r\n")
    except (EOFError, gzip.BadGzipFile, OSError) as e:
        if isinstance(e, IngestError):
            raise
        raise IngestError(str(path), lineno + 1, f"cannot read file: {e}") from e


def read_text(path: Path) -> str:
    """The whole file as text (for small JSON/XML members); strict UTF-8."""
    with open_binary(path) as fh:
        data = fh.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise IngestError(str(path), line, f"not valid UTF-8 ({e.reason})") from e


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
