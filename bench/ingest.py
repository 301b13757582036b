"""Full default ingest into an empty database, an unchanged re-run, and the physical reference.

Usage: .venv/bin/python -m bench.ingest [--skip-import]   (as a module: the file name
would shadow the ingest package if run as a script)
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
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from core.logs import configure_logging
from core.settings import Neo4jSettings, get_settings
from graph import jars, runtime, schema
from graph.checksum import checksum
from graph.repository import GraphStore
from ingest.job import plan_source, run_source
from ingest.rows import Source
from ingest.sources import default_inputs, parse_source

ORDER = [Source.HPO, Source.HPOA, Source.OMIM, Source.ORPHANET]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ingest_all(cfg: Neo4jSettings, batch: int) -> tuple[float, float, int, dict[str, object]]:
    inputs = default_inputs(get_settings().ingest.data_dir)
    t0 = time.monotonic()
    parsed = {s: parse_source(s, inputs, None) for s in ORDER}
    t_parse = time.monotonic() - t0
    edges = 0
    with GraphStore.connect(cfg) as store:
        schema.apply_schema(store)
        for src in ORDER:
            r = run_source(store, src, parsed[src], batch)
            edges += r.counts["edges"]
            print(f"  {src.value:9s} {r.seconds:6.1f} s  {json.dumps(r.counts)}")
        total = time.monotonic() - t0
        return t_parse, total, edges, checksum(store)


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
    ap.add_argument("--batch-size", type=int, default=get_settings().ingest.batch_size)
    args = ap.parse_args()
    configure_logging(get_settings().log_level)
    base = get_settings().neo4j
    lib = jars.ensure(base)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = base.model_copy(update={"home": Path(tmp) / "h", "bolt_port": _free_port()})
        runtime.start(cfg)
        try:
            print("first ingest (empty database):")
            parse1, total1, edges, sum1 = ingest_all(cfg, args.batch_size)
            print("unchanged re-run:")
            parse2, total2, _, sum2 = ingest_all(cfg, args.batch_size)
        finally:
            runtime.stop(cfg)
        print(
            f"from empty      : {total1:6.1f} s (parse {parse1:.1f} s), "
            f"{edges / total1:,.0f} statements/s over {edges:,} statements"
        )
        print(f"unchanged re-run: {total2:6.1f} s (parse {parse2:.1f} s)")
        print(
            f"checksums equal : {sum1 == sum2} ({sum1['nodes']} nodes, "
            f"{sum1['relationships']} relationships)"
        )
        if not args.skip_import:
            cfg2 = base.model_copy(update={"home": Path(tmp) / "imp"})
            took = admin_import(cfg2, lib, runtime.check_java(base), Path(tmp))
            print(f"neo4j-admin database import full (physical reference): {took:.1f} s")


if __name__ == "__main__":
    main()
