"""Latency of 3-hop evidence calls on the running graph (target p50 <= 50 ms, p99 <= 200 ms
on 2 cores after warm-up).

Usage: .venv/bin/python -m bench.evidence_latency [--n 200] [--hops 3] [--warmup 20]
Needs the graph loaded (`make run`) and a CAFF checkpoint (`evigraph caff train`). The
questions are the test questions of the QA set (their seeds linked from the text), so
linking, encoding, the Cypher hops and scoring are all inside the timing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from core.logs import configure_logging
from core.settings import get_settings
from graph.repository import GraphStore
from retrieval.service import EvidenceService


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--hops", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--seeds-given", action="store_true", help="pass the seed, skip linking")
    args = ap.parse_args()
    settings = get_settings()
    configure_logging("WARNING")
    store = GraphStore.connect(settings.neo4j)
    service = EvidenceService.load(store, settings)
    qa_root = settings.models.var_dir / "qa"
    folder = max(qa_root.glob("*/questions.jsonl"), key=lambda p: p.stat().st_mtime).parent
    questions = [json.loads(x) for x in (folder / "questions.jsonl").open()]
    test = [q for q in questions if q["split"] == "test"] or questions
    pick = [test[i % len(test)] for i in range(args.n + args.warmup)]
    times, triples = [], []
    stages: dict[str, list[float]] = {}
    for i, q in enumerate(pick):
        seeds = [q["seed"]] if args.seeds_given else None
        t0 = time.perf_counter()
        out = service.evidence(q["text"] + (" " * (i // len(test))), seeds, args.hops)
        ms = (time.perf_counter() - t0) * 1000
        if i >= args.warmup:
            times.append(ms)
            triples.append(sum(len(h["triples"]) for h in out["hops"]))
            for k, v in out["timings_ms"].items():
                stages.setdefault(k, []).append(v)
    arr = np.asarray(times)
    print(
        json.dumps(
            {
                "calls": len(times),
                "hops": args.hops,
                "linking": not args.seeds_given,
                "p50_ms": round(float(np.percentile(arr, 50)), 1),
                "p90_ms": round(float(np.percentile(arr, 90)), 1),
                "p99_ms": round(float(np.percentile(arr, 99)), 1),
                "mean_ms": round(statistics.fmean(times), 1),
                "mean_triples_returned": round(statistics.fmean(triples), 1),
                "mean_stage_ms": {k: round(statistics.fmean(v), 1) for k, v in stages.items()},
                "scorer": service.model.cfg.variant,
                "encoder": service.encoder.encoder_id,
            },
            indent=1,
        )
    )
    store.close()


if __name__ == "__main__":
    main()
