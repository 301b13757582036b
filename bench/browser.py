"""Neo4j Browser checked as a person would use it: a throw-away local server with the Browser on
(`evigraph neo4j start` in a temporary home, the schema, the small ingest fixtures of tests/data
loaded with `evigraph ingest`), then a headless Chromium opens the Browser URL, logs in, types an
analyst query with its parameters into the editor, runs it and reads the result table, which
must hold the rows `evigraph cypher` returns for the same query. A harness, not a timed test:

    .venv/bin/python -m bench.browser [--existing] [--bolt-port P --http-port P]

--existing uses the local server the EVIGRAPH_* settings describe (it must be running with the
Browser on) and whatever graph it holds, and stops nothing. It prints a JSON summary, saves a
screenshot (results/browser.png) and exits 1 with the reason when a step fails."""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import browser_page as page
from bench.cdp import BrowserCheckError, Chromium, find_chromium
from core.settings import get_settings
from graph import analyst, queries

ROOT = Path(__file__).resolve().parents[1]
EVIGRAPH = [sys.executable, "-c", "import sys; from cli.main import main; sys.exit(main())"]
DATA = ROOT / "tests" / "data"
MIM2GENE = str(DATA / "omim" / "mim2gene_sample.txt")
HPO_FILES = (
    ("--obo", "hp.obo"),
    ("--hpoa", "phenotype.hpoa"),
    ("--g2p", "genes_to_phenotype.txt"),
    ("--p2g", "phenotype_to_genes.txt"),
)
FIXTURES = (
    ("ingest", "hpo", *[a for opt, name in HPO_FILES for a in (opt, str(DATA / "hpo" / name))]),
    ("ingest", "omim", "--mim2gene", MIM2GENE),
    ("ingest", "orphanet", str(DATA / "orphanet" / "packets"), "--mim2gene", MIM2GENE),
)
# Marfan syndrome's phenotypes: 68 rows on the fixtures, arachnodactyly among them.
QUERY = "list_disease_phenotypes"
PARAMS: dict[str, Any] = {"disease": "ORPHA:558"}
KEY = "phenotype"
MUST_SHOW = ("HP:0001166", "Arachnodactyly")
SCREENSHOT = ROOT / "results" / "browser.png"


@dataclass
class Server:
    bolt_port: int
    http_port: int
    user: str
    password: str
    env: dict[str, str]
    log: Path
    printed_url: str | None = None


def browser_url(http_port: int, bolt_port: int, user: str) -> str:
    """The Browser's address with its connect form filled in (`dbms`) but for the password."""
    query = urlencode({"dbms": f"bolt://{user}@127.0.0.1:{bolt_port}"})
    return f"http://127.0.0.1:{http_port}/browser/?{query}"


def cypher_literal(value: Any) -> str:
    """`value` as a Cypher literal, for the Browser's `:param name => value` command."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    raise TypeError(f"no Cypher literal for {value!r}")


def param_commands(params: dict[str, Any]) -> list[str]:
    """One `:param` command per parameter; `=>` makes the server evaluate it, so 200 stays an
    integer (the map form `:params {limit: 200}` sends the float 200.0, which LIMIT refuses)."""
    return [f":param {name} => {cypher_literal(v)}" for name, v in params.items()]


def evigraph(server: Server, *args: str) -> str:
    """`evigraph ARGS` with the server's settings; its stdout, or a BrowserCheckError."""
    with server.log.open("ab") as log:
        log.write(f"\n$ evigraph {' '.join(args)}\n".encode())
        out = subprocess.run([*EVIGRAPH, *args], cwd=ROOT, env=server.env, capture_output=True)
        log.write(out.stdout + out.stderr)
    if out.returncode != 0:
        tail = out.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise BrowserCheckError(f"evigraph {' '.join(args[:2])} exited {out.returncode}: {tail}")
    return out.stdout.decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def throwaway_server(work: Path, bolt_port: int, http_port: int) -> Iterator[Server]:
    """A local server in `work` with the Browser on and the fixtures loaded; stopped after."""
    cfg = get_settings().neo4j
    env = os.environ | {
        "EVIGRAPH_NEO4J__HOME": str(work / "neo4j"),
        "EVIGRAPH_NEO4J__LIB_DIR": str(cfg.lib_dir.resolve()),
        "EVIGRAPH_NEO4J__BROWSER_DIR": str(cfg.browser_dir.resolve()),
        "EVIGRAPH_NEO4J__BROWSER": "true",
        "EVIGRAPH_NEO4J__BOLT_PORT": str(bolt_port),
        "EVIGRAPH_NEO4J__HTTP_PORT": str(http_port),
        "EVIGRAPH_NEO4J__PASSWORD": secrets.token_urlsafe(12),
        "EVIGRAPH_NEO4J__HEAP": "1g",
        "EVIGRAPH_NEO4J__PAGECACHE": "256m",
        "EVIGRAPH_INGEST__BULK_IMPORT": "false",  # a few rows: no stop and restart for them
        "EVIGRAPH_LOG_LEVEL": "WARNING",
    }
    env.pop("EVIGRAPH_NEO4J__URI", None)
    server = Server(
        bolt_port, http_port, cfg.user, env["EVIGRAPH_NEO4J__PASSWORD"], env, work / "evigraph.log"
    )
    try:
        started = evigraph(server, "neo4j", "start")
        found = re.search(r"Neo4j Browser at (\S+)", started)
        if not found:
            raise BrowserCheckError(
                f"the server started without Neo4j Browser (no jar in {cfg.browser_dir}?); "
                f"see {work / 'neo4j' / 'logs' / 'console.log'}"
            )
        server.printed_url = found[1]
        evigraph(server, "db", "init")
        for args in FIXTURES:
            evigraph(server, *args)
        yield server
    finally:
        try:
            evigraph(server, "neo4j", "stop")
        except BrowserCheckError as e:  # say so, but keep the error that brought us here
            print(f"warning: {e}", file=sys.stderr)


