"""BioRED documents from PubTator (with BioREDirect direction lines) and BioC JSON.

PubTator: `PMID|t|title`, `PMID|a|abstract`, mention lines (6 tab fields), relation lines
(5 fields: PMID type id1 id2 Novel|No) and, in BioREDirect files, direction lines (4 fields:
PMID id1 id2 Subject:<id>). Offsets count characters of `title + " " + abstract`.
Every malformed line raises an IngestError naming the file and the line."""

from __future__ import annotations

import gzip
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.exceptions import IngestError

logger = logging.getLogger(__name__)

RELATION_TYPES = (
    "Association",
    "Positive_Correlation",
    "Negative_Correlation",
    "Bind",
    "Cotreatment",
    "Comparison",
    "Drug_Interaction",
    "Conversion",
)
ENTITY_TYPES = (
    "GeneOrGeneProduct",
    "ChemicalEntity",
    "DiseaseOrPhenotypicFeature",
    "SequenceVariant",
    "OrganismTaxon",
    "CellLine",
)
# BC8 writes a few taxa as `Organism`; one name per type inside evigraph.
_TYPE_ALIASES = {"Organism": "OrganismTaxon"}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    type: str
    ids: tuple[str, ...]


@dataclass(frozen=True)
class Relation:
    type: str
    id1: str
    id2: str
    novel: bool
    subject: str | None = None  # None: undirected (no direction line)


@dataclass
class Document:
    pmid: str
    title: str
    abstract: str
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    @property
    def text(self) -> str:
        return f"{self.title} {self.abstract}" if self.abstract else self.title

    def entity_types(self) -> dict[str, str]:
        """Normalized id -> entity type (the type of its first mention)."""
        types: dict[str, str] = {}
        for m in self.mentions:
            for i in m.ids:
                types.setdefault(i, m.type)
        return types


def _split_ids(raw: str) -> tuple[str, ...]:
    ids = [i.strip() for i in raw.replace(",", ";").split(";")]
    return tuple(i for i in ids if i)


def _entity_type(raw: str, file: str, where: str | int) -> str:
    t = _TYPE_ALIASES.get(raw, raw)
    if t not in ENTITY_TYPES:
        raise IngestError(file, where, "unknown entity type", raw)
    return t


