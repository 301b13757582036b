"""Fuzz the OpenAPI schema with schemathesis and count the server's 5xx answers.

    .venv/bin/python -m bench.fuzz_api --max-examples 400

Starts `evigraph serve` on a free port with the current EVIGRAPH_* settings (point them at a
test Neo4j: the fuzzer sends arbitrary, keyed Cypher), runs `schemathesis run` with the
not_a_server_error check over every operation, then reads the server's own request counters
from /metrics: requests per route and status, and the 5xx among them."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from bench.serve_proc import serve

KEY = "fuzz-key"
LINE = re.compile(r'evigraph_http_requests_total\{method="(\w+)",route="([^"]*)",status="(\d+)"\}')


def counters(url: str) -> Counter[tuple[str, str, int]]:
    text = httpx.get(f"{url}/metrics", timeout=10).text
    out: Counter[tuple[str, str, int]] = Counter()
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            out[(m[1], m[2], int(m[3]))] = int(float(line.rsplit(" ", 1)[1]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-examples", type=int, default=400, help="Cases per operation.")
    ap.add_argument("--workers", default="2")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--show", type=int, default=25, help="Lines of schemathesis output.")
    ap.add_argument(
        "--include-path-regex",
        default=None,
        help="Fuzz only the operations whose path matches (schemathesis --include-path-regex).",
    )
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="evigraph-fuzz-"))
    env = {"EVIGRAPH_API__KEYS": json.dumps([KEY]), "EVIGRAPH_API__CYPHER_TIMEOUT_S": "2"}
    with serve(env, tmp / "serve.log") as (url, _pid):
        t0 = time.monotonic()
        cmd = [
            str(Path(sys.executable).with_name("schemathesis")),
            "run",
            f"{url}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            str(args.max_examples),
            "--workers",
            args.workers,
            "--seed",
            str(args.seed),
            "--header",
            f"X-API-Key: {KEY}",
            "--request-timeout",
            "30",
            "--continue-on-failure",
            "--no-color",
        ]
        if args.include_path_regex:
            cmd += ["--include-path-regex", args.include_path_regex]
        st = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wall = time.monotonic() - t0
        counts = counters(url)
    tail = "\n".join(st.stdout.strip().splitlines()[-args.show :])
    print(tail)
    per_route: dict[str, dict[int, int]] = {}
    for (method, route, status), n in sorted(counts.items()):
        per_route.setdefault(f"{method} {route}", {})[status] = n
    fuzzed = {k: v for k, v in per_route.items() if not k.endswith(" /metrics")}
    total = sum(sum(v.values()) for v in fuzzed.values())
    five = {k: {s: n for s, n in v.items() if s >= 500} for k, v in fuzzed.items()}
    five = {k: v for k, v in five.items() if v}
    res = {
        "requests": total,
        "wall_s": round(wall, 1),
        "schemathesis_exit": st.returncode,
        "per_route": {k: {str(s): n for s, n in v.items()} for k, v in fuzzed.items()},
        "5xx": five,
        "5xx_total": sum(sum(v.values()) for v in five.values()),
    }
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
