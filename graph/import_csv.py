"""CSV files for `neo4j-admin database import full`, typed so the store equals a Cypher write.

Every property is written with its Neo4j type (long, double, boolean, string and arrays of
them), so `properties(n)` reads back the same values a `SET n += $props` would have stored.
Values the CSV format cannot carry (empty lists, strings with line breaks or the array
delimiter, empty strings inside lists) are left out of the CSV and returned as *deferred*
properties, which the caller sets with Cypher after the import.

Each distinct set of (key, type) goes into its own file with its own header, so a key that is
a scalar on one row and a list on another is typed right on both, and no cell is padding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

ARRAY_DELIMITER = "\x1f"  # unit separator: never in the data (checked per value)
FIELD_DELIMITER = ","
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class ImportNode:
    id: str
    labels: list[str]
    props: dict[str, Any]  # includes "id"


@dataclass(frozen=True)
class ImportRel:
    start: str
    end: str
    type: str
    props: dict[str, Any]


@dataclass
class ImportFiles:
    nodes: list[Path] = field(default_factory=list)
    relationships: list[Path] = field(default_factory=list)
    deferred_nodes: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> props
    deferred_rels: list[tuple[ImportRel, dict[str, Any]]] = field(default_factory=list)


_SCALARS = {bool: "boolean", int: "long", float: "double", str: "string"}


def _quote(text: str) -> str:
    return '"' + (text.replace('"', '""') if '"' in text else text) + '"'


def _scalar(value: Any) -> tuple[str, str] | None:
    """(CSV type, cell) of a bool, int, float or str that the CSV can carry, else None."""
    t = _SCALARS.get(type(value))
    if t == "string":
        if "\n" in value or "\r" in value or ARRAY_DELIMITER in value:
            return None
        return t, _quote(value)
    if t == "boolean":
        return t, "true" if value else "false"
    if t == "long":
        return (t, str(value)) if -(2**63) <= value < 2**63 else None
    if t == "double":
        return (t, repr(value)) if value == value and abs(value) != float("inf") else None
    return None


def encode(value: Any) -> tuple[str, str] | None:
    """(CSV header type, cell text) of a property value, or None when the CSV cannot carry it
    (an empty list, a list of mixed types or with an empty string, a line break)."""
    if type(value) is not list:
        return _scalar(value)
    if not value:
        return None
    if type(value[0]) is str:
        try:
            joined = ARRAY_DELIMITER.join(value)  # TypeError: not all str
        except TypeError:
            return None
        if (
            "\n" in joined
            or "\r" in joined
            or joined.count(ARRAY_DELIMITER) != len(value) - 1
            or "" in value
        ):
            return None
        return "string[]", _quote(joined)
    items = [_scalar(v) for v in value]
    kinds = {i[0] if i else None for i in items}
    if len(kinds) != 1 or None in kinds or "string" in kinds:
        return None
    return f"{kinds.pop()}[]", ARRAY_DELIMITER.join(i[1] for i in items if i)


class _Files:
    """Rows of one kind (nodes or relationships), streamed into one file per signature (the
    keys and types a row's properties have), so each file's header gives each key one type."""

    def __init__(self, folder: Path, stem: str, head: list[str]) -> None:
        self.folder, self.stem, self.head = folder, stem, head
        self.open: dict[tuple[str, ...], TextIO] = {}
        self.paths: list[Path] = []

    def add(self, fixed: list[str], props: dict[str, Any]) -> dict[str, Any]:
        """Write the row; returns its deferred props (those the CSV cannot carry)."""
        sig: list[str] = []
        cells = fixed.copy()
        deferred: dict[str, Any] = {}
        for k, v in props.items():
            # the common case, a plain string, inlined: `encode` per property is the hot spot
            if type(v) is str and "\n" not in v and "\r" not in v and ARRAY_DELIMITER not in v:
                sig += (k, "string")
                cells.append('"' + (v.replace('"', '""') if '"' in v else v) + '"')
                continue
            got = encode(v)
            if got is None:
                deferred[k] = v
            else:
                sig += (k, got[0])
                cells.append(got[1])
        key = tuple(sig)
        f = self.open.get(key) or self._start(key)
        f.write(FIELD_DELIMITER.join(cells) + "\n")
        return deferred

    def _start(self, sig: tuple[str, ...]) -> TextIO:
        keys = sig[0::2]
        for k in keys:
            if not _KEY.match(k):
                raise ValueError(f"property key {k!r} cannot be written to an import CSV header")
        path = self.folder / f"{self.stem}-{len(self.paths)}.csv"
        f = self.open[sig] = path.open("w", encoding="utf-8", newline="")
        self.paths.append(path)
        header = self.head + [f"{k}:{t}" for k, t in zip(keys, sig[1::2], strict=True)]
        f.write(FIELD_DELIMITER.join(header) + "\n")
        return f

    def close(self) -> list[Path]:
        """Close every file, even when one fails (a full disk fails the flush of each): a file
        left open would keep its space after the folder is emptied."""
        error: OSError | None = None
        for f in self.open.values():
            try:
                f.close()
            except OSError as e:
                error = error or e
        if error is not None:
            raise error
        return self.paths


def write_import_csv(
    folder: Path, nodes: Iterable[ImportNode], rels: Iterable[ImportRel], tag: str = ""
) -> ImportFiles:
    """Write nodes (keyed by their `id` property) and relationships as import CSV in `folder`
    (file names start with nodes<tag>- and relationships<tag>-)."""
    out = ImportFiles()
    node_files = _Files(folder, f"nodes{tag}", ["id:ID", ":LABEL"])
    rel_files = _Files(folder, f"relationships{tag}", [":START_ID", ":END_ID", ":TYPE"])
    try:
        for n in nodes:
            props = dict(n.props)
            if props.pop("id", None) != n.id:
                raise ValueError(f"node {n.id!r}: its id property must equal its import id")
            fixed = [_quote(n.id), _quote(ARRAY_DELIMITER.join(n.labels))]
            deferred = node_files.add(fixed, props)
            if deferred:
                out.deferred_nodes[n.id] = deferred
        for r in rels:
            deferred = rel_files.add([_quote(r.start), _quote(r.end), _quote(r.type)], r.props)
            if deferred:
                out.deferred_rels.append((r, deferred))
    finally:
        out.nodes = node_files.close()
        out.relationships = rel_files.close()
    return out


def merge_files(parts: list[ImportFiles]) -> ImportFiles:
    out = ImportFiles()
    for f in parts:
        out.nodes += f.nodes
        out.relationships += f.relationships
        out.deferred_nodes.update(f.deferred_nodes)
        out.deferred_rels += f.deferred_rels
    return out