class _PubTatorBuilder:
    def __init__(self, file: str, skipped: list[str] | None = None) -> None:
        self.file = file
        self.docs: list[Document] = []
        self.doc: Document | None = None
        self.directions: dict[tuple[str, frozenset[str]], str] = {}
        # lenient reading (user input): a bad line drops its document, reported here
        self.skipped = skipped
        self.bad = False

    def skip(self, e: IngestError) -> None:
        """Drop the document that `e` is in (lenient) or raise `e` (strict)."""
        if self.skipped is None:
            raise e
        pmid = self.doc.pmid if self.doc is not None else "?"
        self.skipped.append(f"{e}; document {pmid} skipped")
        self.bad = True

    def err(self, line: int, message: str, value: object = None) -> IngestError:
        return IngestError(self.file, line, message, value)

    def finish_doc(self, line: int) -> None:
        if self.doc is None or self.bad:
            if self.doc is not None:
                self.directions = {
                    k: v for k, v in self.directions.items() if k[0] != self.doc.pmid
                }
            self.doc, self.bad = None, False
            return
        doc = self.doc
        rels = []
        for r in doc.relations:
            subject = self.directions.pop((doc.pmid, frozenset((r.id1, r.id2))), None)
            rels.append(Relation(r.type, r.id1, r.id2, r.novel, subject))
        leftover = [k for k in self.directions if k[0] == doc.pmid]
        if leftover:
            raise self.err(
                line,
                f"direction line for a pair with no relation in {doc.pmid}",
                sorted(leftover[0][1]),
            )
        doc.relations = rels
        self.docs.append(doc)
        self.doc = None

    def close(self, line: int) -> None:
        """Finish the current document; lenient, one that fails its checks is dropped."""
        try:
            self.finish_doc(line)
        except IngestError as e:
            self.skip(e)
            self.finish_doc(line)

    def header(self, line: int, text: str) -> None:
        pmid, kind, body = text.split("|", 2)
        if kind == "t":
            self.close(line)
            self.doc = Document(pmid, body, "")
        elif kind == "a":
            if self.doc is None or self.doc.pmid != pmid:
                raise self.err(line, "abstract line without its title line", pmid)
            self.doc.abstract = body
        else:
            raise self.err(line, "header must be PMID|t|... or PMID|a|...", text[:60])

    def fields(self, line: int, parts: list[str]) -> None:
        doc = self.doc
        if doc is None or parts[0] != doc.pmid:
            raise self.err(line, "annotation line outside its document", parts[0])
        if len(parts) == 6:
            try:
                start, end = int(parts[1]), int(parts[2])
            except ValueError as e:
                raise self.err(line, "mention offsets must be integers", parts[1:3]) from e
            if not 0 <= start < end <= len(doc.text) or doc.text[start:end] != parts[3]:
                raise self.err(line, "mention text does not match its offsets", parts[3])
            etype = _entity_type(parts[4], self.file, line)
            doc.mentions.append(Mention(start, end, parts[3], etype, _split_ids(parts[5])))
        elif len(parts) == 5:
            if parts[1] not in RELATION_TYPES:
                raise self.err(line, "unknown relation type", parts[1])
            if parts[4] not in ("Novel", "No"):
                raise self.err(line, "novelty must be Novel or No", parts[4])
            doc.relations.append(Relation(parts[1], parts[2], parts[3], parts[4] == "Novel"))
        elif len(parts) == 4:
            if not parts[3].startswith("Subject:") or parts[3][8:] not in (parts[1], parts[2]):
                raise self.err(line, "direction must be Subject:<id1 or id2>", parts[3])
            self.directions[(doc.pmid, frozenset(parts[1:3]))] = parts[3][8:]
        else:
            raise self.err(line, f"expected 4, 5 or 6 tab-separated fields, got {len(parts)}")


