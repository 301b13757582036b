"""Readers for the MAUDE layouts users download: the joined CSV (mdrfoi + foitext + foidev
columns in one row), the openFDA device event JSON, and (in bulk.py) the pipe-delimited
FDA bulk files. A bad row is reported with its file and line; every other row still loads."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

from core.exceptions import ExtractionError
from extraction.maude.records import (
    DeviceInfo,
    MaudeReport,
    Narrative,
    ReadIssue,
    ReadResult,
    UnknownEventTypeError,
    clean_key,
    iso_date,
    severity_of,
)

logger = logging.getLogger(__name__)

CSV_REQUIRED = ("MDR_REPORT_KEY", "EVENT_TYPE", "FOI_TEXT")
_OPENFDA_CODES = {
    "DEATH": "D",
    "INJURY": "IN",
    "MALFUNCTION": "M",
    "OTHER": "O",
    "NO ANSWER PROVIDED": "*",
}


class ReportBook:
    """Folds rows into reports by MDR_REPORT_KEY, keeping the first event type seen."""

    def __init__(self) -> None:
        self.by_key: dict[str, MaudeReport] = {}
        self.issues: list[ReadIssue] = []

    def report(
        self, file: str, where: str, row: Mapping[str, str | None], event_field: str
    ) -> MaudeReport:
        """The report of `row`, created on first sight. Raises ValueError on bad fields."""
        key = clean_key(row.get("MDR_REPORT_KEY") or "")
        event = (row.get(event_field) or "").strip()
        label = severity_of(event)
        existing = self.by_key.get(key)
        if existing is not None:
            if existing.event_type != event:
                self.issues.append(
                    ReadIssue(
                        file,
                        where,
                        f"report {key}: event type {event!r} differs from {existing.event_type!r} "
                        f"at {existing.source}; kept the first",
                    )
                )
            return existing
        rep = MaudeReport(
            mdr_report_key=key,
            event_type=event,
            label=label,
            date_received=iso_date(row.get("DATE_RECEIVED") or ""),
            date_of_event=iso_date(row.get("DATE_OF_EVENT") or ""),
            report_number=(row.get("REPORT_NUMBER") or "").strip() or None,
            source=f"{file}:{where}",
        )
        self.by_key[key] = rep
        return rep

    def result(self, rows: int) -> ReadResult:
        return ReadResult(list(self.by_key.values()), self.issues, rows)


def device_from(row: Mapping[str, str | None]) -> DeviceInfo:
    def get(name: str) -> str:
        return (row.get(name) or "").strip()

    return DeviceInfo(
        brand_name=get("BRAND_NAME"),
        generic_name=get("GENERIC_NAME"),
        product_code=get("DEVICE_REPORT_PRODUCT_CODE"),
        manufacturer=get("MANUFACTURER_D_NAME"),
    )


def read_joined_csv(path: Path) -> ReadResult:
    """The joined CSV (one row per report x narrative x device), e.g. mesh_p_data.csv."""
    name = str(path)
    book = ReportBook()
    rows = 0
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in CSV_REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise ExtractionError(f"{name}:1: not a joined MAUDE CSV; no column {missing}")
            width = len(reader.fieldnames or [])
            start = reader.line_num + 1
            for row in reader:
                rows += 1
                _csv_row(book, name, str(start), row, width)
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise ExtractionError(f"{name}: cannot read: {e}") from e
    return book.result(rows)


def _csv_row(book: ReportBook, name: str, where: str, row: dict[str, str], width: int) -> None:
    extra: list[str] = row.pop(None, [])  # type: ignore[call-overload]
    missing = sum(1 for v in row.values() if v is None)
    if extra or missing:
        fields = width + len(extra) - missing
        book.issues.append(ReadIssue(name, where, f"{fields} fields, header has {width}"))
        return
    try:
        rep = book.report(name, where, row, "EVENT_TYPE")
        text = row["FOI_TEXT"].strip()
        if text:
            code = (row.get("TEXT_TYPE_CODE") or "D").strip()
            rep.add_narrative(Narrative(clean_key(row.get("MDR_TEXT_KEY") or "0"), code, text))
        rep.add_device(device_from(row))
    except (ValueError, UnknownEventTypeError) as e:
        book.issues.append(ReadIssue(name, where, str(e)))


def read_openfda_json(path: Path) -> ReadResult:
    """An openFDA device event file: {"meta": ..., "results": [event, ...]} or a bare list."""
    name = str(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise ExtractionError(f"{name}: cannot read: {e}") from e
    except json.JSONDecodeError as e:
        raise ExtractionError(f"{name}:{e.lineno}: not JSON: {e.msg}") from e
    events = doc.get("results") if isinstance(doc, dict) else doc
    if not isinstance(events, list):
        raise ExtractionError(f"{name}: no 'results' list; not an openFDA device event file")
    book = ReportBook()
    for i, ev in enumerate(events):
        _openfda_event(book, name, f"results[{i}]", ev)
    return book.result(len(events))


def _openfda_event(book: ReportBook, name: str, where: str, ev: object) -> None:
    try:
        if not isinstance(ev, dict):
            raise ValueError(f"an event must be an object, got {type(ev).__name__}")
        raw = str(ev.get("event_type") or "")
        code = _OPENFDA_CODES.get(raw.strip().upper(), raw)
        row = {
            "MDR_REPORT_KEY": str(ev.get("mdr_report_key") or ""),
            "EVENT_TYPE": code,
            "DATE_RECEIVED": str(ev.get("date_received") or ""),
            "DATE_OF_EVENT": str(ev.get("date_of_event") or ""),
            "REPORT_NUMBER": str(ev.get("report_number") or ""),
        }
        rep = book.report(name, where, row, "EVENT_TYPE")
        for t in _dicts(ev.get("mdr_text"), "mdr_text"):
            text = str(t.get("text") or "").strip()
            if text:
                kind = str(t.get("text_type_code") or "")
                rep.add_narrative(Narrative(str(t.get("mdr_text_key") or "0"), kind, text))
        for d in _dicts(ev.get("device"), "device"):
            rep.add_device(device_from({k.upper(): str(v) for k, v in d.items()}))
    except (ValueError, UnknownEventTypeError) as e:
        book.issues.append(ReadIssue(name, where, str(e)))


def _dicts(value: object, field: str) -> list[dict[str, object]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        raise ValueError(f"{field} must be a list of objects")
    return value


def read_reports(paths: Iterable[Path]) -> ReadResult:
    """Any supported layout: one .csv (joined), one .json (openFDA), or the .txt bulk files
    (mdrfoi plus foitext, optionally foidev), recognised by their headers."""
    from extraction.maude.bulk import read_bulk

    files = [Path(p) for p in paths]
    if not files:
        raise ExtractionError("no MAUDE input given")
    for f in files:
        if not f.is_file():
            raise ExtractionError(f"{f}: no such file")
    if len(files) == 1 and files[0].suffix.lower() == ".csv":
        result = read_joined_csv(files[0])
    elif len(files) == 1 and files[0].suffix.lower() == ".json":
        result = read_openfda_json(files[0])
    else:
        result = read_bulk(files)
    for issue in result.issues:
        logger.warning("skipped %s", issue)
    return result
