"""Orphadata XML products (the files stewards download from orphadata.com) -> the packets' rows.

- en_product1.xml: nomenclature, synonyms, definition and cross-references (OMIM mappings and
  ICD-10, UMLS, MeSH, MedDRA, GARD... as node xrefs);
- en_product4.xml: HPO phenotypes with their frequency class;
- en_product6.xml: disorder-gene associations;
- en_product3_<id>.xml: one classification tree each (SUBCLASS_OF edges).

Each product is streamed with lxml iterparse; an element is cleared once read, so memory stays
flat on the 100 MB files. A product's facts go through ingest/orphanet_facts.py like the
packets', so a fact yields the same rows from a packet and from a product (row conventions,
including the HGNC gene placeholders resolved later by the ingest job, are documented there).
The release is "<JDBOR version> (<JDBOR date, day only>)". Errors name the file and the
element's line, e.g. "Disorder OrphaCode=558 line 1234".

Not read, because the packets have no counterpart and no row needs them yet: association
status and validation sources (product6), diagnostic criteria (product4), mapping validation
status, disorder flags and disorder-disorder associations such as "Moved to" (product1).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from core.exceptions import IngestError
from core.files import open_binary
from ingest.orphanet_facts import (
    DisorderFacts,
    GeneFact,
    OrphanetRows,
    PhenotypeFact,
    Xref,
)
from ingest.rows import ParsedFile

_Element = etree._Element
_Fill = Callable[[DisorderFacts, _Element], None]


def parse_product1(path: Path) -> ParsedFile:
    """en_product1.xml: Disease nodes with synonyms, definition and xrefs; OMIM mapping edges."""
    return _parse(path, "DisorderList", _fill_product1)


def parse_product4(path: Path) -> ParsedFile:
    """en_product4.xml: HAS_PHENOTYPE edges (negated for "Excluded (0%)")."""
    return _parse(path, "HPODisorderSetStatus", _fill_product4, "HPODisorderSetStatus")


def parse_product6(path: Path) -> ParsedFile:
    """en_product6.xml: Gene nodes and gene -> disease edges."""
    return _parse(path, "DisorderList", _fill_product6)


def parse_classification(path: Path) -> ParsedFile:
    """en_product3_<id>.xml: SUBCLASS_OF from each node's disorder to its parent node's."""
    reader, rows = _Reader(path), OrphanetRows(str(path))
    # One entry per open ClassificationNode: its disorder (code, name) once that is read.
    stack: list[tuple[str, str | None] | None] = []
    for event, elem in reader.elements("ClassificationNode", "Disorder"):
        if elem.tag == "ClassificationNode":
            if event == "start":
                stack.append(None)
            else:
                stack.pop()
            continue
        parent = elem.getparent()
        if event != "end" or parent is None or parent.tag != "ClassificationNode" or not stack:
            continue
        facts = _disorder(reader, elem)
        above = stack[-2] if len(stack) > 1 else None
        if above is not None:
            facts.parents.append(above)
        stack[-1] = (facts.code, facts.name)
        rows.add(facts, reader.where(elem, facts.code))
    return rows.parsed(reader.release or "")


@dataclass(slots=True)
class _Reader:
    """Streams one product's elements and keeps the release from its JDBOR root."""

    path: Path
    release: str | None = None

    def elements(self, *tags: str) -> Iterator[tuple[str, _Element]]:
        """("start" or "end", element) for `tags`; an element is cleared after its "end"."""
        try:
            with open_binary(self.path) as fh:
                events = etree.iterparse(
                    fh, events=("start", "end"), tag=("JDBOR", *tags), resolve_entities=False
                )
                for event, elem in events:
                    if self.release is None:
                        self._root(event, elem)
                    elif elem.tag != "JDBOR":
                        yield event, elem
                        if event == "end":
                            _clear(elem)
        except etree.XMLSyntaxError as e:
            raise IngestError(str(self.path), e.lineno, f"malformed XML: {e.msg}") from e
        except (EOFError, OSError, zlib.error) as e:  # a truncated or corrupt .gz
            raise IngestError(str(self.path), None, f"cannot read file: {e}") from e
        if self.release is None:
            raise IngestError(str(self.path), None, "no JDBOR root element")

    def _root(self, event: str, elem: _Element) -> None:
        if event != "start" or elem.tag != "JDBOR":
            raise IngestError(str(self.path), elem.sourceline, "root element is not JDBOR")
        version, date = elem.get("version", "").strip(), elem.get("date", "").strip()[:10]
        self.release = f"{version} ({date})" if version and date else version or date

    def where(self, elem: _Element, code: str | None) -> str:
        return f"Disorder OrphaCode={code} line {elem.sourceline}"


