"""Which package may import which: evigraph's layering, written down once (ALLOWED) and
checked on every import statement of every module, function-local imports and
importlib.import_module("literal") included.

    core                                  imports no other package
    graph                                 core
    ingest, retrieval, extraction, interop core, graph (never each other)
    api                                   core, graph, retrieval, extraction, interop
    cli                                   any package
    bench, tests, scripts                 anything (not checked)

The graph's vocabulary (graph/vocabulary/) and the HPO term reader (graph/hpo_terms.py) live
in graph/ so that the packages in the middle row never need each other."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MIDDLE = frozenset({"core", "graph"})
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "graph": frozenset({"core"}),
    "ingest": MIDDLE,
    "retrieval": MIDDLE,
    "extraction": MIDDLE,
    "interop": MIDDLE,
    "api": MIDDLE | {"retrieval", "extraction", "interop"},
    "cli": frozenset({"core", "graph", "ingest", "retrieval", "extraction", "interop", "api"}),
}
PACKAGES = frozenset(ALLOWED)
# Top-level folders with an __init__.py that the rule leaves alone: cypher/ holds only .cypher
# files (graph/queries.py reads them as package data); bench/ and tests/ may import anything.
UNCHECKED = frozenset({"cypher", "bench", "tests"})


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `tree`, at any depth; relative imports
    stay inside their own package and are left out."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and _is_import_module(node.func) and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append((node.lineno, arg.value))
    return sorted(found)


def _is_import_module(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("import_module", "__import__")


def violations_in(package: str, path: str, source: str) -> list[str]:
    out = []
    for line, module in imported_modules(ast.parse(source, filename=path)):
        top = module.split(".")[0]
        if top in PACKAGES and top != package and top not in ALLOWED[package]:
            allowed = ", ".join(sorted(ALLOWED[package])) or "nothing"
            out.append(
                f"{path}:{line}: {package} imports {module} ({package} may import {allowed})"
            )
    return out


def violations(root: Path) -> list[str]:
    out: list[str] = []
    for package in sorted(PACKAGES):
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            out += violations_in(package, rel, path.read_text(encoding="utf-8"))
    return out


def test_no_package_imports_one_it_should_not() -> None:
    found = violations(ROOT)
    assert not found, "imports against the layering:\n" + "\n".join(found)


def test_every_package_has_a_place_in_the_layering() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages - UNCHECKED == PACKAGES


def test_the_check_sees_local_and_importlib_imports() -> None:
    source = (
        "import core.settings\n"
        "from graph.vocabulary import NodeLabel\n"
        "def f():\n"
        "    from ingest.rows import NodeRow\n"
        "    return importlib.import_module('interop.kgx')\n"
        "from . import sibling\n"
    )
    found = violations_in("extraction", "extraction/x.py", source)
    assert [v.split(" (")[0] for v in found] == [
        "extraction/x.py:4: extraction imports ingest.rows",
        "extraction/x.py:5: extraction imports interop.kgx",
    ]
    assert violations_in("cli", "cli/x.py", source) == []
    assert [v.split(":")[1] for v in violations_in("core", "core/x.py", source)] == ["2", "4", "5"]
