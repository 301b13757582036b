"""Full default ingest into an empty database, an unchanged re-run, and the physical reference.

Drives the real CLI: `evigraph ingest all` on an empty database, again (unchanged inputs),
again with --force (a full diff against the graph), and `evigraph stats --checksum` around them.

Usage: .venv/bin/python -m bench.ingest_load [--port N] [--skip-import] [--compare-transactional]
(as a module: the file name would shadow the ingest package if run as a script)
An empty database takes the bulk path (neo4j-admin import); --compare-transactional loads the
same data again into a second empty server with EVIGRAPH_INGEST__BULK_IMPORT=false and checks
that `evigraph stats --checksum` is the same.
Targets (issue 3): <= 120 s from empty, <= 30 s for an unchanged re-run, on 2 cores.
Runs a throw-away Neo4j in a temporary home on its own port: your data is never touched.
The reference writes the same nodes and statements as CSV and times
`neo4j-admin database import full` (same jars) into another empty home.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.logs import configure_logging
from core.settings import Neo4jSettings, get_settings
from graph.local import jars, runtime
from graph.local.process import free_port
from graph.vocabulary import Source
from ingest.job import plan_source
from ingest.sources import default_inputs, parse_source

ORDER = [Source.HPO, Source.HPOA, Source.OMIM, Source.ORPHANET]


def cli(cfg: Neo4jSettings, *args: str, **extra_env: str) -> tuple[float, str]:
    """Run the real `evigraph` command against the throw-away server; (seconds, stdout)."""
    env = {
        **extra_env,
        **os.environ,
        "EVIGRAPH_NEO4J__HOME": str(cfg.home),
        "EVIGRAPH_NEO4J__BOLT_PORT": str(cfg.bolt_port),
        "EVIGRAPH_NEO4J__PASSWORD": cfg.password.get_secret_value(),
        "EVIGRAPH_LOG_LEVEL": os.environ.get("EVIGRAPH_LOG_LEVEL", "INFO"),
    }
    env.pop("EVIGRAPH_NEO4J__URI", None)
    evigraph = Path(sys.executable).parent / "evigraph"
    t0 = time.monotonic()
    out = subprocess.run([str(evigraph), *args], env=env, capture_output=True, text=True)
    took = time.monotonic() - t0
    if out.returncode != 0:
        raise SystemExit(f"evigraph {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    for line in out.stderr.splitlines():  # where the time goes (step logs at INFO)
        if " s" in line and ("bulk:" in line or "import took" in line or "rows in" in line):
            print("   ", line[-150:])
    return took, out.stdout


def admin_import(cfg: Neo4jSettings, lib: Path, java: str, out: Path) -> float:
    """Same nodes and statements as CSV, loaded by neo4j-admin into an empty database."""
    inputs = default_inputs(get_settings().ingest.data_dir)
    nodes: dict[str, str] = {}
    rels: list[tuple[str, str, str, str]] = []
    for src in ORDER:
        plan, _ = plan_source(src, parse_source(src, inputs, None), "csv")
        for n in (*plan.stubs, *plan.nodes):
            nodes.setdefault(n["id"], n["label"])
        rels += [(e["subject"], e["object"], e["rel"], e["predicate"]) for e in plan.edges]
    with (out / "nodes.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id:ID", ":LABEL"])
        w.writerows((i, f"Entity;{label}") for i, label in nodes.items())
    with (out / "rels.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow([":START_ID", ":END_ID", ":TYPE", "predicate"])
        w.writerows(rels)
    paths = runtime.Paths(cfg.home.resolve())
    (paths.conf_dir).mkdir(parents=True, exist_ok=True)
    (paths.conf_dir / "neo4j.conf").write_text(runtime.render_conf(cfg))
    env = {**os.environ, "NEO4J_HOME": str(paths.home), "NEO4J_CONF": str(paths.conf_dir)}
    cmd = [
        java,
        "-cp",
        f"{lib}/*",
        runtime.ADMIN_ENTRY_POINT,
        "database",
        "import",
        "full",
        f"--nodes={out / 'nodes.csv'}",
        f"--relationships={out / 'rels.csv'}",
        "--skip-duplicate-nodes=true",
        "--overwrite-destination=true",
        "neo4j",
    ]
    t0 = time.monotonic()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    took = time.monotonic() - t0
    print(f"  neo4j-admin import: {len(nodes)} nodes, {len(rels)} relationships")
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--port", type=int, default=0, help="Bolt port (default: any free one)")
    ap.add_argument("--compare-transactional", action="store_true")
    args = ap.parse_args()
    configure_logging(get_settings().log_level)
    base = get_settings().neo4j
    lib = jars.ensure(base)
    with tempfile.TemporaryDirectory() as tmp:
        port = args.port or free_port()
        cfg = base.model_copy(update={"home": Path(tmp) / "h", "bolt_port": port, "browser": False})
        runtime.start(cfg)
        try:
            first, _ = cli(cfg, "ingest", "all")
            sum1 = json.loads(cli(cfg, "stats", "--checksum")[1])
            again, _ = cli(cfg, "ingest", "all")
            forced, _ = cli(cfg, "ingest", "all", "--force")
            sum2 = json.loads(cli(cfg, "stats", "--checksum")[1])
            runs = json.loads(cli(cfg, "ingest", "runs", "--limit", "12")[1])
        finally:
            runtime.stop(cfg)
    edges = sum(sum1["relationships"].values())
    for r in reversed(runs):
        c = r["counts"]
        print(
            f"  {r['source']:9s} {r['status']:10s} {r.get('mode', ''):13s} "
            f"{c.get('seconds', 0):>4} s  "
            f"written {c.get('rows_written', 0):>7}  nodes {c.get('nodes', '-')}  "
            f"edges {c.get('edges', '-')}"
        )
    print(
        f"evigraph ingest all, empty database : {first:6.1f} s "
        f"({edges / first:,.0f} relationships/s, {edges:,} relationships)"
    )
    print(f"evigraph ingest all, unchanged      : {again:6.1f} s (skipped by input fingerprint)")
    print(f"evigraph ingest all --force         : {forced:6.1f} s (full diff against the graph)")
    print(f"checksums equal after the re-runs   : {sum1['checksum'] == sum2['checksum']}")
    print(f"checksum                            : {sum1['checksum']}")
    if args.compare_transactional:
        with tempfile.TemporaryDirectory() as tmp:
            port = args.port or free_port()
            cfg3 = base.model_copy(
                update={"home": Path(tmp) / "t", "bolt_port": port, "browser": False}
            )
            runtime.start(cfg3)
            try:
                took, _ = cli(cfg3, "ingest", "all", EVIGRAPH_INGEST__BULK_IMPORT="false")
                sum3 = json.loads(cli(cfg3, "stats", "--checksum")[1])
            finally:
                runtime.stop(cfg3)
        print(f"transactional path, empty database  : {took:6.1f} s, checksum {sum3['checksum']}")
        print(f"bulk and transactional equal        : {sum1 == sum3}")
    if not args.skip_import:
        with tempfile.TemporaryDirectory() as tmp:
            cfg2 = base.model_copy(update={"home": Path(tmp) / "imp", "browser": False})
            took = admin_import(cfg2, lib, runtime.check_java(base), Path(tmp))
        print(f"neo4j-admin database import full (physical reference): {took:.1f} s")


if __name__ == "__main__":
    main()
