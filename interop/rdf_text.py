"""Turtle and N-Triples text for `interop.rdf` terms, written without an rdflib Graph.

Building an rdflib Graph costs tens of microseconds a triple, and its Turtle serializer sorts
and re-reads the whole graph; the whole-graph export therefore formats the terms itself. Every
term is an IRI or a literal (no blank nodes), so the statements of a stream can be written one
subject block at a time. The tests parse this output back with rdflib and compare it with the
rdflib Graph built from the same triples."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from interop.rdf import PREFIXES, VOCAB, Term, Triple

_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_STRING_ESC = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"}
_STRING_ESC.update({c: f"\\u{c:04X}" for c in range(0x20) if c not in (0x0A, 0x0D)})
_IRI_ESC = {ord(c): f"\\u{ord(c):04X}" for c in '<>"{}|^`\\ '}
_IRI_ESC.update({c: f"\\u{c:04X}" for c in range(0x20)})
_XSD = VOCAB["xsd"]
_NT_TYPES = {"n": "integer", "d": "double", "b": "boolean", "t": "dateTime"}
_DOUBLES = {"inf": "INF", "-inf": "-INF", "nan": "NaN"}


def _string(text: str) -> str:
    return '"' + text.translate(_STRING_ESC) + '"'


def _iri(text: str) -> str:
    return "<" + text.translate(_IRI_ESC) + ">"


@dataclass
class TextWriter:
    """Writes triples as Turtle (subject blocks, prefixed names) or N-Triples."""

    fh: IO[str]
    fmt: str  # turtle | nt
    _cache: dict[str, str] = field(default_factory=dict)

    def start(self) -> None:
        if self.fmt == "turtle":
            for prefix, base in PREFIXES.items():
                self.fh.write(f"@prefix {prefix}: {_iri(base)} .\n")
            self.fh.write("\n")

    def write(self, triples: Iterable[Triple]) -> int:
        if self.fmt == "nt":
            n = 0
            for s, p, o in triples:
                self.fh.write(f"{self.term(s)} {self.term(p)} {self.term(o)} .\n")
                n += 1
            return n
        return self._turtle(triples)

    def _turtle(self, triples: Iterable[Triple]) -> int:
        subject: Term | None = None
        parts: list[str] = []
        n = 0
        for s, p, o in triples:
            if s != subject:
                self._block(subject, parts)
                subject, parts = s, []
            parts.append(f"{self.term(p)} {self.term(o)}")
            n += 1
        self._block(subject, parts)
        return n

    def _block(self, subject: Term | None, parts: list[str]) -> None:
        if subject is not None and parts:
            self.fh.write(self.term(subject) + " " + " ;\n    ".join(parts) + " .\n")

    def term(self, term: Term) -> str:
        kind, text = term
        if kind == "c":
            cached = self._cache.get(text)
            if cached is None:
                cached = self._curie(text)
                if text.partition(":")[0] in VOCAB:  # the vocabulary only: memory stays flat
                    self._cache[text] = cached
            return cached
        if kind == "i":
            return _iri(text)
        if kind == "s":
            return _string(text)
        if kind == "d":
            text = _DOUBLES.get(text, text)
        if self.fmt == "turtle":
            if kind in ("n", "b"):
                return text
            return f"{_string(text)}^^xsd:{_NT_TYPES[kind]}"
        return f"{_string(text)}^^<{_XSD}{_NT_TYPES[kind]}>"

    def _curie(self, curie: str) -> str:
        prefix, _, local = curie.partition(":")
        if self.fmt == "turtle" and _LOCAL.match(local):
            return curie
        return _iri(PREFIXES[prefix] + local)
