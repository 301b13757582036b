"""`evigraph models status|train|stop`: the extraction models' background training job."""

from __future__ import annotations

import typer

from cli.common import print_json, settings
from extraction import jobs, readiness

models_app = typer.Typer(help="The extraction models (ade, biored, maude) and their training job.")


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")


@models_app.command()
def status() -> None:
    """Each model's state as JSON: ready (version), training (step, epoch, elapsed, ETA),
    queued, failed (the log's last lines) or missing."""
    print_json(readiness.all_states(settings()))


@models_app.command()
def train(
    foreground: bool = typer.Option(
        False, "--foreground", help="Run the steps here and wait (default: a background job)."
    ),
) -> None:
    """Train every extraction model that is missing, as a background job that outlives the
    terminal (one at a time; a second call while it runs does nothing)."""
    cfg = settings()
    paths = readiness.job_paths(cfg)
    missing = [n for n in readiness.MODELS if not readiness.trained(n, cfg)]
    if not missing:
        typer.echo("extraction models ready: " + ", ".join(readiness.MODELS))
        return
    if foreground:
        jobs.write_spec(paths, readiness.training_steps(cfg))
        raise typer.Exit(jobs.run(paths))
    pid = jobs.start(paths, readiness.training_steps(cfg))
    if pid is None:
        typer.echo(f"a training job already runs (pid {jobs.read_pid(paths)}); log {paths.log}")
        return
    typer.echo(
        f"training {', '.join(missing)} in the background (pid {pid}); log {paths.log}, "
        "progress: `evigraph models status`, stop: `evigraph models stop`"
    )


@models_app.command()
def stop() -> None:
    """Stop the training job (the models already trained stay)."""
    paths = readiness.job_paths(settings())
    typer.echo("training job stopped" if jobs.stop(paths) else "no training job was running")
