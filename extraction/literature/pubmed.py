"""PubMed/MEDLINE XML, streamed with lxml iterparse: the 2016 layout
(<MedlineCitationSet><MedlineCitation>) and the current one
(<PubmedArticleSet><PubmedArticle><MedlineCitation>), .gz read transparently.

Each record is cleared once read, so memory stays flat on a 30,000-citation file.
<DeleteCitation> lists yield one Deletion per PMID. A record without a PMID is reported in
`problems` (file and line) and skipped; a truncated or malformed file is an IngestError naming
the file and line, raised after the records before it were yielded."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lxml import etree

from core.exceptions import IngestError
from extraction.literature.documents import (
    Deletion,
    Item,
    LitDocument,
    Section,
    joined_text,
    open_binary,
    pmid_id,
)

RECORDS = ("MedlineCitation", "PubmedArticle", "DeleteCitation", "PubmedBookArticle")
CHUNK = 1 << 16  # bytes fed to the parser at a time
TOP = ("MedlineCitationSet", "PubmedArticleSet")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SPACE = re.compile(r"[ \t\r\n]+")
MONTHS = {m: n for n, m in enumerate(_MONTHS, 1)}


def _text(el: etree._Element | None) -> str:
    # line breaks and indentation of the XML become one space; a no-break space stays
    return _SPACE.sub(" ", "".join(el.itertext())).strip() if el is not None else ""


def _month(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    return MONTHS.get(raw[:3].title())


def publication_date(article: etree._Element | None) -> str | None:
    """The journal issue's date: YYYY, YYYY-MM or YYYY-MM-DD (MedlineDate: its first year)."""
    if article is None:
        return None
    date = article.find("Journal/JournalIssue/PubDate")
    if date is None:
        return None
    year = date.findtext("Year")
    if not year:
        m = re.search(r"\d{4}", date.findtext("MedlineDate") or "")
        return m.group(0) if m else None
    month = _month(date.findtext("Month") or "")
    if month is None:
        return year
    day = date.findtext("Day")
    return f"{year}-{month:02d}" + (f"-{int(day):02d}" if day and day.isdigit() else "")


def _sections(article: etree._Element | None) -> tuple[Section, ...]:
    if article is None:
        return ()
    out = []
    for el in article.iterfind("Abstract/AbstractText"):
        text = _text(el)
        if text:
            out.append(Section(el.get("Label"), text))
    return tuple(out)


def _uis(citation: etree._Element, path: str) -> tuple[str, ...]:
    return tuple(f"MESH:{el.get('UI')}" for el in citation.iterfind(path) if el.get("UI"))


def citation_document(citation: etree._Element, file: str) -> LitDocument | None:
    """The document of one <MedlineCitation>, or None when it has no PMID."""
    pmid = (citation.findtext("PMID") or "").strip()
    if not pmid:
        return None
    article = citation.find("Article")
    title = _text(article.find("ArticleTitle")) if article is not None else ""
    sections = _sections(article)
    return LitDocument(
        pmid_id(pmid),
        title,
        sections,
        joined_text(title, sections),
        f"{file}:{citation.sourceline}",
        publication_date(article),
        _uis(citation, "MeshHeadingList/MeshHeading/DescriptorName"),
        _uis(citation, "ChemicalList/Chemical/NameOfSubstance"),
    )


def _record_items(el: etree._Element, file: str, problems: list[str]) -> Iterator[Item]:
    if el.tag == "DeleteCitation":
        for p in el.iterfind("PMID"):
            if pmid := (p.text or "").strip():
                yield Deletion(pmid_id(pmid), f"{file}:{p.sourceline}")
        return
    citation = el if el.tag == "MedlineCitation" else el.find("MedlineCitation")
    if citation is None:  # e.g. a PubmedBookArticle: no citation to read
        problems.append(f"{file}:{el.sourceline}: <{el.tag!s}> without a MedlineCitation; skipped")
        return
    doc = citation_document(citation, file)
    if doc is None:
        problems.append(f"{file}:{citation.sourceline}: a citation without a PMID; skipped")
        return
    yield doc


def _parsed(fh: IO[bytes], file: str) -> Iterator[etree._Element]:
    """Record elements as the bytes arrive: a file cut short still gives every record read
    before the cut, then an IngestError naming the file and the line reached."""
    parser = etree.XMLPullParser(events=("end",), tag=RECORDS, resolve_entities=False)
    line = 0
    broken: Exception | None = None
    while broken is None:
        try:
            chunk = fh.read(CHUNK)
        except (EOFError, zlib.error, OSError) as e:
            chunk, broken = b"", e
        try:
            parser.feed(chunk) if chunk else parser.close()
        except etree.XMLSyntaxError as e:
            broken = e
        for _, el in parser.read_events():
            line = el.sourceline or line
            yield el
        if not chunk:
            break
    if isinstance(broken, etree.XMLSyntaxError):
        raise IngestError(file, broken.lineno, f"malformed or truncated XML: {broken.msg}")
    if broken is not None:
        raise IngestError(file, f"after line {line}", f"truncated or corrupt file: {broken}")


def read_pubmed_xml(path: Path, problems: list[str]) -> Iterator[Item]:
    """Documents and deletions of a PubMed/MEDLINE XML file, in file order."""
    file = str(path)
    with open_binary(path) as fh:
        for el in _parsed(fh, file):
            parent = el.getparent()
            if parent is None or parent.tag not in TOP:
                continue  # a MedlineCitation inside a PubmedArticle: read with it
            yield from _record_items(el, file, problems)
            el.clear()
            while el.getprevious() is not None:
                del parent[0]
