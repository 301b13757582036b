"""One entry point for every literature format: `read_items(paths, problems)` streams
documents (and PubMed deletions) from PubMed/MEDLINE XML, PubTator, BioC XML or JSON and
JSON Lines {id, text}, chosen by content; folders are read file by file, .gz transparently.

A bad record is reported in `problems` (file and line, or PMID) and skipped; a file that
cannot be read on (truncated, not the format) is an IngestError naming it, raised after the
documents before the bad point were yielded."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from lxml import etree

from core.exceptions import IngestError
from extraction.biored import corpus
from extraction.literature.documents import (
    Annotation,
    Item,
    LitDocument,
    Section,
    open_binary,
    pmid_id,
)
from extraction.literature.pubmed import read_pubmed_xml
from extraction.literature.pubtator import read_pubtator

FORMATS = ("pubmed", "pubtator", "bioc-xml", "bioc-json", "jsonl")


def sniff(path: Path) -> str:
    """The format of `path`, from its name and first bytes."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".jsonl"):
        return "jsonl"
    try:
        with open_binary(path) as fh:
            head = fh.read(4096).decode("utf-8", "replace").lstrip()
    except (EOFError, zlib.error, OSError) as e:
        raise IngestError(str(path), None, f"cannot read: {e}") from e
    if head.startswith("{"):
        return "bioc-json"
    if head.startswith("<"):
        if "<collection" in head:
            return "bioc-xml"
        if "<MedlineCitationSet" in head or "<PubmedArticleSet" in head:
            return "pubmed"
        raise IngestError(str(path), 1, "XML that is neither PubMed/MEDLINE nor BioC")
    first = head.splitlines()[0] if head else ""
    if re.match(r"[^|\t]+\|[ta]\|", first):
        return "pubtator"
    raise IngestError(
        str(path), 1, f"not a literature file (expected one of: {', '.join(FORMATS)})", first[:60]
    )


def files_of(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
        elif p.is_file():
            out.append(p)
        else:
            raise IngestError(str(p), None, "no such file or folder")
    return out


def read_file(path: Path, problems: list[str]) -> Iterator[Item]:
    readers = {
        "pubmed": read_pubmed_xml,
        "pubtator": read_pubtator,
        "bioc-xml": read_bioc_xml,
        "bioc-json": read_bioc_json,
        "jsonl": read_jsonl,
    }
    gen = readers[sniff(path)](path, problems)
    try:
        yield from gen
    except (EOFError, zlib.error, OSError) as e:
        raise IngestError(str(path), None, f"truncated or corrupt file: {e}") from e


def read_items(paths: Iterable[Path], problems: list[str]) -> Iterator[Item]:
    """Items of every file; in a folder, a file of no literature format (a README) is
    reported in `problems` and passed over, while a file named on its own must be one."""
    named = {p for p in paths if not p.is_dir()}
    for path in files_of(paths):
        if path not in named:
            try:
                sniff(path)
            except IngestError as e:
                problems.append(f"{e}; file skipped")
                continue
        yield from read_file(path, problems)


def read_jsonl(path: Path, problems: list[str]) -> Iterator[LitDocument]:
    file = str(path)
    with open_binary(path) as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                problems.append(f"{file}:{n}: not a JSON object ({e}); skipped")
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                problems.append(f"{file}:{n}: field 'text' (a string) is missing; skipped")
                continue
            doc_id = obj.get("id")
            if not isinstance(doc_id, str | int) or isinstance(doc_id, bool) or doc_id == "":
                problems.append(f"{file}:{n}: field 'id' (a string or number) is missing; skipped")
                continue
            text = obj["text"]
            title = obj["title"] if isinstance(obj.get("title"), str) else ""
            yield LitDocument(str(doc_id), title, (Section(None, text),), text, f"{file}:{n}")


def _from_corpus(doc: corpus.Document, where: str) -> LitDocument:
    notes = tuple(Annotation(m.start, m.end, m.text, m.type, m.ids) for m in doc.mentions)
    sections = (Section(None, doc.abstract),) if doc.abstract else ()
    return LitDocument(pmid_id(doc.pmid), doc.title, sections, doc.text, where, annotations=notes)


def read_bioc_json(path: Path, problems: list[str]) -> Iterator[LitDocument]:
    """A BioC JSON collection is one JSON value: parsed whole (collections are file-sized),
    its documents checked one by one by the BioRED corpus reader."""
    for doc in corpus.read_bioc_json(path, problems):
        yield _from_corpus(doc, f"{path}: document {doc.pmid}")


def _bioc_xml_document(el: etree._Element, file: str) -> LitDocument:
    doc_id = (el.findtext("id") or "").strip()
    if not doc_id:
        raise IngestError(file, el.sourceline, "a BioC document without an id")
    text, notes, sections, title = "", [], [], ""
    for p in el.iterfind("passage"):
        body = p.findtext("text") or ""
        offset = int(p.findtext("offset") or len(text))
        text = text.ljust(offset) + body
        kind = p.findtext("infon[@key='type']") or ""
        if not title and kind in ("title", "front"):
            title = body
        elif body:
            sections.append(Section(kind or None, body))
        for a in p.iterfind("annotation"):
            loc = a.find("location")
            if loc is None:
                raise IngestError(
                    file, a.sourceline, f"document {doc_id}: annotation without location"
                )
            start = int(loc.get("offset", "x"))
            end = start + int(loc.get("length", "x"))
            notes.append(
                Annotation(
                    start,
                    end,
                    a.findtext("text") or "",
                    a.findtext("infon[@key='type']") or "",
                    corpus._split_ids(a.findtext("infon[@key='identifier']") or ""),
                )
            )
    for m in notes:
        if not 0 <= m.start < m.end <= len(text) or text[m.start : m.end] != m.text:
            raise IngestError(
                file,
                el.sourceline,
                f"document {doc_id}: annotation text does not match its offsets",
                m.text,
            )
    return LitDocument(
        pmid_id(doc_id),
        title,
        tuple(sections),
        text,
        f"{file}:{el.sourceline}",
        annotations=tuple(notes),
    )


def read_bioc_xml(path: Path, problems: list[str]) -> Iterator[LitDocument]:
    file = str(path)
    with open_binary(path) as fh:
        events = etree.iterparse(fh, events=("end",), tag="document", resolve_entities=False)
        try:
            for _, el in events:
                try:
                    yield _bioc_xml_document(el, file)
                except IngestError as e:
                    problems.append(f"{e}; skipped")
                except ValueError as e:
                    problems.append(
                        f"{file}:{el.sourceline}: malformed BioC document ({e}); skipped"
                    )
                el.clear()
                parent = el.getparent()
                while parent is not None and el.getprevious() is not None:
                    del parent[0]
        except etree.XMLSyntaxError as e:
            raise IngestError(file, e.lineno, f"malformed or truncated XML: {e.msg}") from e
