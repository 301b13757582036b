"""The Cypher catalog: one parameterised query per cypher/<group>/<verb_noun>.cypher file."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import LiteralString

from core.exceptions import GraphError


@cache
def load(name: str) -> LiteralString:
    """The text of cypher/<name>.cypher, e.g. load("graph/count_nodes")."""
    path = resources.files("cypher").joinpath(*f"{name}.cypher".split("/"))
    if not path.is_file():
        raise GraphError(f"no Cypher query named {name!r} (expected cypher/{name}.cypher)")
    # mypy treats LiteralString as str; the files are package data, never request text.
    text: LiteralString = path.read_text(encoding="utf-8").strip()
    return text


def statements(name: str) -> list[LiteralString]:
    """The statements of a multi-statement file (schema files), split on ';' at line ends."""
    text = load(name)
    parts = [p.strip() for p in text.split(";\n")]
    cleaned: list[LiteralString] = [_strip_comments(p) for p in parts if _has_code(p)]
    return cleaned


def catalog(group: str) -> list[str]:
    """Names of every query file under cypher/<group>/, sorted."""
    folder = resources.files("cypher").joinpath(group)
    return sorted(
        f"{group}/{entry.name.removesuffix('.cypher')}"
        for entry in folder.iterdir()
        if entry.name.endswith(".cypher")
    )


def _has_code(part: str) -> bool:
    return any(line.strip() and not line.strip().startswith("//") for line in part.splitlines())


def _strip_comments(part: LiteralString) -> LiteralString:
    lines = [ln for ln in part.splitlines() if not ln.strip().startswith("//")]
    return "\n".join(lines).rstrip(";").strip()
