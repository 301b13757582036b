"""`evigraph extract literature PATH...`: ADE and BioRED over PubMed/MEDLINE XML, PubTator,
BioC and JSON Lines, locally or on Ray, written back through shards (registered in
cli/extract_cmd.py)."""

from __future__ import annotations

import functools
import json
import sys
from dataclasses import asdict
from pathlib import Path

import typer

from cli.common import print_json, settings, store

ENGINES = ("local", "ray")


def register(app: typer.Typer) -> None:
    app.command("literature")(literature)


def _names(raw: str) -> list[str]:
    from extraction.literature.extractors import trained

    if raw == "auto":
        names = trained(settings())
        if not names:
            raise typer.BadParameter(
                "no trained extractor: run `evigraph extract ade-train` (or biored-train)",
                param_hint="--extractors",
            )
        return names
    return [n.strip() for n in raw.split(",") if n.strip()]


def literature(
    paths: list[Path] = typer.Argument(
        ...,
        help="Files or folders: PubMed/MEDLINE XML (.xml, .xml.gz), PubTator, BioC XML or "
        "JSON, JSON Lines {id, text}; the format is read from the content.",
    ),
    extractors: str = typer.Option(
        "auto", help="ade, biored or ade,biored; auto: every extractor whose model is trained."
    ),
    engine: str = typer.Option("local", help="local (this process) or ray (Ray Data)."),
    ray_address: str | None = typer.Option(
        None, help="Join this Ray cluster (HOST:PORT or ray://HOST:PORT); default: local Ray."
    ),
    ray_workers: int = typer.Option(1, min=1, help="Ray actors (one CPU and one model each)."),
    write: bool = typer.Option(False, "--write", help="Load the statements into the graph."),
    batch_size: int = typer.Option(128, min=1, help="Documents per batch (and per shard)."),
    gate: bool | None = typer.Option(
        None,
        "--gate/--no-gate",
        help="ADE sentence gate (default: on when one is trained; it wins on dev once sentences "
        "that report no adverse event are included).",
    ),
    out: Path | None = typer.Option(None, help="Shard folder (default <var>/literature)."),
    summary_file: Path | None = typer.Option(
        None, "--summary", help="Also write the run's JSON summary to this file when it ends."
    ),
) -> None:
    """Extract adverse drug events (ADE, raw text) and BioRED relations (documents with entity
    annotations) from literature files; shards go to <out>/<run>/, --write loads them into
    the graph as one ExtractionRun. Documents the same model version already read are
    skipped, so a run that was stopped is simply started again."""
    from extraction.literature import engines
    from extraction.literature.extractors import load_extractors
    from extraction.literature.job import LiteratureJob

    if engine not in ENGINES:
        raise typer.BadParameter(f"--engine must be local or ray, not {engine!r}")
    cfg = settings()
    names = _names(extractors)
    if engine == "ray":
        engines.start_ray(ray_address, cfg.models.torch_threads)
    models = load_extractors(names, cfg, gate)  # the driver's copy: model versions, skipping
    points = {m.name: m.operating_point for m in models if hasattr(m, "operating_point")}
    for name, point in points.items():
        typer.echo(f"{name} operating point: {json.dumps(point)}", err=True)
    if engine == "ray":
        factory = functools.partial(load_extractors, names, None, gate)
        run_engine, window = engines.ray_engine(factory, ray_workers), 256
    else:
        run_engine, window = engines.local_engine(models), 1
    root = out or cfg.models.var_dir / "literature"
    if write:
        with store() as s:
            summary = LiteratureJob(models, run_engine, s, root, batch_size, window).run(paths)
    else:
        summary = LiteratureJob(models, run_engine, None, root, batch_size, window).run(paths)
    for line in summary.problems + summary.failed:
        typer.secho(f"skipped {line}", fg="yellow", err=True)
    _table(summary)
    body = asdict(summary) | {"problems": summary.problems[:50], "failed": summary.failed[:50]}
    body["operating_point"] = points
    if summary_file is not None:
        summary_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = summary_file.with_name(summary_file.name + ".tmp")
        tmp.write_text(json.dumps(body, indent=2, default=str) + "\n", encoding="utf-8")
        tmp.replace(summary_file)
    print_json(body)


def _table(summary: object) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="extract literature", show_header=False)
    for key, value in asdict(summary).items():  # type: ignore[call-overload]
        table.add_row(key, str(len(value)) if isinstance(value, list) else str(value))
    Console(file=sys.stderr).print(table)
