"""KGX TSV: the column set and types seen over a stream of KGX records, and the TSV rows.

The TSV header needs every column before the first row, so an export collects `Columns` while
it writes JSON Lines and writes the TSV from them afterwards. KGX TSV readers (kgx among them,
pandas with quoting off) read no quoting and split any cell holding "|" into a list, so:
- cells are never quoted; lists are pipe-joined, booleans true/false, absent values empty;
- inside a value, `\\` is written `\\\\`, tab `\\t`, newline `\\n`, carriage return `\\r` and "|"
  `\\u007c` (JSON's escapes): no value splits a row, a cell or a list, and `evigraph import
  kgx` reverses them;
- a column holding a value in some rows and a list in others ("str|list[str]") is
  pipe-joined either way;
- only a column mixing other kinds of value is written as (escaped) JSON text.
metadata.json records the column types, so the TSV reads back typed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

SCALARS = (str, int, float, bool)


@dataclass
class Columns:
    """Column name -> the value types seen in it ("str", "int", "list[str]", "list", ...)."""

    types: dict[str, set[str]] = field(default_factory=dict)
    # (column, scalar type) pairs and (column, list value) pairs already seen: most records
    # repeat them, and a set lookup is cheaper than typing the value again.
    _seen: set[tuple[str, Any]] = field(default_factory=set, repr=False)

    def see(self, record: dict[str, Any]) -> None:
        seen = self._seen
        for key, value in record.items():
            kind = type(value)
            if kind is list:
                items = tuple(value)
                if (key, items) in seen:
                    continue
                seen.add((key, items))
                self._tag(key, type_tag(value))
            elif (key, kind) not in seen:
                seen.add((key, kind))
                self._tag(key, kind.__name__)
        if len(seen) > 20_000:  # list values can be many and distinct: keep memory flat
            seen.clear()

    def _tag(self, key: str, tag: str) -> None:
        self.types.setdefault(key, set()).add(tag)

    def update(self, other: dict[str, set[str]]) -> None:
        """Add the types another process saw (each process exports part of the records)."""
        for key, tags in other.items():
            self.types.setdefault(key, set()).update(tags)

    def ordered(self, first: Iterable[str]) -> list[str]:
        head = [c for c in first if c in self.types]
        return head + sorted(c for c in self.types if c not in head)

    def resolved(self) -> dict[str, str]:
        """One type per column: an empty list takes its column's element type; values of one
        scalar type and lists of it are "T|list[T]"; any other mix is "json"."""
        out = {}
        for col, tags in self.types.items():
            real = sorted(tags - {"list"} if len(tags) > 1 else tags)
            if len(real) == 1:
                out[col] = real[0]
            elif len(real) == 2 and real[0] == f"list[{real[1]}]":  # sorted: "list[str]", "str"
                out[col] = f"{real[1]}|{real[0]}"
            elif len(real) == 2 and real[1] == f"list[{real[0]}]":  # "float", "list[float]"
                out[col] = f"{real[0]}|{real[1]}"
            else:
                out[col] = "json"
        return out


def type_tag(value: Any) -> str:
    if isinstance(value, list):
        inner = {type(v).__name__ for v in value}
        return f"list[{inner.pop()}]" if len(inner) == 1 else "list"
    return type(value).__name__


_SPECIAL = re.compile(r"[\\\t\n\r|]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "|": "\\u007c"})
_ESCAPED = re.compile(r"\\(\\|t|n|r|u007c)")
_UNESCAPE = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", "u007c": "|"}


def escape(text: str) -> str:
    """A value as a TSV cell or list item: no tab, newline or pipe left in it."""
    return text.translate(_ESCAPES) if _SPECIAL.search(text) else text


def unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: _UNESCAPE[m.group(1)], text) if "\\" in text else text


def tsv_cell(value: Any, col_type: str) -> str:
    """KGX TSV: lists pipe-delimited, booleans as true/false, absent values empty."""
    if value is None:
        return ""
    if col_type == "json":
        return escape(json.dumps(value, ensure_ascii=False))
    if isinstance(value, list):
        return "|".join(tsv_cell(v, "scalar") for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def _cell_writer(col_type: str) -> Callable[[Any], str]:
    if col_type == "json":
        return lambda v: tsv_cell(v, "json")
    if col_type in ("list[str]", "str|list[str]"):

        def text_list(value: Any) -> str:
            # A list of text joins directly; anything else in the column takes the general path.
            if type(value) is list:
                try:
                    return "|".join([escape(v) for v in value])
                except TypeError:
                    pass
            return tsv_cell(value, col_type)

        return text_list
    return lambda v: tsv_cell(v, col_type)


def write_tsv(
    src: Path, dest: Path, header: list[str], types: dict[str, str], *, with_header: bool = True
) -> None:
    """Write the TSV rows of the JSON Lines file `src` to `dest`, columns in `header` order."""
    spec = [(c, types[c] == "json", _cell_writer(types[c])) for c in header]
    search = _SPECIAL.search
    with src.open("rb") as fin, dest.open("w", encoding="utf-8", newline="") as fout:
        if with_header:
            fout.write("\t".join(header) + "\n")
        rows = []
        for line in fin:
            rec = orjson.loads(line)
            row = []
            for col, as_json, cell in spec:
                value = rec.get(col)
                # Most cells are absent or plain text: skip the call for them.
                if value is None:
                    row.append("")
                elif type(value) is str and not as_json:
                    row.append(value.translate(_ESCAPES) if search(value) else value)
                else:
                    row.append(cell(value))
            rows.append("\t".join(row))
            if len(rows) == 2000:
                fout.write("\n".join(rows) + "\n")
                rows.clear()
        if rows:
            fout.write("\n".join(rows) + "\n")
