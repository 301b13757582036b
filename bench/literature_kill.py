"""kill -9 at random points of a Ray literature run, each followed by a rerun: does the graph
end with the clean run's checksum every time?

    EVIGRAPH_TEST_SERVER=1 EVIGRAPH_NEO4J__BOLT_PORT=7694 ... \\
        .venv/bin/python -m bench.literature_kill [--kills 10] [--files ...]

The run (a child process: `--child`) extracts with the tiny ADE model of the tests
(tests/literature_tiny.py: the dictionary tagger, a seeded random pair model, threshold 0) on
Ray's engine (2 actors) and writes to the Neo4j of the settings. The graph is emptied before
each trial, so this refuses to run unless EVIGRAPH_TEST_SERVER=1 (a throw-away test server).
Each kill hits the child's whole process group (the driver, Ray's raylet and workers)."""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.settings import get_settings
from graph import checksum, schema
from graph.repository import GraphStore

WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


def child(files: list[Path], out: Path, models: Path) -> None:
    from extraction.literature import engines
    from extraction.literature.job import LiteratureJob
    from tests.literature_tiny import given, tiny_extractors

    ex = tiny_extractors(models)
    engines.start_ray(None, 2)
    engine = engines.ray_engine(functools.partial(given, ex), actors=2)
    with GraphStore.connect(get_settings().neo4j) as store:
        s = LiteratureJob(ex, engine, store, out, 32, window=8).run(files)
    print(json.dumps({"statements": s.statements, "skipped": s.skipped, "resumed": s.resumed}))


def _wipe(store: GraphStore) -> None:
    with store.driver.session(database=store.database) as s:
        s.run(WIPE).consume()
    schema.apply_schema(store)


def _spawn(args: list[str]) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "bench.literature_kill", "--child", *args]
    return subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.PIPE)


def _finish(args: list[str]) -> float:
    t0 = time.perf_counter()
    proc = _spawn(args)
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"run failed ({proc.returncode}): {out.decode()[-500:]}")
    return time.perf_counter() - t0


def main() -> None:
    shared = get_settings().ingest.data_dir
    p = argparse.ArgumentParser()
    p.add_argument("--child", action="store_true")
    p.add_argument("--kills", type=int, default=10)
    p.add_argument(
        "--files", nargs="+", type=Path, default=[shared / "bc5cdr" / "CDR_TestSet.PubTator.txt"]
    )
    p.add_argument("--out", type=Path, default=Path("/tmp/evigraph-literature-kill"))
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    models = a.out / "tiny"
    if a.child:
        child(a.files, a.out / "shards", models)
        return
    if os.environ.get("EVIGRAPH_TEST_SERVER") != "1":
        raise SystemExit("this empties the graph: run it on a test server (EVIGRAPH_TEST_SERVER=1)")
    files = [str(f) for f in a.files]
    rng = random.Random(a.seed)
    results = []
    with GraphStore.connect(get_settings().neo4j) as store:
        _wipe(store)
        clean_s = _finish([*files_args(files), "--out", str(a.out / "clean")])
        want = checksum.checksum(store)
        for i in range(a.kills):
            _wipe(store)
            run_args = [*files_args(files), "--out", str(a.out / f"trial-{i}")]
            proc = _spawn(run_args)
            delay = rng.uniform(2.0, clean_s * 0.9)
            time.sleep(delay)
            killed = proc.poll() is None
            if killed:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            _finish(run_args)
            got = checksum.checksum(store)
            results.append(
                {
                    "trial": i,
                    "kill_at_s": round(delay, 1),
                    "killed": killed,
                    "same_checksum": got == want,
                }
            )
            print(json.dumps(results[-1]), flush=True)
    print(
        json.dumps(
            {
                "clean_run_s": round(clean_s, 1),
                "clean": want,
                "all_same": all(r["same_checksum"] for r in results),
                "trials": results,
            },
            indent=2,
        )
    )


def files_args(files: list[str]) -> list[str]:
    return ["--files", *files]


if __name__ == "__main__":
    main()