def _parse(path: Path, parent_tag: str, fill: _Fill, *also_clear: str) -> ParsedFile:
    """The loop of products 1, 4 and 6: one Disorder element (child of `parent_tag`) at a time."""
    reader, rows = _Reader(path), OrphanetRows(str(path))
    for event, elem in reader.elements("Disorder", *also_clear):
        parent = elem.getparent()
        if event != "end" or elem.tag != "Disorder" or parent is None or parent.tag != parent_tag:
            continue
        facts = _disorder(reader, elem)
        fill(facts, elem)
        rows.add(facts, reader.where(elem, facts.code))
    return rows.parsed(reader.release or "")


def _clear(elem: _Element) -> None:
    """Free what is read: the element's content and the siblings before it."""
    elem.clear(keep_tail=True)
    parent = elem.getparent()
    while parent is not None and elem.getprevious() is not None:
        del parent[0]


def _text(elem: _Element, path: str) -> str | None:
    value = elem.findtext(path)
    return (value.strip() or None) if value is not None else None


def _texts(elem: _Element, path: str) -> list[str]:
    return [t for t in (_text(e, ".") for e in elem.iterfind(path)) if t]


def _disorder(reader: _Reader, elem: _Element) -> DisorderFacts:
    """The OrphaCode, Name and DisorderType that every product's Disorder element carries."""
    code = _text(elem, "OrphaCode")
    if code is None:
        raise IngestError(str(reader.path), reader.where(elem, None), "missing OrphaCode")
    name, disorder_type = _text(elem, "Name"), _text(elem, "DisorderType/Name")
    return DisorderFacts(code, name=name, disorder_type=disorder_type)


def _fill_product1(facts: DisorderFacts, elem: _Element) -> None:
    facts.synonyms = _texts(elem, "SynonymList/Synonym")
    facts.xrefs = [_xref(x) for x in elem.iterfind("ExternalReferenceList/ExternalReference")]
    sections = "SummaryInformationList/SummaryInformation/TextSectionList/TextSection"
    for section in elem.iterfind(sections):
        if _text(section, "TextSectionType/Name") == "Definition":
            facts.definition = _text(section, "Contents")
            break


def _fill_product4(facts: DisorderFacts, elem: _Element) -> None:
    for a in elem.iterfind("HPODisorderAssociationList/HPODisorderAssociation"):
        hpo_id = _text(a, "HPO/HPOId") or ""  # an empty id is rejected as a bad HPO id
        facts.phenotypes.append(
            PhenotypeFact(hpo_id, _text(a, "HPO/HPOTerm"), _text(a, "HPOFrequency/Name"))
        )


def _fill_product6(facts: DisorderFacts, elem: _Element) -> None:
    for a in elem.iterfind("DisorderGeneAssociationList/DisorderGeneAssociation"):
        gene = a.find("Gene")
        if gene is None:
            continue
        xrefs = tuple(_xref(x) for x in gene.iterfind("ExternalReferenceList/ExternalReference"))
        facts.genes.append(
            GeneFact(
                symbol=_text(gene, "Symbol"),
                name=_text(gene, "Name"),
                association=_text(a, "DisorderGeneAssociationType/Name"),
                xrefs=xrefs,
                synonyms=tuple(_texts(gene, "SynonymList/Synonym")),
            )
        )


def _xref(x: _Element) -> Xref:
    source, reference = _text(x, "Source") or "", _text(x, "Reference") or ""
    return Xref(source, reference, _text(x, "DisorderMappingRelation/Name"))
