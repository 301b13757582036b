"""Restart Neo4j during a load run: only 503s during the outage, none after it.

    EVIGRAPH_NEO4J__HOME=.neo4j-test EVIGRAPH_NEO4J__BOLT_PORT=7706 ... \\
        .venv/bin/python -m bench.api_neo4j_restart

It stops and starts the LOCAL server the settings name (never an external URI, never
port 7687, the shared default), so run it against a test server of your own. It starts
`evigraph serve`, sends entity lookups and searches from N clients, stops Neo4j after
--before seconds, starts it again after --down seconds, keeps the load for --after seconds
once Neo4j is back, and classifies every answer by when its request was sent."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench.api_load import requests_for, seeds
from bench.serve_proc import serve
from core.settings import get_settings

Result = tuple[float, float, int]  # sent at (epoch s), answered at, status (0: no answer)


async def load(
    url: str, clients: int, ready: threading.Event, stop: threading.Event, out: list[Result]
) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        try:
            reqs = requests_for("entities", await seeds(c), None)
        finally:
            ready.set()  # the clock of the outage starts once the load runs

        async def one_client(i: int) -> None:
            k = i
            while not stop.is_set():
                req = reqs[k % len(reqs)]
                k += clients
                t0 = time.time()
                try:
                    status = (await c.request(**req)).status_code
                except httpx.HTTPError:
                    status = 0
                out.append((t0, time.time(), status))
                if status != 200:
                    await asyncio.sleep(0.05)  # a client backs off a little on errors

        await asyncio.gather(*(one_client(i) for i in range(clients)))


def neo4j(cmd: str) -> float:
    evigraph = Path(sys.executable).with_name("evigraph")
    # A busy machine can need more than the default 90 s to bring Neo4j back.
    env = {"EVIGRAPH_NEO4J__START_TIMEOUT_S": "600", **os.environ}
    subprocess.run([str(evigraph), "neo4j", cmd], check=True, env=env)
    return time.time()


def phases(out: list[Result], down: float, up: float) -> dict[str, dict[str, int]]:
    res: dict[str, Counter[int]] = {"before": Counter(), "outage": Counter(), "after": Counter()}
    for sent, done, status in out:
        phase = "before" if done < down else "after" if sent >= up else "outage"
        res[phase][status] += 1
    return {p: {str(s): n for s, n in sorted(c.items())} for p, c in res.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--before", type=float, default=8.0)
    ap.add_argument("--down", type=float, default=5.0)
    ap.add_argument("--after", type=float, default=15.0)
    args = ap.parse_args()
    cfg = get_settings().neo4j
    if not cfg.managed or cfg.bolt_port == 7687:
        raise SystemExit("refusing: point EVIGRAPH_NEO4J__HOME/BOLT_PORT at your own test server")
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"evigraph-restart-{os.getpid()}.log"
    out: list[Result] = []
    stop, ready = threading.Event(), threading.Event()
    with serve({}, log) as (url, _pid):
        work = load(url, args.clients, ready, stop, out)
        loader = threading.Thread(target=asyncio.run, args=(work,), daemon=True)
        loader.start()
        try:
            ready.wait()
            time.sleep(args.before)
            if not loader.is_alive():
                raise SystemExit("the load could not start (see above); Neo4j left running")
            down = time.time()
            neo4j("stop")
            stopped = time.time()
            time.sleep(args.down)
            up = neo4j("start")
            time.sleep(args.after)
        finally:
            stop.set()
            loader.join(60)
    first_ok = min((d for s, d, st in out if st == 200 and s >= stopped), default=None)
    report: dict[str, Any] = {
        "clients": args.clients,
        "stop_took_s": round(stopped - down, 1),
        "outage_s": round(up - down, 1),
        "first_200_after_start_s": round(first_ok - up, 2) if first_ok else None,
        "phases": phases(out, down, up),
    }
    p = report["phases"]
    report["ok"] = (
        set(p["before"]) <= {"200"}
        and set(p["outage"]) <= {"200", "503"}
        and set(p["after"]) == {"200"}
    )
    print(json.dumps(report, indent=1))
    print(f"server log: {log}")


if __name__ == "__main__":
    main()
