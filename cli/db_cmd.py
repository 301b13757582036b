"""`evigraph db init` and `evigraph stats`: the schema and the counts of the graph."""

from __future__ import annotations

import typer

from cli.common import print_json, store
from graph import checksum, schema

db_app = typer.Typer(help="Database schema.")


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)
    app.add_typer(db_app, name="db")


@db_app.command("init")
def db_init() -> None:
    """Apply the constraints and indexes of cypher/schema/ (a no-op when present)."""
    with store() as s:
        created = schema.apply_schema(s)
    typer.echo(
        f"schema applied: {len(created)} created" + (f" ({', '.join(created)})" if created else "")
    )


def stats(
    with_checksum: bool = typer.Option(
        False, "--checksum", help="Add a content hash over all nodes and edges."
    ),
) -> None:
    """Print node counts per label and relationship counts per type as JSON."""
    with store() as s:
        out: dict[str, object] = dict(s.stats())
        if with_checksum:
            out["checksum"] = checksum.checksum(s)["checksum"]
        print_json(out)
