"""`evigraph extract ...`: relation extraction runs and their write-back.

Each extractor (ade, biored, maude) registers its own command here; `runs` and `retract`
work on the ExtractionRun records that every extractor writes."""

from __future__ import annotations

import typer

from cli import ade_cmd, literature_cmd, maude_cmd
from cli.common import print_json, store
from extraction import writeback

app = typer.Typer(help="Extract relations from text and write them back as evidence.")
maude_cmd.register(app)
app.command("ade")(ade_cmd.ade)
app.command("ade-train")(ade_cmd.ade_train)
app.command("literature")(literature_cmd.literature)


@app.command("runs")
def runs(
    extractor: str | None = typer.Option(None, help="Only runs of this extractor."),
    limit: int = typer.Option(20, min=1, help="How many runs, newest first."),
) -> None:
    """List extraction runs, newest first, as JSON."""
    with store() as s:
        print_json(writeback.list_runs(s, extractor, limit))


@app.command("retract")
def retract(run: str = typer.Argument(..., help="The ExtractionRun id to remove.")) -> None:
    """Remove every statement and node that run RUN added (curated data is untouched)."""
    with store() as s:
        edges, nodes = writeback.retract_run(s, run)
    typer.echo(f"retracted {run}: {edges} relationships and {nodes} nodes removed")


def _register_extractors() -> None:
    from cli import biored_cmd

    biored_cmd.register(app)


_register_extractors()
