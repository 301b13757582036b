"""Entry point of the `evigraph` command."""

from __future__ import annotations

import logging
import sys

import typer

from cli import (
    extract_cmd,
    ingest_cmd,
    interop_cmd,
    models_cmd,
    neo4j_cmd,
    phenotype_cmd,
    retrieval_cmd,
    serve_cmd,
)
from cli.common import print_json, settings, store
from core.exceptions import EvigraphError
from core.logs import configure_logging
from graph import checksum, schema

logger = logging.getLogger(__name__)

app = typer.Typer(
    help="evigraph: a biomedical knowledge graph on Neo4j.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(neo4j_cmd.app, name="neo4j")
app.add_typer(ingest_cmd.app, name="ingest")
app.add_typer(extract_cmd.app, name="extract")
app.add_typer(models_cmd.app, name="models")
app.add_typer(retrieval_cmd.qa_app, name="qa")
app.add_typer(retrieval_cmd.caff_app, name="caff")
app.add_typer(phenotype_cmd.app, name="phenotype")
app.command("evidence")(retrieval_cmd.evidence)
app.command("embeddings")(retrieval_cmd.embeddings_build)
app.add_typer(interop_cmd.export_app, name="export")
app.add_typer(interop_cmd.import_app, name="import")
app.command("validate")(interop_cmd.validate_cmd)
app.command("cypher")(interop_cmd.cypher_cmd)
app.command("serve")(serve_cmd.serve)
db_app = typer.Typer(help="Database schema.")
app.add_typer(db_app, name="db")


@db_app.command("init")
def db_init() -> None:
    """Apply the constraints and indexes of cypher/schema/ (a no-op when present)."""
    with store() as s:
        created = schema.apply_schema(s)
    typer.echo(
        f"schema applied: {len(created)} created" + (f" ({', '.join(created)})" if created else "")
    )


@app.command()
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


def main() -> None:
    configure_logging(settings().log_level)
    try:
        app()
    except EvigraphError as e:
        typer.secho(f"error: {e}", fg="red", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
