"""Orphanet ORPHApackets (one JSON document per clinical entity) -> disease, gene and HPO rows.

`parse_packets` reads the packets tarball as Orphanet publishes it (members read one by one
from the stream, never extracted), a directory of `ORPHApacket_*.json`, or one packet file.
Each packet gives a Disease node `ORPHA:<code>` (label, synonyms, definition, disorder type,
prevalence, onset, inheritance, PURL) and edges: SUBCLASS_OF to its parents, HAS_PHENOTYPE to HPO
terms, gene -> disease associations, ORPHA -> OMIM mappings and HAS_MODE_OF_INHERITANCE.
Row conventions (HGNC gene placeholders, frequencies, mapping relations) are those of
ingest/orphanet_facts.py, shared with the Orphadata XML reader in ingest/orphanet_xml.py.

The packet JSON is irregular, and both shapes occur for every list:
`[{"Phenotype": {...}}, ...]` and `{"TypeOfInheritance": [{...}, ...]}`; ExternalReferences
items are `{"ExternalReference": {...}}` or the bare `{"Source", "Reference", ...}`; some
items and fields are null. `_items` flattens all of them.

Children are not read: every child's own packet lists this one among its Parents (the
December 2025 packets hold 19,481 parent links and only 12,175 child links, all among them).
"""

from __future__ import annotations

import json
import logging
import tarfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.exceptions import IngestError
from core.files import open_binary
from ingest.orphanet_facts import (
    DisorderFacts,
    FactError,
    GeneFact,
    OrphanetRows,
    PhenotypeFact,
    Xref,
)
from ingest.rows import ParsedFile

logger = logging.getLogger(__name__)

_PACKET_GLOB = "ORPHApacket_*.json"
_NO_DATA = "no data"


def parse_packets(path: Path) -> ParsedFile:
    """Parse every ORPHApacket under `path` (tarball, directory or one file) into rows.

    The release is "<version> (<creationDate date>)" of the packets, which must all agree.
    Errors name `path` and the member, e.g. "json/ORPHApacket_558.json line 12".
    """
    rows = OrphanetRows(str(path))
    release: str | None = None
    for member, data in _members(path):
        packet = _load(path, member, data)
        try:
            facts, packet_release = _packet_facts(packet)
        except FactError as e:
            raise IngestError(str(path), member, e.message, e.value) from e
        if release is None:
            release = packet_release
        elif packet_release != release:
            msg = f"packet release differs from the release {release!r} of the packets before it"
            raise IngestError(str(path), member, msg, packet_release)
        rows.add(facts, member)
    if release is None:
        raise IngestError(str(path), None, f"no {_PACKET_GLOB} found")
    parsed = rows.parsed(release)
    logger.info("%s: %d nodes, %d edges", path, len(parsed.nodes), len(parsed.edges))
    return parsed


def _members(path: Path) -> Iterator[tuple[str, bytes]]:
    """(member name, raw bytes) of each packet, in the archive's or the directory's order."""
    if path.is_dir():
        for file in sorted(path.rglob(_PACKET_GLOB)):
            yield file.relative_to(path).as_posix(), file.read_bytes()
    elif path.is_file() and tarfile.is_tarfile(path):
        yield from _tar_members(path)
    else:
        with open_binary(path) as fh:
            yield path.name, fh.read()


def _tar_members(path: Path) -> Iterator[tuple[str, bytes]]:
    name: str | None = None
    try:
        # "r|*" reads the archive as a stream: one member at a time, nothing on disk.
        with tarfile.open(path, mode="r|*") as tar:
            for info in tar:
                name = info.name
                if not info.isfile() or not Path(name).match(_PACKET_GLOB):
                    continue
                fh = tar.extractfile(info)
                if fh is not None:
                    yield name, fh.read()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as e:
        where = None if name is None else f"at or after {name}"
        raise IngestError(str(path), where, f"cannot read the archive: {e}") from e


def _load(path: Path, member: str, data: bytes) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        where = f"{member} line {line}"
        raise IngestError(str(path), where, f"not valid UTF-8 ({e.reason})") from e
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise IngestError(str(path), f"{member} line {e.lineno}", f"invalid JSON: {e.msg}") from e
    packet = doc.get("Orphapacket") if isinstance(doc, dict) else None
    if not isinstance(packet, dict):
        raise IngestError(str(path), member, 'no "Orphapacket" object at the top')
    return packet


