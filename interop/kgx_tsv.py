"""KGX TSV: the column set and types seen over a stream of KGX records, and the TSV rows.

The TSV header needs every column before the first row, so an export collects `Columns` while
it writes JSON Lines and writes the TSV from them afterwards. A column's type decides how its
cells are written: lists pipe-delimited, booleans true/false, and a column with two kinds of
value (or list items holding the pipe) as JSON text; metadata.json records the types so the
TSV reads back with them."""

from __future__ import annotations

import csv
import json
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
                if any("|" in str(v) for v in value):
                    self._tag(key, "json")  # a pipe inside an item: a pipe list would split it
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
        """One type per column: an empty list takes its column's element type; a column with
        two kinds of value, or list items holding "|", is "json" and goes to TSV as JSON text."""
        out = {}
        for col, tags in self.types.items():
            real = sorted(tags - {"list"} if len(tags) > 1 else tags)
            out[col] = real[0] if len(real) == 1 else "json"
        return out


def type_tag(value: Any) -> str:
    if isinstance(value, list):
        inner = {type(v).__name__ for v in value}
        return f"list[{inner.pop()}]" if len(inner) == 1 else "list"
    return type(value).__name__


def tsv_cell(value: Any, col_type: str) -> str:
    """KGX TSV: lists pipe-delimited, booleans as true/false, absent values empty."""
    if value is None:
        return ""
    if col_type == "json":
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "|".join(tsv_cell(v, "scalar") for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _cell_writer(col_type: str) -> Callable[[Any], str]:
    if col_type == "json":
        return lambda v: tsv_cell(v, "json")
    if col_type == "list[str]":

        def text_list(value: Any) -> str:
            # A list of text joins directly; anything else in the column takes the general path.
            if type(value) is list:
                try:
                    return "|".join(value)
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
    with src.open("rb") as fin, dest.open("w", encoding="utf-8", newline="") as fout:
        writer = csv.writer(fout, delimiter="\t", lineterminator="\n")
        if with_header:
            writer.writerow(header)
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
                    row.append(value)
                else:
                    row.append(cell(value))
            rows.append(row)
            if len(rows) == 2000:
                writer.writerows(rows)
                rows.clear()
        writer.writerows(rows)
