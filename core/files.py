"""Reading source files: .gz transparently, strict UTF-8, errors that name file and line."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

from core.exceptions import IngestError

# What a truncated or corrupt gzip stream raises while being read.
GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


@contextmanager
def open_binary(path: Path) -> Iterator[IO[bytes]]:
    """Open a file for reading bytes, gunzipping when it is gzip-compressed (by magic, not name).
    Both the file and the gzip wrapper are closed on exit."""
    if not path.is_file():
        raise IngestError(str(path), None, "file not found or not a regular file")
    with ExitStack() as stack:
        raw = stack.enter_context(path.open("rb"))
        magic = raw.read(2)
        raw.seek(0)
        if magic == b"\x1f\x8b":
            gz = stack.enter_context(gzip.GzipFile(fileobj=raw, mode="rb"))
            yield gz  # type: ignore[misc]
        else:
            yield raw


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (1-based line number, line without its newline), decoding UTF-8 strictly.

    A line that is not UTF-8, or a truncated or corrupt gzip stream, raises IngestError
    naming the line.
    """
    lineno = 0
    with open_binary(path) as fh:
        lines = iter(fh)
        while True:
            try:
                raw = next(lines)
            except StopIteration:
                return
            except (*GZIP_ERRORS, OSError) as e:
                raise IngestError(str(path), lineno + 1, f"cannot read file: {e}") from e
            lineno += 1
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise IngestError(
                    str(path), lineno, f"not valid UTF-8 ({e.reason})", raw[:80]
                ) from e
            yield lineno, line.rstrip("\r\n")


def read_text(path: Path) -> str:
    """The whole file as text (for small JSON/XML members); strict UTF-8."""
    with open_binary(path) as fh:
        try:
            data = fh.read()
        except (*GZIP_ERRORS, OSError) as e:
            raise IngestError(str(path), None, f"cannot read file: {e}") from e
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
