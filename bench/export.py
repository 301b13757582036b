"""Export benchmark: the configured graph (by default the full default graph) as KGX and as
Turtle, each in its own process, printing wall seconds, peak RSS and RSS sampled over the run
(flat memory means the late samples stay near the early ones).

    EVIGRAPH_NEO4J__URI=bolt://127.0.0.1:7687 EVIGRAPH_NEO4J__PASSWORD=... \\
        .venv/bin/python -m bench.export [--out var/bench-export] [--only kgx|turtle] \\
        [--processes 1|2]

Only reads the graph. Output files go under --out (git-ignored var/ by default)."""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

from core.settings import get_settings
from graph.repository import GraphStore
from interop import kgx_export, rdf_export


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:  # noqa: PTH123
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20


class Sampler(threading.Thread):
    def __init__(self, every: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.every, self.stop = every, threading.Event()
        self.samples: list[float] = []

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append(_rss_mb())
            self.stop.wait(self.every)


def run_one(kind: str, out: Path, processes: int = 2) -> dict[str, object]:
    sampler = Sampler()
    sampler.start()
    started = time.monotonic()
    with GraphStore.connect(get_settings().neo4j) as store:
        if kind == "kgx":
            res = kgx_export.export_kgx(store, out / "kgx", processes=processes)
            counts = {"nodes": res.nodes, "edges": res.edges}
            size = sum(p.stat().st_size for p in (out / "kgx").iterdir())
        else:
            r = rdf_export.export_rdf(store, out / "graph.ttl", "turtle")
            counts = {"nodes": r.nodes, "statements": r.statements}
            size = (out / "graph.ttl").stat().st_size
    seconds = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # The KGX export's worker process (edge half 0), joined by now.
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler.stop.set()
    sampler.join()
    s = sampler.samples
    quart = [round(s[min(len(s) - 1, int(len(s) * q))], 1) for q in (0.25, 0.5, 0.75)]
    return {
        "export": kind,
        "seconds": round(seconds, 1),
        "client_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "worker_cpu_seconds": round(child.ru_utime + child.ru_stime, 1),
        "worker_peak_rss_mb": round(child.ru_maxrss / 1024, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "rss_mb_at_25_50_75_pct": quart,
        "output_mb": round(size / 2**20, 1),
        **counts,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=get_settings().models.var_dir / "bench-export")
    ap.add_argument("--only", choices=["kgx", "turtle"])
    ap.add_argument("--processes", type=int, choices=[1, 2], default=2, help="KGX export")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.only:
        print(json.dumps(run_one(args.only, args.out, args.processes)), flush=True)
        return
    for kind in ("kgx", "turtle"):  # one process each, so each peak RSS is its own
        cmd = [sys.executable, "-m", "bench.export", "--out", str(args.out), "--only", kind]
        cmd += ["--processes", str(args.processes)]
        subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
