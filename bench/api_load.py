"""Load on a running `evigraph serve`: N concurrent clients for a fixed time.

    .venv/bin/python -m bench.api_load --url http://127.0.0.1:8000 --mix evidence --pid PID
        [--seeds 400] [--tool wrk]

Two load generators send the same requests over N keep-alive connections:
- `httpx` (default): N asyncio clients in this Python process. It spends about 2.7 ms of CPU
  per request itself, on the same cores as the server, so at a few hundred requests/s it
  measures itself as much as the server.
- `wrk` (`apt-get install wrk`; the tool the issue names): N connections on 2 threads of a C
  program, with a Lua script that cycles through the request bodies; it takes ~0.1 ms of CPU
  per request. The seeds are still linked through httpx first.

Mixes: `evidence` (2- and 3-hop POST /v1/evidence, seeds linked once through
/v1/entities; 16 named diseases, or `--seeds N` drawn more widely; `--phenotypes N` adds N
patients' phenotype sets, up to 10 observed HPO terms each, from the first N cases of
../shared/data/phenopackets, interleaved with the questions), `entities` (search and
lookup), `cypher` (a small keyed read). Prints requests/s, p50/p90/p99 latency, errors by
status and the RSS of the server process (and its children, for --workers > 1) as a table
and a JSON line."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

TERMS = [
    "marfan syndrome",
    "cystic fibrosis",
    "duchenne muscular dystrophy",
    "huntington disease",
    "noonan syndrome",
    "fragile x syndrome",
    "rett syndrome",
    "prader-willi syndrome",
    "angelman syndrome",
    "ehlers-danlos syndrome",
    "neurofibromatosis type 1",
    "tuberous sclerosis",
    "phenylketonuria",
    "gaucher disease",
    "fabry disease",
    "spinal muscular atrophy",
]


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of `pid` and its descendants, in MB (Linux /proc). `Pss` counts each
    shared page (the library code that workers map alike) once across the processes."""
    total = 0
    for p in [pid, *_descendants(pid)]:
        path = Path(f"/proc/{p}/status" if field == "VmRSS" else f"/proc/{p}/smaps_rollup")
        try:
            for line in path.read_text().splitlines():
                if line.startswith(f"{field}:"):
                    total += int(line.split()[1])
        except (FileNotFoundError, PermissionError):
            continue
    return total / 1024


