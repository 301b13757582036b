"""A newcomer's first hour, timed: a fresh clone of this repository's HEAD beside ../shared,
`make run` in it, and the clock read when each make step starts, when the API first answers
`POST /v1/evidence` with 200, and (with --extraction) when each extraction endpoint first
answers 200. Then make run is stopped (Ctrl-C, as a user would) and run a second time, timed
to its first evidence answer.

    .venv/bin/python -m bench.first_run [--extraction] [--pip-cache] [--keep]

Downloads included: pip runs without its cache unless --pip-cache (PIP_NO_CACHE_DIR=1, so the
wheels come from PyPI as on a fresh machine), and the clone fetches the Neo4j jars from Maven
Central itself (Maven's own ~/.m2 cache is used when present; say so with the figure). The
clone's Neo4j, API and Browser listen on their own ports, so a running evigraph is untouched.
Prints JSON and writes it to results/first_run.json; the clone is removed unless --keep."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
STEPS = (".venv/bin/evigraph ", ".venv/bin/python -m pip install")


def examples() -> dict[str, dict[str, Any]]:
    """The request bodies the API documents for each endpoint (its own examples)."""
    from api.routes.extract import AdeRequest, BioredRequest, MaudeRequest

    out = {}
    for name, model in (("ade", AdeRequest), ("biored", BioredRequest), ("maude", MaudeRequest)):
        extra = model.model_config.get("json_schema_extra")
        assert isinstance(extra, dict)
        out[f"/v1/extract/{name}"] = dict(extra["example"])  # type: ignore[arg-type]
    return out


EVIDENCE: dict[str, Any] = {
    "question": "Which phenotypes does Marfan syndrome show?",
    "seeds": ["ORPHA:558"],
    "max_hops": 2,
}


class Clock:
    def __init__(self) -> None:
        self.t0 = time.monotonic()

    def __call__(self) -> float:
        return round(time.monotonic() - self.t0, 1)


class MakeRun:
    """`make run` in `clone`, its output timestamped into `log`, each recipe line a step."""

    def __init__(self, clone: Path, env: dict[str, str], log: Path, clock: Clock) -> None:
        self.clock = clock
        self.steps: list[dict[str, Any]] = []
        self.out = log.open("a", encoding="utf-8")
        self.proc = subprocess.Popen(
            ["make", "run"],
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            t = self.clock()
            self.out.write(f"[{t:7.1f}] {line}")
            self.out.flush()
            if line.startswith(STEPS):
                self.steps.append({"step": line.strip(), "start_s": t})

    def stop(self) -> None:
        """Ctrl-C to make's process group, as a user would; then wait."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.reader.join(timeout=5)
        self.out.close()

    def durations(self) -> list[dict[str, Any]]:
        out = []
        for i, s in enumerate(self.steps):
            end = self.steps[i + 1]["start_s"] if i + 1 < len(self.steps) else None
            out.append(s | {"seconds": None if end is None else round(end - s["start_s"], 1)})
        return out


def first_200(
    url: str, body: dict[str, Any], run: MakeRun, clock: Clock, deadline_s: float
) -> float | None:
    """Seconds on the clock when POST `url` first answers 200 (None: make ended or deadline)."""
    while clock() < deadline_s and run.proc.poll() is None:
        try:
            if httpx.post(url, json=body, timeout=30).status_code == 200:
                return clock()
        except httpx.HTTPError:
            pass
        time.sleep(2)
    return None


