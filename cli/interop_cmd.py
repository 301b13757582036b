"""`evigraph export / import / validate / cypher`: interchange files, the Biolink check and the
analyst query library."""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer

from cli.common import print_json, settings, store
from graph import analyst
from graph.vocabulary import EVIGRAPH_INFORES, SOURCE_INFORES
from interop import kgx_check, kgx_export, kgx_import, rdf_export, validate

export_app = typer.Typer(help="Export the graph as KGX or RDF.", no_args_is_help=True)
import_app = typer.Typer(help="Import interchange files into the graph.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
    app.add_typer(import_app, name="import")
    app.command("validate")(validate_cmd)
    app.command("cypher")(cypher_cmd)


SOURCES = SOURCE_INFORES | {"evigraph": EVIGRAPH_INFORES, "extraction": EVIGRAPH_INFORES}


@export_app.command("kgx")
def export_kgx(
    out: Path = typer.Option(..., "--out", help="Folder for nodes/edges .tsv and .jsonl."),
    filters: list[str] = typer.Option(
        [],
        "--filter",
        help="source=NAME (hpo, hpoa, orphanet, omim, evigraph or an infores "
        "id) or category=biolink:X; repeat for alternatives.",
    ),
    processes: int = typer.Option(
        2, "--processes", min=1, max=2, help="2: the edges in two halves, one in a worker."
    ),
    check: bool = typer.Option(
        False,
        "--validate",
        help="Then run kgx's validator offline on the files (needs `make kgx-venv`); "
        "print error counts by type, exit 1 on errors.",
    ),
    formats: list[str] = typer.Option(
        ["tsv", "jsonl"], "--validate-format", help="Which files --validate reads."
    ),
) -> None:
    """KGX TSV (pipe-delimited multi-values) and KGX JSON Lines, streamed from Neo4j."""
    flt = kgx_export.parse_filters(filters, SOURCES)
    started = time.monotonic()
    with store() as s:
        res = kgx_export.export_kgx(s, out, flt, processes=processes)
    typer.echo(
        f"exported {res.nodes} nodes and {res.edges} edges to {out} "
        f"in {time.monotonic() - started:.1f} s",
        err=True,
    )
    if check:
        cfg = settings().interop
        bad = [f for f in formats if f not in ("tsv", "jsonl")]
        if bad:
            raise typer.BadParameter(f"{bad}: tsv or jsonl", param_hint="--validate-format")
        report = kgx_check.run_kgx_validator(
            out, cfg.kgx_python, tuple(formats), cfg.kgx_validate_timeout_s
        )
        typer.echo(report.text())
        if report.errors:
            raise typer.Exit(1)


@export_app.command("rdf")
def export_rdf(
    out: Path = typer.Option(..., "--out", help="The RDF file to write."),
    fmt: str = typer.Option("turtle", "--format", help="turtle, nt or json-ld."),
) -> None:
    """Nodes and statements as RDF, each statement reified with its PROV-O provenance."""
    started = time.monotonic()
    with store() as s:
        res = rdf_export.export_rdf(s, out, fmt)
    typer.echo(
        f"exported {res.nodes} nodes, {res.statements} statements and {res.runs} runs to {out} "
        f"({res.format}) in {time.monotonic() - started:.1f} s",
        err=True,
    )


@import_app.command("kgx")
def import_kgx(
    folder: Path = typer.Argument(..., help="A folder with nodes/edges .jsonl or .tsv."),
    fmt: str = typer.Option("auto", "--format", help="jsonl, tsv or auto (jsonl if present)."),
) -> None:
    """Load a KGX export back into the graph (checked in full before the first write)."""
    with store() as s:
        res = kgx_import.import_kgx(s, folder, fmt, settings().ingest.batch_size)
    typer.echo(f"imported {res.nodes} nodes and {res.edges} edges ({res.format})", err=True)


def validate_cmd(
    as_json: bool = typer.Option(False, "--json", help="The report as JSON."),
) -> None:
    """Check the graph against the Biolink rules evigraph relies on; exit 1 on violations."""
    with store() as s:
        report = validate.validate(s)
    if as_json:
        print_json(report.as_dict())
    else:
        typer.echo(report.text())
    if not report.ok:
        raise typer.Exit(1)


def cypher_cmd(
    name: str | None = typer.Argument(None, help="An analyst query (see --list)."),
    params: list[str] = typer.Option([], "--param", help="k=v; repeat for each parameter."),
    list_queries: bool = typer.Option(False, "--list", help="List the queries and parameters."),
) -> None:
    """Run a query of the analyst library (cypher/analyst/) in a read-only transaction."""
    if list_queries or name is None:
        for q in analyst.catalog():
            typer.echo(f"{q.name}: {q.description}")
            for p in q.params:
                default = "required" if p.required else f"default {json.dumps(p.default)}"
                typer.echo(f"    --param {p.name}=<{p.type}>  ({default}) {p.doc}")
        return
    given: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{item!r}: expected k=v", param_hint="--param")
        given[key] = value
    with store() as s:
        print_json(analyst.run(s, name, given))