def existing_server(work: Path) -> Server:
    """The running local server of the current settings, which must serve the Browser."""
    cfg = get_settings().neo4j
    server = Server(
        cfg.bolt_port,
        cfg.http_port,
        cfg.user,
        cfg.password.get_secret_value(),
        dict(os.environ),
        work / "evigraph.log",
    )
    status = json.loads(evigraph(server, "neo4j", "status"))
    server.printed_url = status.get("browser")
    if not server.printed_url:
        raise BrowserCheckError(f"the server at {cfg.effective_uri} does not serve the Browser")
    return server


def expected_rows(server: Server) -> list[dict[str, Any]]:
    """What `evigraph cypher` answers for the query: the rows the Browser must show."""
    args = [f"--param={name}={value}" for name, value in PARAMS.items()]
    rows: list[dict[str, Any]] = json.loads(evigraph(server, "cypher", QUERY, *args))
    if not rows:
        raise BrowserCheckError(f"{QUERY} {PARAMS} is empty on this graph; nothing to check")
    return rows


def check_browser(chromium: Chromium, server: Server, timeout: float, out: dict[str, Any]) -> None:
    """Log in, run the query with its parameters, compare the table with `evigraph cypher`;
    what was seen goes into `out` as it happens, so a failure still reports how far it got."""
    want = expected_rows(server)
    out["url"] = browser_url(server.http_port, server.bolt_port, server.user)
    # every parameter, defaults included: the Browser knows nothing of the @param comments
    params = analyst.bind(analyst.describe(QUERY), PARAMS)
    out.update(query=QUERY, params=params, rows_expected=len(want))
    chromium.open(out["url"])
    out["connected"] = page.login(chromium, server.user, server.password, timeout)
    out["logged_in"] = True
    for command in param_commands(params):
        page.run_command(chromium, command, "Successfully set your parameter", timeout)
    frame = page.run_command(chromium, queries.load(f"analyst/{QUERY}"), "completed after", timeout)
    seen = page.column_values(frame["head"], frame["rows"], KEY)
    out.update(status_bar=frame["status"], rows_seen=len(seen))
    out["records_streamed"] = page.streamed_records(frame["status"])
    if sorted(seen) != sorted(str(r[KEY]) for r in want):
        raise BrowserCheckError(f"the table's {KEY} column differs from evigraph cypher's rows")
    if out["records_streamed"] != len(want):
        raise BrowserCheckError(f"the status bar says {frame['status']!r}, not {len(want)} rows")
    page.show_row(chromium, MUST_SHOW)  # fails when no row shows them
    out["row_shown"] = list(MUST_SHOW)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__.split("\n")[0])
    p.add_argument(
        "--existing",
        action="store_true",
        help="use the running local server of the EVIGRAPH_* settings and its graph",
    )
    p.add_argument("--bolt-port", type=int, default=0, help="throw-away server (default: free)")
    p.add_argument("--http-port", type=int, default=0, help="throw-away server (default: free)")
    p.add_argument("--chromium", help="Chromium executable (default: chromium on PATH)")
    p.add_argument("--screenshot", type=Path, default=SCREENSHOT)
    p.add_argument("--timeout", type=float, default=60.0, help="seconds for each page step")
    return p.parse_args(argv)


def run(args: argparse.Namespace, work: Path, out: dict[str, Any]) -> None:
    exe = find_chromium(args.chromium)
    t0 = time.monotonic()
    server_cm: AbstractContextManager[Server] = (
        nullcontext(existing_server(work))
        if args.existing
        else throwaway_server(work, args.bolt_port or free_port(), args.http_port or free_port())
    )
    with server_cm as server:
        out["server_and_load_s"] = round(time.monotonic() - t0, 1)
        out["printed_url"] = server.printed_url
        t1 = time.monotonic()
        chromium = Chromium(exe, work / "chromium.log")
        try:
            check_browser(chromium, server, args.timeout, out)
        finally:
            out["browser_s"] = round(time.monotonic() - t1, 1)
            _screenshot(chromium, args.screenshot, out)
            chromium.close()


def _screenshot(chromium: Chromium, path: Path, out: dict[str, Any]) -> None:
    try:
        chromium.screenshot(path)
        out["screenshot"] = str(path)
    except BrowserCheckError as e:  # a dead Chromium must not hide the first error
        out["screenshot"] = f"none ({e})"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out: dict[str, Any] = {
        "ok": False,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "logged_in": False,
    }
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="evigraph-browser-") as work:
        try:
            run(args, Path(work), out)
            out["ok"] = True
        except BrowserCheckError as e:
            out["error"] = str(e)
    out["seconds"] = round(time.monotonic() - t0, 1)
    print(json.dumps(out, indent=2))
    if not out["ok"]:
        print(f"browser check failed: {out['error']}", file=sys.stderr)
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