def _packet_facts(p: dict[str, Any]) -> tuple[DisorderFacts, str]:
    code = _text(p, "ORPHAcode")
    if code is None:
        raise FactError("missing ORPHAcode")
    name = _text(p, "Label")
    if name is None:
        raise FactError("missing Label", code)
    facts = DisorderFacts(code, name=name, purl=_text(p, "PURL"))
    facts.disorder_type = _text(_object(p.get("DisorderType"), "DisorderType"), "value")
    facts.synonyms = [_string(s, "Synonym") for s in _items(p.get("Synonyms"), "Synonym")]
    facts.definition = _definition(p.get("TextSection"))
    facts.xrefs = [_xref(x) for x in _items(p.get("ExternalReferences"), "ExternalReference")]
    facts.parents = [_parent(x) for x in _items(p.get("Parents"), "Parent")]
    facts.phenotypes = [_phenotype(x) for x in _items(p.get("Phenotypes"), "Phenotype")]
    facts.genes = [_gene(x) for x in _items(p.get("Genes"), "Gene")]
    facts.inheritance = _values(p.get("TypeOfInheritances"), "TypeOfInheritance")
    facts.onset = _values(p.get("AverageAgeOfOnsets"), "AverageAgeOfOnset")
    facts.prevalence = _prevalences(p.get("Prevalences"))
    return facts, _release(p)


def _release(p: dict[str, Any]) -> str:
    version, created = _text(p, "version"), _text(p, "creationDate")
    if version is None or created is None:
        raise FactError("missing version or creationDate")
    return f"{version} ({created[:10]})"


def _items(value: Any, key: str) -> Iterator[Any]:
    """The items of a packet list in any of its shapes: unwrap `key`, flatten lists, drop nulls."""
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            yield from _items(item, key)
    elif isinstance(value, dict) and key in value:
        yield from _items(value[key], key)
    else:
        yield value


def _object(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FactError(f"{what} is not an object", value)
    return value


def _string(value: Any, what: str) -> str:
    if not isinstance(value, str | int) or not str(value).strip():
        raise FactError(f"{what} is not a non-empty string", value)
    return str(value).strip()


def _text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return None if value is None or str(value).strip() == "" else _string(value, key)


def _definition(value: Any) -> str | None:
    for section in _items(value, "TextSection"):
        section = _object(section, "TextSection")
        if _text(section, "TextSectionType") == "Definition":
            return _text(section, "Contents")
    return None


def _xref(value: Any) -> Xref:
    x = _object(value, "ExternalReference")
    source, reference = _text(x, "Source"), _text(x, "Reference")
    if source is None or reference is None:
        raise FactError("ExternalReference without Source or Reference", x)
    return Xref(source, reference, _text(x, "DisorderMappingRelation"))


def _parent(value: Any) -> tuple[str, str | None]:
    parent = _object(value, "Parent")
    code = _text(parent, "ORPHAcode")
    if code is None:
        raise FactError("Parent without ORPHAcode", parent)
    return code, _text(parent, "Label")


def _phenotype(value: Any) -> PhenotypeFact:
    ph = _object(value, "Phenotype")
    hpo_id = _text(ph, "HPOId")
    if hpo_id is None:
        raise FactError("Phenotype without HPOId", ph)
    return PhenotypeFact(hpo_id, _text(ph, "HPOTerm"), _text(ph, "HPOFrequency"))


def _gene(value: Any) -> GeneFact:
    g = _object(value, "Gene")
    xrefs = tuple(_xref(x) for x in _items(g.get("ExternalReferences"), "ExternalReference"))
    association = _text(g, "DisorderGeneAssociationType")
    return GeneFact(_text(g, "Symbol"), _text(g, "Name"), association, xrefs)


def _values(value: Any, key: str) -> list[str]:
    return [v for v in (_text(_object(x, key), "value") for x in _items(value, key)) if v]


def _prevalences(value: Any) -> list[str]:
    out = []
    for item in _items(value, "Prevalence"):
        prev = _object(item, "Prevalence")
        parts = [_text(prev, k) or "" for k in ("PrevalenceType", "PrevalenceClass")]
        parts.append(_text(prev, "PrevalenceGeographic") or "")
        # Placeholder entries say "no data" in every field; they are not a prevalence.
        if any(part not in ("", _NO_DATA) for part in parts):
            out.append("|".join(parts))
    return out
