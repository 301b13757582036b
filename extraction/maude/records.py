"""The report model every MAUDE reader yields, and the severity labels.

A report is one MDR_REPORT_KEY: its event type, dates, devices and narratives. The FDA
files hold one row per (report, narrative, device); readers fold those rows into reports,
so a report is classified once and its rows never straddle a train/test split."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

# Severity classes in a fixed order: model outputs, confusion matrices and results use it.
LABELS: tuple[str, ...] = ("Death", "Injury", "Malfunction", "Other")
DEATH = LABELS.index("Death")

# mdrfoi EVENT_TYPE codes and openFDA event_type strings; "*" / "No answer provided" -> None.
_EVENT_TYPES: dict[str, str | None] = {
    "D": "Death",
    "IN": "Injury",
    "I": "Injury",
    "M": "Malfunction",
    "O": "Other",
    "*": None,
    "": None,
    "DEATH": "Death",
    "INJURY": "Injury",
    "MALFUNCTION": "Malfunction",
    "OTHER": "Other",
    "NO ANSWER PROVIDED": None,
}

# Narrative types that describe the event (mdrfoi "D", openFDA's spelled-out name).
EVENT_TEXT_TYPES = frozenset({"D", "DESCRIPTION OF EVENT OR PROBLEM"})


class UnknownEventTypeError(ValueError):
    pass


def severity_of(event_type: str) -> str | None:
    """The severity label of an EVENT_TYPE code or openFDA event_type; None for no answer."""
    key = event_type.strip().upper()
    if key not in _EVENT_TYPES:
        raise UnknownEventTypeError(f"unknown event type {event_type!r}")
    return _EVENT_TYPES[key]


def iso_date(value: str) -> str | None:
    """A MAUDE date (2000-02-16, 02/16/2000, 2000/02/16 or 20000216) as ISO, None if empty.
    Unparseable dates raise ValueError so the reader can name the row."""
    v = value.strip()
    if not v:
        return None
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d", "%Y%m%d"):
        try:
            return datetime.strptime(v, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"unparseable date {value!r}")


def clean_key(value: str) -> str:
    """MDR keys as digits: pandas joins turn some into floats ('177083.0')."""
    v = value.strip()
    if re.fullmatch(r"\d+\.0", v):
        v = v[:-2]
    if not v.isdigit():
        raise ValueError(f"MDR key {value!r} is not a number")
    return v


@dataclass(frozen=True)
class DeviceInfo:
    brand_name: str
    generic_name: str
    product_code: str
    manufacturer: str

    def is_empty(self) -> bool:
        return not (self.brand_name or self.generic_name or self.product_code)


@dataclass(frozen=True)
class Narrative:
    text_key: str
    text_type: str
    text: str


@dataclass
class MaudeReport:
    mdr_report_key: str
    event_type: str  # as reported: IN, D, M, O, * (openFDA strings are mapped to these codes)
    label: str | None  # severity class, None when the reporter gave no answer
    date_received: str | None = None
    date_of_event: str | None = None
    report_number: str | None = None
    narratives: list[Narrative] = field(default_factory=list)
    devices: list[DeviceInfo] = field(default_factory=list)
    source: str = ""  # file:line of the first row of the report

    @property
    def id(self) -> str:
        return f"MDR:{self.mdr_report_key}"

    @property
    def text(self) -> str:
        """The event narratives in text-key order, each once (supplements repeat them)."""
        seen: set[str] = set()
        parts: list[str] = []
        for n in sorted(self.narratives, key=lambda n: (len(n.text_key), n.text_key)):
            if n.text_type.upper() in EVENT_TEXT_TYPES and n.text not in seen:
                seen.add(n.text)
                parts.append(n.text.strip())
        return "\n".join(p for p in parts if p)

    def add_narrative(self, n: Narrative) -> None:
        if all(x.text_key != n.text_key or x.text != n.text for x in self.narratives):
            self.narratives.append(n)

    def add_device(self, d: DeviceInfo) -> None:
        if not d.is_empty() and d not in self.devices:
            self.devices.append(d)


@dataclass(frozen=True)
class ReadIssue:
    """A row a reader skipped: the file, where in it (a line number, or results[i] in
    JSON) and why."""

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.where}: {self.message}"


@dataclass
class ReadResult:
    reports: list[MaudeReport]
    issues: list[ReadIssue]
    rows: int = 0

    def labelled(self) -> list[MaudeReport]:
        """Reports with a severity label and a non-empty narrative: the training set."""
        return [r for r in self.reports if r.label is not None and r.text]
