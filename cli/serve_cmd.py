"""`evigraph serve`: the HTTP API under uvicorn."""

from __future__ import annotations

import os
import shutil

import typer

from cli.common import settings
from core.exceptions import ConfigError
from graph.local.process import port_in_use

EXAMPLE = (
    "curl -s -X POST http://{host}:{port}/v1/evidence -H 'Content-Type: application/json' "
    '-d \'{{"question": "Which phenotypes does Marfan syndrome show?", '
    '"seeds": ["ORPHA:558"], "max_hops": 2}}\''
)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def check_port(host: str, port: int) -> None:
    """A clear one-line error, before any model loads, when something already listens there."""
    if port_in_use(port, host):
        raise ConfigError(
            f"port {port} on {host} is already in use by another process; stop it or choose "
            "another port with EVIGRAPH_API__PORT (or `evigraph serve --port`)."
        )


def serve(
    host: str | None = typer.Option(None, help="Interface to bind (default: api.host)."),
    port: int | None = typer.Option(
        None, min=1, max=65535, help="TCP port (default: api.port, EVIGRAPH_API__PORT)."
    ),
    workers: int = typer.Option(1, min=1, help="Worker processes (each loads its own models)."),
) -> None:
    """Serve the evidence, entity and Cypher API (OpenAPI docs at /docs)."""
    import uvicorn

    cfg = settings()
    host = host or cfg.api.host
    port = port or cfg.api.port
    check_port(host, port)
    if workers > 1:
        # Each worker counts its own metrics; a shared folder lets /metrics add them up.
        folder = cfg.models.var_dir / "prometheus"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    shown = "127.0.0.1" if host == "0.0.0.0" else host
    typer.echo(f"evigraph API on http://{shown}:{port} (docs: http://{shown}:{port}/docs)")
    typer.echo("example: " + EXAMPLE.format(host=shown, port=port))
    uvicorn.run(
        "api.main:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=cfg.log_level.lower(),
    )
