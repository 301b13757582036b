"""The analyst library: documented, parameterised read-only queries in cypher/analyst/.

Each file opens with a comment block: the first lines say what the query answers, then one
line per parameter:

    // @param disease: str            a disease CURIE, e.g. ORPHA:558
    // @param limit: int = 100        the most rows returned

A parameter without a default is required; `= null` makes it optional. Values given as text
(the CLI's `--param k=v`) are converted to the declared type. Queries run in a read
transaction, so a query that tried to write would be refused by the server."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.exceptions import GraphError
from graph import queries
from graph.repository import GraphStore, Record

GROUP = "analyst"
TYPES = ("str", "int", "float", "bool", "list[str]")
_PARAM = re.compile(
    r"^//\s*@param\s+(?P<name>\w+)\s*:\s*(?P<type>[\w\[\]]+)"
    r"(?:\s*=\s*(?P<default>\S+))?\s*(?P<doc>.*)$"
)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    doc: str
    required: bool
    default: Any = None


@dataclass(frozen=True)
class AnalystQuery:
    name: str
    description: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "params": [
                {
                    "name": p.name,
                    "type": p.type,
                    "required": p.required,
                    "default": p.default,
                    "doc": p.doc,
                }
                for p in self.params
            ],
        }


def catalog() -> list[AnalystQuery]:
    return [describe(name.removeprefix(f"{GROUP}/")) for name in queries.catalog(GROUP)]


def describe(name: str) -> AnalystQuery:
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise GraphError(f"analyst query {name!r}: names are lower-case words joined by _")
    text = queries.load(f"{GROUP}/{name}")
    doc: list[str] = []
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        m = _PARAM.match(line)
        if m:
            params.append(_param(name, m))
        elif not params:
            doc.append(line.lstrip("/ ").strip())
    return AnalystQuery(name, " ".join(d for d in doc if d), tuple(params))


def _param(query: str, m: re.Match[str]) -> Param:
    kind, raw = m["type"], m["default"]
    if kind not in TYPES:
        raise GraphError(f"analyst query {query!r}: parameter {m['name']} has type {kind!r}")
    if raw is None:
        return Param(m["name"], kind, m["doc"].strip(), required=True)
    default = None if raw == "null" else convert(query, m["name"], kind, raw)
    return Param(m["name"], kind, m["doc"].strip(), required=False, default=default)


def convert(query: str, name: str, kind: str, value: Any) -> Any:
    """`value` as the declared type; text is parsed, typed values are checked."""
    try:
        if kind == "list[str]":
            items = value.split(",") if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
                raise ValueError(value)
            return [v.strip() for v in items if v.strip()]
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if str(value).lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(value)
            return str(value).lower() in ("true", "1", "yes")
        if kind == "int" and not isinstance(value, bool):
            return int(value)
        if kind == "float" and not isinstance(value, bool):
            return float(value)
        if kind == "str" and isinstance(value, str | int | float):
            return str(value)
    except (TypeError, ValueError):
        pass
    raise GraphError(f"analyst query {query!r}: parameter {name} must be {kind}, got {value!r}")


def bind(query: AnalystQuery, given: dict[str, Any]) -> dict[str, Any]:
    """The full parameter map: given values converted, defaults filled in, nothing unknown."""
    known = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise GraphError(
            f"analyst query {query.name!r} has no parameter {', '.join(unknown)} "
            f"(it takes: {', '.join(known) or 'none'})"
        )
    out: dict[str, Any] = {}
    for p in query.params:
        if p.name in given and given[p.name] is not None:
            out[p.name] = convert(query.name, p.name, p.type, given[p.name])
        elif p.required:
            raise GraphError(f"analyst query {query.name!r} needs parameter {p.name}: {p.doc}")
        else:
            out[p.name] = p.default
    return out


def run(store: GraphStore, name: str, given: dict[str, Any]) -> list[Record]:
    """Run analyst query `name` read-only with `given` parameters."""
    query = describe(name)
    return store.read_only(f"{GROUP}/{name}", **bind(query, given))
