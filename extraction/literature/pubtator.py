"""PubTator, streamed one document at a time: `PMID|t|title`, `PMID|a|abstract`, mention
lines (PMID start end text type ids, and BC5CDR's composite mentions with a 7th field) and
relation lines (kept by the corpus readers, not needed here). Offsets count characters of
`title + " " + abstract`. A bad line drops only its document, reported with file and line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from core.exceptions import IngestError
from extraction.literature.documents import (
    Annotation,
    LitDocument,
    Section,
    joined_text,
    open_binary,
    pmid_id,
)


@dataclass
class _Doc:
    pmid: str
    line: int
    title: str
    abstract: str = ""
    mentions: list[tuple[int, list[str]]] = field(default_factory=list)


def _ids(raw: str, composite: bool) -> tuple[str, ...]:
    """Normalised ids of a mention; a composite mention (BC5CDR's 7-field lines) joins its
    ids with `|`, which elsewhere belongs to the id (BioRED variants: `c|DEL|1314_1328|`)."""
    raw = raw.replace("|", ";") if composite else raw
    parts = [i.strip() for i in raw.replace(",", ";").split(";")]
    return tuple(i for i in parts if i and i != "-1")


def _finish(doc: _Doc, file: str) -> LitDocument:
    sections = (Section(None, doc.abstract),) if doc.abstract else ()
    text = joined_text(doc.title, sections)
    notes = []
    for line, parts in doc.mentions:
        try:
            start, end = int(parts[1]), int(parts[2])
        except ValueError as e:
            raise IngestError(file, line, "mention offsets must be integers", parts[1:3]) from e
        if not 0 <= start < end <= len(text):
            raise IngestError(
                file,
                line,
                f"mention offsets outside the text of {len(text)} characters",
                parts[1:3],
            )
        if text[start:end] != parts[3]:
            raise IngestError(file, line, "mention text does not match its offsets", parts[3])
        notes.append(Annotation(start, end, parts[3], parts[4], _ids(parts[5], len(parts) == 7)))
    return LitDocument(
        pmid_id(doc.pmid),
        doc.title,
        sections,
        text,
        f"{file}:{doc.line}",
        annotations=tuple(notes),
    )


class _Reader:
    def __init__(self, file: str, problems: list[str]) -> None:
        self.file, self.problems = file, problems
        self.doc: _Doc | None = None
        self.bad = False

    def close(self) -> LitDocument | None:
        doc, bad, self.doc, self.bad = self.doc, self.bad, None, False
        if doc is None or bad:
            return None
        try:
            return _finish(doc, self.file)
        except IngestError as e:
            self.problems.append(f"{e}; document {doc.pmid} skipped")
            return None

    def fail(self, e: IngestError) -> None:
        pmid = self.doc.pmid if self.doc else "?"
        self.problems.append(f"{e}; document {pmid} skipped")
        self.bad = True

    def line(self, n: int, line: str) -> LitDocument | None:
        """Feed one line; returns the document it finished, if any."""
        parts = line.split("\t")
        if len(parts) == 1 and line.count("|") >= 2:
            pmid, kind, body = line.split("|", 2)
            if kind == "t":
                done = self.close()
                self.doc = _Doc(pmid, n, body)
                return done
            if kind == "a" and self.doc is not None and self.doc.pmid == pmid:
                self.doc.abstract = body
                return None
            raise IngestError(self.file, n, "expected PMID|t|title or its PMID|a|abstract", pmid)
        if self.doc is None or parts[0] != self.doc.pmid:
            raise IngestError(self.file, n, "annotation line outside its document", parts[0])
        if len(parts) in (6, 7):
            self.doc.mentions.append((n, parts))
        elif len(parts) not in (4, 5):
            raise IngestError(
                self.file, n, f"expected 4 to 7 tab-separated fields, got {len(parts)}"
            )
        return None


def read_pubtator(path: Path, problems: list[str]) -> Iterator[LitDocument]:
    reader = _Reader(str(path), problems)
    with open_binary(path) as fh:
        for n, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as e:
                reader.fail(IngestError(str(path), n, f"invalid UTF-8 at byte {e.start}"))
                continue
            if not line.strip():
                continue
            try:
                if (done := reader.line(n, line)) is not None:
                    yield done
            except IngestError as e:
                if reader.doc is None:
                    problems.append(f"{e}; skipped")
                else:
                    reader.fail(e)
    if (done := reader.close()) is not None:
        yield done