def read_pubtator(path: Path, skipped: list[str] | None = None) -> list[Document]:
    """Every document of a PubTator file; direction lines attach to their relation."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise IngestError(str(path), None, f"cannot read: {e}") from e
    return parse_pubtator_text(text, str(path), skipped)


def parse_pubtator_text(
    text: str, source: str = "request", skipped: list[str] | None = None
) -> list[Document]:
    """Documents of PubTator text (a request body); errors name `source` and the line. With
    `skipped` (user input), a bad line drops only its document, reported there."""
    b = _PubTatorBuilder(source, skipped)
    lines = text.splitlines()
    n = 0
    for n, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        parts = line.split("\t")
        try:
            if len(parts) == 1 and line.count("|") >= 2:
                b.header(n, line)
            elif not b.bad:
                b.fields(n, parts)
        except IngestError as e:
            b.skip(e)
    b.close(n)
    _check_relation_ids(b.docs, source)
    if not b.docs:
        why = "; ".join((skipped or [])[:5]) or "expected PMID|t|title lines"
        raise IngestError(source, None, f"no PubTator document ({why})")
    return b.docs


def _check_relation_ids(docs: list[Document], file: str) -> None:
    """A relation naming an id that no mention carries is kept (it is gold data, and the
    metrics must count it as missed) but reported, with the file and document."""
    for doc in docs:
        known = doc.entity_types()
        for r in doc.relations:
            for i in (r.id1, r.id2):
                if i not in known:
                    logger.warning(
                        "%s: document %s: relation %s names id %r, which no mention "
                        "carries; kept for scoring, never a candidate",
                        file,
                        doc.pmid,
                        r.type,
                        i,
                    )


def _bioc_document(raw: dict[str, Any], file: str) -> Document:
    pmid = str(raw.get("id", ""))
    where = f"document {pmid or '?'}"
    passages = raw.get("passages")
    if not pmid or not isinstance(passages, list) or not passages:
        raise IngestError(file, where, "a BioC document needs an id and passages")
    # Passages sit at their offsets (gaps become spaces), so annotation offsets index the text.
    full = ""
    for p in passages:
        full = full.ljust(int(p.get("offset", len(full)))) + str(p.get("text", ""))
    title = str(passages[0].get("text", ""))
    doc = Document(pmid, title, full[len(title) + 1 :])
    for p in passages:
        for a in p.get("annotations", []):
            infons, locs = a.get("infons", {}), a.get("locations", [])
            if not locs or "type" not in infons:
                raise IngestError(file, f"{where} annotation {a.get('id')}", "no type or location")
            start = int(locs[0]["offset"])
            end = start + int(locs[0]["length"])
            if doc.text[start:end] != a.get("text"):
                raise IngestError(
                    file,
                    f"{where} annotation {a.get('id')}",
                    "text does not match its offsets",
                    a.get("text"),
                )
            etype = _entity_type(infons["type"], file, where)
            ids = _split_ids(str(infons.get("identifier", "")))
            doc.mentions.append(Mention(start, end, str(a["text"]), etype, ids))
    for r in raw.get("relations", []):
        inf = r.get("infons", {})
        if inf.get("type") not in RELATION_TYPES or inf.get("novel") not in ("Novel", "No"):
            raise IngestError(file, f"{where} relation {r.get('id')}", "bad type or novel", inf)
        doc.relations.append(
            Relation(inf["type"], inf["entity1"], inf["entity2"], inf["novel"] == "Novel")
        )
    return doc


def read_bioc_json(path: Path, skipped: list[str] | None = None) -> list[Document]:
    """Every document of a BioC JSON collection (optionally gzip-compressed)."""
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError) as e:
        raise IngestError(str(path), None, f"cannot read: {e}") from e
    except json.JSONDecodeError as e:
        raise IngestError(str(path), e.lineno, f"invalid JSON: {e.msg}") from e
    return parse_bioc_collection(data, str(path), skipped)


def parse_bioc_collection(
    data: object, source: str = "request", skipped: list[str] | None = None
) -> list[Document]:
    """Documents of an already parsed BioC JSON collection (a file, or an API request body).
    With `skipped` (user input), a malformed document is left out and reported there."""
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise IngestError(source, None, "not a BioC collection (no documents list)")
    docs = []
    for n, raw in enumerate(data["documents"]):
        try:
            docs.append(_checked_bioc_document(raw, source, n))
        except IngestError as e:
            if skipped is None:
                raise
            skipped.append(f"{e}; document skipped")
    if not docs and skipped:
        raise IngestError(source, None, "no readable document: " + "; ".join(skipped[:5]))
    _check_relation_ids(docs, source)
    return docs


def _checked_bioc_document(raw: object, source: str, n: int) -> Document:
    """`_bioc_document`, with any malformed field (a string offset, a list where an object
    belongs) reported as an IngestError naming the document, never a crash."""
    if not isinstance(raw, dict):
        raise IngestError(source, f"documents[{n}]", "a BioC document must be an object")
    try:
        return _bioc_document(raw, source)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        where = f"document {raw.get('id') or f'documents[{n}]'}"
        raise IngestError(source, where, f"malformed BioC document ({e!r})") from e


def read_documents(path: Path, skipped: list[str] | None = None) -> list[Document]:
    """PubTator or BioC JSON, chosen by content (a BioC file starts with `{`). With
    `skipped` (user input), a malformed document is left out and reported there."""
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            head = fh.read(64).lstrip()
    except (OSError, UnicodeDecodeError) as e:
        raise IngestError(str(path), None, f"cannot read: {e}") from e
    if head.startswith("{"):
        return read_bioc_json(path, skipped)
    return read_pubtator(path, skipped)
