"""`evigraph serve`: the HTTP API under uvicorn."""

from __future__ import annotations

import os
import shutil
import sys

import typer

from cli.common import settings

EXAMPLE = (
    "curl -s -X POST http://{host}:{port}/v1/evidence -H 'Content-Type: application/json' "
    '-d \'{{"question": "Which phenotypes does Marfan syndrome show?", '
    '"seeds": ["ORPHA:558"], "max_hops": 2}}\''
)


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    workers: int = typer.Option(1, min=1, help="Worker processes (each loads its own models)."),
) -> None:
    """Serve the evidence, entity and Cypher API (OpenAPI docs at /docs)."""
    import uvicorn

    log_level = settings().log_level.lower()
    typer.echo(f"evigraph API on http://{host}:{port} (docs: http://{host}:{port}/docs)")
    typer.echo("example: " + EXAMPLE.format(host=host, port=port))
    if workers == 1:
        uvicorn.run("api.main:app_factory", factory=True, host=host, port=port, log_level=log_level)
        return
    # Each worker counts its own metrics; a shared folder lets /metrics add them up.
    folder = settings().models.var_dir / "prometheus"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    # The supervisor only watches its workers: this process is replaced by a bare uvicorn,
    # so that it does not keep the ~600 MB of torch that the CLI's imports loaded.
    argv = [sys.executable, "-m", "uvicorn", "api.main:app_factory", "--factory"]
    argv += ["--host", host, "--port", str(port), "--workers", str(workers)]
    sys.stdout.flush()
    os.execv(sys.executable, [*argv, "--log-level", log_level])
