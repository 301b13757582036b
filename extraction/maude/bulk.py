"""The FDA bulk files: pipe-delimited mdrfoi (report, EVENT_TYPE), foitext (narratives) and
foidev / DEVICE (devices), each with a header line, joined here by MDR_REPORT_KEY.

The files come as UTF-8 or Windows-1252. FOI_TEXT is the last foitext column, so a pipe
inside a narrative is rejoined into it, and a line that does not start with a report key
continues the narrative above it (FDA text wraps). Any other row of the wrong width is
reported with its file and line and skipped."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.exceptions import ExtractionError
from extraction.maude.readers import ReportBook, device_from
from extraction.maude.records import (
    Narrative,
    ReadIssue,
    ReadResult,
    UnknownEventTypeError,
    clean_key,
)

logger = logging.getLogger(__name__)

_ROW_START = re.compile(r"^\d+(\.0)?\|")


@dataclass
class BulkFile:
    path: Path
    kind: str  # mdrfoi | foitext | foidev
    header: list[str]
    lines: list[str]  # the data lines, header excluded; line i is file line i + 2


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def open_bulk(path: Path) -> BulkFile:
    try:
        text = _decode(path)
    except OSError as e:
        raise ExtractionError(f"{path}: cannot read: {e}") from e
    lines = text.splitlines()
    if not lines:
        raise ExtractionError(f"{path}:1: empty file; expected a pipe-delimited header")
    header = [h.strip().upper() for h in lines[0].lstrip("\ufeff").split("|")]
    if "MDR_REPORT_KEY" not in header:
        raise ExtractionError(f"{path}:1: no MDR_REPORT_KEY column; not a MAUDE bulk file")
    if "FOI_TEXT" in header:
        kind = "foitext"
    elif "EVENT_TYPE" in header:
        kind = "mdrfoi"
    elif "BRAND_NAME" in header or "DEVICE_REPORT_PRODUCT_CODE" in header:
        kind = "foidev"
    else:
        raise ExtractionError(
            f"{path}:1: header has none of FOI_TEXT, EVENT_TYPE, BRAND_NAME; which MAUDE file?"
        )
    return BulkFile(path, kind, header, lines[1:])


def _rows(bf: BulkFile, issues: list[ReadIssue]) -> Iterator[tuple[int, dict[str, str]]]:
    """(file line, row) for each well-formed row."""
    width = len(bf.header)
    pending: tuple[int, list[str]] | None = None
    for i, line in enumerate(bf.lines):
        lineno = i + 2
        if not line.strip():
            continue
        if bf.kind == "foitext" and pending is not None and not _ROW_START.match(line):
            pending[1][-1] += " " + line.strip()  # a wrapped narrative
            continue
        if pending is not None:
            yield from _checked(bf, pending, width, issues)
        pending = (lineno, line.split("|"))
    if pending is not None:
        yield from _checked(bf, pending, width, issues)


def _checked(
    bf: BulkFile, item: tuple[int, list[str]], width: int, issues: list[ReadIssue]
) -> Iterator[tuple[int, dict[str, str]]]:
    lineno, fields = item
    if bf.kind == "foitext" and len(fields) > width and bf.header[-1] == "FOI_TEXT":
        fields = [*fields[: width - 1], "|".join(fields[width - 1 :])]
    if len(fields) != width:
        issues.append(
            ReadIssue(str(bf.path), str(lineno), f"{len(fields)} fields, header has {width}")
        )
        return
    yield lineno, dict(zip(bf.header, fields, strict=True))


def read_bulk(paths: list[Path]) -> ReadResult:
    files = [open_bulk(p) for p in paths]
    kinds = [f.kind for f in files]
    if "mdrfoi" not in kinds or "foitext" not in kinds:
        got = ", ".join(f"{p} ({k})" for p, k in zip(paths, kinds, strict=True))
        raise ExtractionError(f"bulk input needs an mdrfoi and a foitext file; got {got}")
    book = ReportBook()
    rows = 0
    for bf in sorted(files, key=lambda f: ("mdrfoi", "foitext", "foidev").index(f.kind)):
        rows += _load(book, bf)
    return book.result(rows)


def _load(book: ReportBook, bf: BulkFile) -> int:
    name = str(bf.path)
    rows = unmatched = 0
    for lineno, row in _rows(bf, book.issues):
        rows += 1
        try:
            if bf.kind == "mdrfoi":
                book.report(name, str(lineno), row, "EVENT_TYPE")
                continue
            rep = book.by_key.get(clean_key(row["MDR_REPORT_KEY"]))
            if rep is None:
                unmatched += 1  # yearly foitext/device files cover reports beyond this mdrfoi
            elif bf.kind == "foitext":
                text = row["FOI_TEXT"].strip()
                if text:
                    key = clean_key(row.get("MDR_TEXT_KEY") or "0")
                    rep.add_narrative(Narrative(key, row.get("TEXT_TYPE_CODE", "D"), text))
            else:
                rep.add_device(device_from(row))
        except (ValueError, UnknownEventTypeError) as e:
            book.issues.append(ReadIssue(name, str(lineno), str(e)))
    if unmatched:
        logger.info("%s: %d rows name reports absent from the mdrfoi file", name, unmatched)
    return rows
