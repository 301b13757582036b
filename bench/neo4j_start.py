"""Cold start of the local Neo4j with cached jars, to Bolt ready (target <= 20 s on 2 cores).

Usage: .venv/bin/python -m bench.neo4j_start [--runs 3]
Starts a throw-away server in a temporary home (its own port), so it never touches your data.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from core.logs import configure_logging
from core.settings import get_settings
from graph.local import jars, runtime
from graph.local.process import free_port


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    configure_logging(get_settings().log_level)
    base = get_settings().neo4j
    jars.ensure(base)  # the target is for cached jars: fetch outside the timing
    first, warm = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            cfg = base.model_copy(
                update={"home": Path(tmp), "bolt_port": free_port(), "browser": False}
            )
            t0 = time.monotonic()
            runtime.start(cfg)  # brand-new data directory: initial password + store creation
            first.append(time.monotonic() - t0)
            runtime.stop(cfg)
            t0 = time.monotonic()
            runtime.start(cfg)  # existing data directory
            warm.append(time.monotonic() - t0)
            runtime.stop(cfg)
    print(
        f"new data dir   : median {statistics.median(first):.1f} s, max {max(first):.1f} s "
        f"over {args.runs} runs"
    )
    print(
        f"existing data  : median {statistics.median(warm):.1f} s, max {max(warm):.1f} s "
        f"over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
