"""`evigraph serve`: the HTTP API under uvicorn."""

from __future__ import annotations

import os
import shutil

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

    if workers > 1:
        # Each worker counts its own metrics; a shared folder lets /metrics add them up.
        folder = settings().models.var_dir / "prometheus"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    typer.echo(f"evigraph API on http://{host}:{port} (docs: http://{host}:{port}/docs)")
    typer.echo("example: " + EXAMPLE.format(host=host, port=port))
    uvicorn.run(
        "api.main:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings().log_level.lower(),
    )
