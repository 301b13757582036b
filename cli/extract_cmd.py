"""`evigraph extract ...`: relation extraction runs and their write-back.

Each extractor (ade, biored, maude) registers its own command here; `runs` and `retract`
work on the ExtractionRun records that every extractor writes."""

from __future__ import annotations

import typer

from cli import ade_cmd, biored_cmd, literature_cmd, maude_cmd
from cli.common import print_json, store
from extraction import writeback


def register(app: typer.Typer) -> None:
    extract_app = typer.Typer(help="Extract relations from text and write them back as evidence.")
    for extractor in (maude_cmd, ade_cmd, literature_cmd):
        extractor.register(extract_app)
    extract_app.command("runs")(runs)
    extract_app.command("retract")(retract)
    biored_cmd.register(extract_app)
    app.add_typer(extract_app, name="extract")


def runs(
    extractor: str | None = typer.Option(None, help="Only runs of this extractor."),
    limit: int = typer.Option(20, min=1, help="How many runs, newest first."),
) -> None:
    """List extraction runs, newest first, as JSON."""
    with store() as s:
        print_json(writeback.list_runs(s, extractor, limit))


def retract(run: str = typer.Argument(..., help="The ExtractionRun id to remove.")) -> None:
    """Remove every statement and node that run RUN added (curated data is untouched)."""
    with store() as s:
        edges, nodes = writeback.retract_run(s, run)
    typer.echo(f"retracted {run}: {edges} relationships and {nodes} nodes removed")
