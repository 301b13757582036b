"""`evigraph neo4j start|stop|status|fetch`: the local server's lifecycle."""

from __future__ import annotations

import time

import typer

from cli.common import print_json, settings
from graph.local import jars, runtime
from graph.repository import GraphStore

neo4j_app = typer.Typer(
    help="Run the local Neo4j server (ignored when EVIGRAPH_NEO4J__URI is set)."
)


def register(app: typer.Typer) -> None:
    app.add_typer(neo4j_app, name="neo4j")


@neo4j_app.command()
def start() -> None:
    """Start the local Neo4j (fetching its jars once) and wait until Bolt answers."""
    cfg = settings().neo4j
    if not cfg.managed:
        GraphStore.connect(cfg).close()  # verified: an unreachable server is an error here
        typer.echo(f"using the external Neo4j at {cfg.effective_uri}; nothing to start")
        return
    t0 = time.monotonic()
    pid = runtime.start(cfg)
    typer.echo(
        f"Neo4j ready at {cfg.effective_uri} (pid {pid}, {time.monotonic() - t0:.1f} s), "
        f"data in {cfg.home.resolve() / 'data'}"
    )
    url = runtime.browser_url(cfg)
    if url:
        typer.echo(f"Neo4j Browser at {url} (user {cfg.user}, the Neo4j password)")


@neo4j_app.command()
def stop() -> None:
    """Stop the local Neo4j with SIGTERM and wait for a clean exit."""
    cfg = settings().neo4j
    if runtime.stop(cfg):
        typer.echo("Neo4j stopped")
    else:
        typer.echo("Neo4j was not running")


@neo4j_app.command()
def status() -> None:
    """Print whether the local Neo4j runs, as JSON; exit 1 when it does not."""
    info = runtime.status(settings().neo4j)
    print_json(info)
    if info.get("managed") and not info.get("running"):
        raise typer.Exit(1)


@neo4j_app.command()
def fetch(
    force: bool = typer.Option(False, help="Download again even if the cache is fine."),
) -> None:
    """Fetch (or repair) the Neo4j jar cache from Maven Central."""
    lib = jars.ensure(settings().neo4j, force=force)
    typer.echo(f"Neo4j jars ready in {lib}")