def load_and_steal() -> dict[str, float]:
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    return {
        "load1": os.getloadavg()[0],
        "steal_ticks": float(fields[7]),
        "total_ticks": sum(map(float, fields)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--extraction", action="store_true", help="Wait for every extraction endpoint.")
    ap.add_argument("--pip-cache", action="store_true", help="Let pip use its wheel cache.")
    ap.add_argument("--keep", action="store_true", help="Keep the clone.")
    ap.add_argument("--api-port", type=int, default=8123)
    ap.add_argument("--bolt-port", type=int, default=7721)
    ap.add_argument("--http-port", type=int, default=7494)
    ap.add_argument("--deadline-min", type=float, default=30.0)
    ap.add_argument("--extraction-deadline-min", type=float, default=150.0)
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "first_run.json")
    a = ap.parse_args()
    clone = ROOT.parent / f"evigraph-first-run-{int(time.time())}"
    env = dict(os.environ)
    for k in [k for k in os.environ if k.startswith("EVIGRAPH_") or k == "VIRTUAL_ENV"]:
        env.pop(k)  # the clone runs on its defaults, as a newcomer's would
    env |= {
        "EVIGRAPH_NEO4J__BOLT_PORT": str(a.bolt_port),
        "EVIGRAPH_NEO4J__HTTP_PORT": str(a.http_port),
        "EVIGRAPH_API__PORT": str(a.api_port),
    }
    if not a.pip_cache:
        env["PIP_NO_CACHE_DIR"] = "1"
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    result: dict[str, Any] = {
        "commit": head,
        "clone": str(clone),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "pip_cache": a.pip_cache,
        "maven_cache": (Path.home() / ".m2" / "repository").is_dir(),
        "before": load_and_steal(),
    }
    try:
        result |= timed_runs(clone, env, a)
    finally:
        subprocess.run(
            [".venv/bin/evigraph", "models", "stop"], cwd=clone, env=env, capture_output=True
        )
        subprocess.run(
            [".venv/bin/evigraph", "neo4j", "stop"], cwd=clone, env=env, capture_output=True
        )
        if not a.keep:
            shutil.rmtree(clone, ignore_errors=True)
    after = load_and_steal()
    b = result["before"]
    result["steal_pct"] = round(
        100
        * (after["steal_ticks"] - b["steal_ticks"])
        / max(1, after["total_ticks"] - b["total_ticks"]),
        1,
    )
    result["after"] = after
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


def cli_timings(clone: Path, env: dict[str, str], repeat: int = 3) -> dict[str, Any]:
    """`evigraph --help` and a CLI evidence call, warm (Neo4j up, caches built), each
    `repeat` times: wall seconds and the lines it wrote to stderr."""
    calls = {
        "help": ["--help"],
        "evidence": ["evidence", str(EVIDENCE["question"]), "--seed", "ORPHA:558", "--hops", "2"],
    }
    out: dict[str, Any] = {}
    for name, args in calls.items():
        runs = []
        for _ in range(repeat):
            t0 = time.monotonic()
            done = subprocess.run(
                [".venv/bin/evigraph", *args], cwd=clone, env=env, capture_output=True, text=True
            )
            runs.append(
                {
                    "seconds": round(time.monotonic() - t0, 2),
                    "rc": done.returncode,
                    "stderr_lines": done.stderr.splitlines(),
                }
            )
        out[name] = runs
    return out


def timed_runs(clone: Path, env: dict[str, str], a: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    clock = Clock()
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    out["clone_s"] = clock()
    log = clone.parent / f"{clone.name}.log"
    url = f"http://127.0.0.1:{a.api_port}"
    first = MakeRun(clone, env, log, clock)
    try:
        out["evidence_200_s"] = first_200(
            f"{url}/v1/evidence", EVIDENCE, first, clock, a.deadline_min * 60
        )
        if a.extraction:
            out["extraction_200_s"] = {
                path: first_200(f"{url}{path}", body, first, clock, a.extraction_deadline_min * 60)
                for path, body in examples().items()
            }
    finally:
        first.stop()
        if not a.extraction:  # the training job it started would slow what follows
            subprocess.run(
                [".venv/bin/evigraph", "models", "stop"], cwd=clone, env=env, capture_output=True
            )
    out["first_run_steps"] = first.durations()
    clock2 = Clock()
    second = MakeRun(clone, env, log, clock2)
    try:
        out["second_run_evidence_200_s"] = first_200(
            f"{url}/v1/evidence", EVIDENCE, second, clock2, 600
        )
    finally:
        second.stop()
    out["second_run_steps"] = second.durations()
    subprocess.run(
        [".venv/bin/evigraph", "models", "stop"], cwd=clone, env=env, capture_output=True
    )
    out["cli"] = cli_timings(clone, env)
    out["log"] = str(log)
    return out


if __name__ == "__main__":
    main()
