"""The README's command and endpoint tables against the code: every command of the typer app
(sub-typers included) and every route of the FastAPI app appears in its table, and each table
lists nothing that does not exist. The app is built without starting Neo4j."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from typer.main import get_command

from api.main import create_app
from cli.main import app as cli_app
from core.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"
HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def command_paths(command: Any, prefix: tuple[str, ...] = ()) -> set[str]:
    """'ingest all', 'extract ade', 'stats', ...: the leaf commands of a click group."""
    subcommands: dict[str, Any] | None = getattr(command, "commands", None)
    if subcommands is None:
        return {" ".join(prefix)}
    paths: set[str] = set()
    for name, sub in subcommands.items():
        paths |= command_paths(sub, (*prefix, name))
    return paths


def app_routes() -> set[str]:
    """'GET /healthz', ...: the app's documented routes (FastAPI's own /docs pages aside)."""
    schema = create_app(Settings()).openapi()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method.upper() in HTTP_METHODS
    }


def first_cells(markdown: str, heading: str) -> list[str]:
    """The text inside the first backticks of each row's first cell, in the first table under
    `## heading`."""
    section = ("\n" + markdown).split(f"\n## {heading}\n", 1)
    assert len(section) == 2, f"README.md has no '## {heading}' section"
    body = section[1].split("\n## ", 1)[0]
    cells: list[str] = []
    in_table = False
    for line in body.splitlines():
        if not line.startswith("|"):
            if in_table:
                break
            continue
        in_table = True
        first = line.split("|")[1].strip()
        code = re.match(r"`([^`]+)`", first)
        if code:
            cells.append(code.group(1))
    return cells


def readme_commands(markdown: str) -> list[str]:
    cells = first_cells(markdown, "The command line")
    assert all(c.startswith("evigraph ") for c in cells), cells
    return [c.removeprefix("evigraph ") for c in cells]


def test_command_paths_walk_the_sub_typers() -> None:
    paths = command_paths(get_command(cli_app))
    assert {"stats", "ingest all", "extract ade", "neo4j start", "db init"} <= paths
    assert "ingest" not in paths


def test_the_readme_lists_every_cli_command_and_no_other() -> None:
    listed = readme_commands(README.read_text(encoding="utf-8"))
    actual = command_paths(get_command(cli_app))
    assert sorted(set(actual) - set(listed)) == [], "commands missing from the README table"
    assert sorted(set(listed) - actual) == [], "README rows that name no command"
    assert len(listed) == len(set(listed)), "a command listed twice"


def test_the_readme_lists_every_endpoint_and_no_other() -> None:
    listed = first_cells(README.read_text(encoding="utf-8"), "The HTTP API")
    actual = app_routes()
    assert sorted(actual - set(listed)) == [], "endpoints missing from the README table"
    assert sorted(set(listed) - actual) == [], "README rows that name no route"
    assert len(listed) == len(set(listed)), "an endpoint listed twice"


def test_a_table_missing_a_command_is_caught() -> None:
    table = "## The command line\n\n| command | x |\n| --- | --- |\n| `evigraph stats` | y |\n"
    assert readme_commands(table) == ["stats"]
    assert command_paths(get_command(cli_app)) - {"stats"}