def _descendants(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    out = [int(k) for k in kids]
    for k in list(out):
        out.extend(_descendants(k))
    return out


# Words that many disease names share: `--seeds N` draws up to N more diseases through them.
WIDE = ["syndrome", "disease", "dystrophy", "deficiency", "ataxia", "anemia", "dysplasia"]
WIDE += ["cancer", "carcinoma", "epilepsy", "myopathy", "neuropathy", "familial", "congenital"]


async def seeds(client: httpx.AsyncClient, n: int = 0) -> list[dict[str, str]]:
    """Link each term once: the disease each evidence request starts from. With `n` larger
    than the terms, more diseases are drawn from searches for common words, so that the
    requests do not all hit the server's caches after the first pass."""
    found: dict[str, dict[str, str]] = {}
    for term, limit in [(t, 1) for t in TERMS] + [(w, 100) for w in WIDE if n > len(TERMS)]:
        r = await client.get("/v1/entities", params={"q": term, "limit": limit})
        r.raise_for_status()
        for hit in r.json()["results"]:
            if len(found) >= max(n, len(TERMS)):
                break
            if "Disease" in (hit.get("category") or "") or limit == 1:
                found.setdefault(hit["id"], {"id": hit["id"], "name": hit["name"] or term})
    if not found:
        raise SystemExit("no seed could be linked: is the graph loaded?")
    return list(found.values())


def requests_for(mix: str, linked: list[dict[str, str]], key: str | None) -> list[dict[str, Any]]:
    reqs: list[dict[str, Any]] = []
    for s in linked:
        if mix == "evidence":
            for hops in (2, 3):
                body: dict[str, Any] = {
                    "question": f"Which phenotypes and genes are linked to {s['name']}?",
                    "seeds": [s["id"]],
                    "max_hops": hops,
                }
                reqs.append({"method": "POST", "url": "/v1/evidence", "json": body})
        elif mix == "entities":
            reqs.append({"method": "GET", "url": f"/v1/entities/{s['id']}"})
            reqs.append({"method": "GET", "url": "/v1/entities", "params": {"q": s["name"]}})
        else:
            body = {
                "query": "MATCH (d:Entity {id: $id})-[r]->(p) RETURN p.id, type(r) LIMIT 50",
                "parameters": {"id": s["id"]},
            }
            headers = {"X-API-Key": key or ""}
            reqs.append({"method": "POST", "url": "/v1/cypher", "json": body, "headers": headers})
    return reqs


async def worker(
    client: httpx.AsyncClient,
    reqs: itertools.cycle[dict[str, Any]],
    until: float,
    out: list[tuple[float, float, int]],
) -> None:
    while time.monotonic() < until:
        req = next(reqs)
        t0 = time.perf_counter()
        try:
            status = (await client.request(**req)).status_code
        except httpx.HTTPError:
            status = 0  # connection refused, reset or timed out
        out.append((time.time(), time.perf_counter() - t0, status))


def phenotype_requests(n: int) -> list[dict[str, Any]]:
    """POST /v1/evidence with the observed (up to 10) and excluded terms of the first `n`
    real cases of phenopacket-store."""
    from core.settings import get_settings
    from retrieval.phenotype.phenopacket import iter_tar

    tar = get_settings().ingest.data_dir / "phenopackets" / "phenopacket-store-dev.tar.gz"
    out = []
    for case in itertools.islice(iter_tar(tar), n):
        body = {"phenotypes": case.observed[:10], "excluded_phenotypes": case.excluded[:5]}
        out.append({"method": "POST", "url": "/v1/evidence", "json": body | {"top_k": 20}})
    return out


def interleave(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """a and b alternating, the longer one's rest at the end."""
    mixed = [r for pair in itertools.zip_longest(a, b) for r in pair if r is not None]
    return mixed


async def run(args: argparse.Namespace) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(base_url=args.url, timeout=args.timeout, limits=limits) as c:
        linked = await seeds(c, args.seeds)
        bodies = requests_for(args.mix, linked, args.key)
        if args.phenotypes:
            bodies = interleave(bodies, phenotype_requests(args.phenotypes))
        if args.tool == "wrk":
            return run_wrk(args, bodies, len(linked))
        reqs = itertools.cycle(bodies)
        # Warm-up: one pass, not counted.
        await worker(c, reqs, time.monotonic() + args.warmup, [])
        out: list[tuple[float, float, int]] = []
        t0 = time.monotonic()
        await asyncio.gather(
            *(worker(c, reqs, t0 + args.duration, out) for _ in range(args.clients))
        )
        wall = time.monotonic() - t0
    return summarise(args, out, wall, len(linked))


WRK_SCRIPT = """
bodies = {%(bodies)s}
paths = {%(paths)s}
methods = {%(methods)s}
headers = {%(headers)s}
counter = 0
function setup(thread)
  thread:set("offset", counter)
  counter = counter + 7
end
i = 0
request = function()
  i = i + 1
  local k = ((i + offset) %% #bodies) + 1
  return wrk.format(methods[k], paths[k], headers[k], bodies[k])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT %%d %%d %%.1f %%.1f %%.1f %%.1f %%d %%d\\n",
    summary.requests, summary.duration, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def _lua(text: str) -> str:
    return "[==[" + text + "]==]"


def wrk_script(reqs: list[dict[str, Any]]) -> str:
    """A wrk Lua script that cycles through `reqs` (each thread from its own offset)."""
    from urllib.parse import urlencode

    bodies, paths, methods, headers = [], [], [], []
    for r in reqs:
        path = r["url"] + ("?" + urlencode(r["params"]) if r.get("params") else "")
        hdr = dict(r.get("headers") or {})
        body = ""
        if "json" in r:
            body = json.dumps(r["json"])
            hdr["Content-Type"] = "application/json"
        bodies.append(_lua(body))
        paths.append(_lua(path))
        methods.append(_lua(r["method"]))
        headers.append("{" + ", ".join(f"[ {_lua(k)} ] = {_lua(v)}" for k, v in hdr.items()) + "}")
    return WRK_SCRIPT % {
        "bodies": ", ".join(bodies),
        "paths": ", ".join(paths),
        "methods": ", ".join(methods),
        "headers": ", ".join(headers),
    }


def run_wrk(args: argparse.Namespace, reqs: list[dict[str, Any]], n_seeds: int) -> dict[str, Any]:
    exe = shutil.which("wrk")
    if exe is None:
        raise SystemExit("wrk is not installed (apt-get install wrk), or use --tool httpx")
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as f:
        f.write(wrk_script(reqs))
        f.flush()

        def wrk(seconds: float) -> str:
            cmd = [exe, "-t2", f"-c{args.clients}", f"-d{max(1, round(seconds))}s"]
            cmd += [f"--timeout={max(1, round(args.timeout))}s", "-s", f.name, args.url]
            done = subprocess.run(cmd, capture_output=True, text=True, check=True)
            return done.stdout

        if args.warmup > 0:
            wrk(args.warmup)
        line = next(x for x in wrk(args.duration).splitlines() if x.startswith("RESULT "))
    n, micros, p50, p90, p99, worst, non2xx, failed = line.split()[1:]
    status = {"non_2xx": int(non2xx), "socket_errors": int(failed)}
    errors = int(non2xx) + int(failed)
    wall = int(micros) / 1e6
    return result(args, "wrk", wall, n_seeds, int(n), [p50, p90, p99], status, errors, worst)


def summarise(
    args: argparse.Namespace, out: list[tuple[float, float, int]], wall: float, n_seeds: int
) -> dict[str, Any]:
    lat = sorted(d * 1000 for _, d, s in out)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else lat * 99
    codes = Counter(s for _, _, s in out)
    status = {str(k): v for k, v in sorted(codes.items())}
    errors = sum(v for k, v in codes.items() if k != 200)
    return result(args, "httpx", wall, n_seeds, len(out), [q[49], q[89], q[98]], status, errors)


def result(
    args: argparse.Namespace,
    tool: str,
    wall: float,
    n_seeds: int,
    requests: int,
    p50_p90_p99_ms: Sequence[float | str],
    status: dict[str, int],
    errors: int,
    max_ms: float | str | None = None,
) -> dict[str, Any]:
    """The printed summary of a run, whichever client made it (wrk also reports its max)."""
    p50, p90, p99 = (round(float(x), 1) for x in p50_p90_p99_ms)
    worst = {} if max_ms is None else {"max_ms": round(float(max_ms), 1)}
    return {
        "tool": tool,
        "mix": args.mix,
        "clients": args.clients,
        "duration_s": round(wall, 1),
        "seeds": n_seeds,
        "requests": requests,
        "req_per_s": round(requests / wall, 1),
        "p50_ms": p50,
        "p90_ms": p90,
        "p99_ms": p99,
        **worst,
        "status": status,
        "errors": errors,
        "server_rss_mb": round(rss_mb(args.pid), 1) if args.pid else None,
        "server_pss_mb": round(rss_mb(args.pid, "Pss"), 1) if args.pid else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--mix", choices=["evidence", "entities", "cypher"], default="evidence")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument(
        "--seeds", type=int, default=0, help="Diseases to draw (default: the 16 named ones)."
    )
    ap.add_argument(
        "--phenotypes", type=int, default=0, help="Real phenopacket cases to mix in (evidence)."
    )
    ap.add_argument("--duration", type=float, default=30.0, help="Measured seconds.")
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--key", default=None, help="X-API-Key for the cypher mix.")
    ap.add_argument("--pid", type=int, default=None, help="Server pid, for its RSS.")
    ap.add_argument(
        "--tool", choices=["httpx", "wrk"], default="httpx", help="Load generator (see above)."
    )
    args = ap.parse_args()
    res = asyncio.run(run(args))
    for k, v in res.items():
        print(f"{k:>14}: {v}")
    print(json.dumps(res))


if __name__ == "__main__":
    main()
