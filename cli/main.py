"""Entry point of the `evigraph` command."""

from __future__ import annotations

import logging
import sys

import typer

from cli import (
    db_cmd,
    extract_cmd,
    ingest_cmd,
    interop_cmd,
    models_cmd,
    neo4j_cmd,
    phenotype_cmd,
    retrieval_cmd,
    serve_cmd,
)
from cli.common import settings
from core.exceptions import EvigraphError
from core.logs import configure_logging

logger = logging.getLogger(__name__)

# Each command module adds its commands and groups through register(app); this order is their
# order in `evigraph --help` (commands first, then groups).
COMMAND_MODULES = (
    neo4j_cmd,
    ingest_cmd,
    extract_cmd,
    models_cmd,
    retrieval_cmd,
    phenotype_cmd,
    interop_cmd,
    serve_cmd,
    db_cmd,
)

app = typer.Typer(
    help="evigraph: a biomedical knowledge graph on Neo4j.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
for module in COMMAND_MODULES:
    module.register(app)


def main() -> None:
    configure_logging(settings().log_level)
    try:
        app()
    except EvigraphError as e:
        typer.secho(f"error: {e}", fg="red", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
