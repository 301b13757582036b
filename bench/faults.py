"""Fault injection against a throw-away local Neo4j on the full default data: kill -9 of
ingests, of the bulk first load, of the Neo4j server and of extraction runs at random moments,
two ingests at once. Each try ends with a plain rerun, and the graph must then equal a clean
run's (`evigraph stats --checksum`). A harness, not a timed test:

    .venv/bin/python -m bench.faults [--kinds ingest_kill,...] [--tries N|kind=N,...] [--seed S]

It prints one line per fault kind (tries, passed, the first failure's seed, to replay it with
--seed) and writes the same to results/faults.json. The server lives in a temporary folder on
its own port; the user's server and data are never touched."""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.settings import Neo4jSettings

ROOT = Path(__file__).resolve().parents[1]
EVIGRAPH = [sys.executable, "-c", "import sys; from cli.main import main; sys.exit(main())"]
KINDS = (
    "concurrent",
    "ingest_kill",
    "neo4j_kill",
    "bulk_kill",
    "bulk_kill_phase",
    "disk_full",
    "extract_kill",
    "neo4j_kill_extract",
)
EXTRACTION_KINDS = ("extract_kill", "neo4j_kill_extract")
DEFAULT_TRIES = {
    "concurrent": 3,
    "ingest_kill": 20,
    "neo4j_kill": 10,
    "bulk_kill": 10,
    "bulk_kill_phase": 4,
    "disk_full": 3,
    "extract_kill": 10,
    "neo4j_kill_extract": 10,
}


# kills what a started run needs at a moment (seconds); True when the kill landed
Killer = Callable[[subprocess.Popen[bytes], float], bool]


@dataclass
class Harness:
    work: Path
    port: int
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    # seconds an unkilled run of each kind took here, so kills fall inside the run
    took: dict[str, float] = field(default_factory=dict)
    peak_csv_bytes: int = 0

    def __post_init__(self) -> None:
        self.env = os.environ | {
            "EVIGRAPH_NEO4J__HOME": str(self.work / "neo4j"),
            "EVIGRAPH_NEO4J__LIB_DIR": str(ROOT / ".neo4j" / "lib"),
            "EVIGRAPH_NEO4J__BOLT_PORT": str(self.port),
            "EVIGRAPH_NEO4J__PASSWORD": "evigraph-faults",
            "EVIGRAPH_NEO4J__HEAP": "1g",
            "EVIGRAPH_NEO4J__PAGECACHE": "512m",
            "EVIGRAPH_NEO4J__BROWSER": "false",
            "EVIGRAPH_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("EVIGRAPH_NEO4J__URI", None)

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        """`evigraph ARGS` in its own process group, output appended to the log."""
        with self.log.open("ab") as out:
            out.write(f"\n$ evigraph {' '.join(args)}\n".encode())
            return subprocess.Popen(
                [*EVIGRAPH, *args],
                cwd=ROOT,
                env=self.env | (env or {}),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def run(self, *args: str, check: bool = True) -> int:
        rc = self.start(*args).wait()
        if check and rc != 0:
            raise RuntimeError(f"evigraph {' '.join(args)} exited {rc}; see {self.log}")
        return rc

    def timed(self, key: str, *args: str) -> None:
        """`run` that records how long it took under `key`."""
        t0 = time.monotonic()
        self.run(*args)
        self.took[key] = time.monotonic() - t0

    def kill_time(self, rng: random.Random, key: str) -> float:
        """A random moment inside a run of `key` (its measured length, a tenth more)."""
        return rng.uniform(1.0, 1.1 * self.took[key])

    def kill_run(
        self,
        rng: random.Random,
        key: str,
        args: list[str],
        undo: Callable[[], object],
        kill: Killer | None = None,
    ) -> tuple[float, bool]:
        """Start `evigraph ARGS` and kill -9 it (or, with `kill`, what that kills) at a random
        moment inside a run of `key`. A run that ends before its moment tested nothing: its
        length becomes the estimate, `undo` returns to the starting graph and another moment
        is drawn (three runs at most); (the moment, whether a kill landed)."""
        for _ in range(3):
            at = self.kill_time(rng, key)
            t0 = time.monotonic()
            if (kill or kill_at)(self.start(*args), at):
                return at, True
            self.took[key] = time.monotonic() - t0
            undo()
        return at, False

    def output(self, *args: str) -> str:
        out = subprocess.run(
            [*EVIGRAPH, *args], cwd=ROOT, env=self.env, capture_output=True, check=True
        )
        return out.stdout.decode()

    def checksum(self) -> str:
        return str(json.loads(self.output("stats", "--checksum"))["checksum"])

    def neo4j_pid(self) -> int | None:
        status = json.loads(self.output("neo4j", "status"))
        pid = status.get("pid")
        return int(pid) if pid and status.get("running") else None

    def settings(self) -> Neo4jSettings:
        return Neo4jSettings(home=self.work / "neo4j")

    def wipe(self) -> None:
        """An empty local database: the server stopped and its data folder removed."""
        self.run("neo4j", "stop", check=False)
        shutil.rmtree(self.work / "neo4j" / "data", ignore_errors=True)
        self.run("neo4j", "start")
        self.run("db", "init")


def kill_at(proc: subprocess.Popen[bytes], seconds: float) -> bool:
    """SIGKILL `proc`'s process group after `seconds`; False when it ended before."""
    try:
        proc.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def changed_hpoa(src: Path, dest: Path, seed: float) -> Path:
    """A 'new release' of phenotype.hpoa: a tenth of the annotations dropped, another tenth
    given another frequency, so a refresh has rows to add, change and retract."""
    rng = random.Random(seed)
    opener = gzip.open if src.suffix == ".gz" else open
    with opener(src, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    out = []
    for line in lines:
        cols = line.split("\t")
        if line.startswith("#") or len(cols) < 8 or cols[0] == "database_id":
            out.append(line)
        elif (r := rng.random()) < 0.1:
            continue
        elif r < 0.2:
            cols[7] = "HP:0040283" if cols[7] != "HP:0040283" else "HP:0040282"
            out.append("\t".join(cols))
        else:
            out.append(line)
    dest.write_text("\n".join(out) + "\n", encoding="utf-8")
    return dest


@dataclass
class Outcome:
    tries: int = 0
    passed: int = 0
    first_failure_seed: int | None = None
    notes: list[str] = field(default_factory=list)

    def record(self, seed: int, ok: bool, note: str) -> None:
        self.tries += 1
        self.passed += ok
        if not ok and self.first_failure_seed is None:
            self.first_failure_seed = seed
        self.notes.append(f"seed {seed}: {'ok' if ok else 'FAILED'} {note}")
        print(f"  seed {seed}: {'ok' if ok else 'FAILED'} {note}", flush=True)


Try = Callable[[Harness, random.Random, str], tuple[bool, str]]


def try_concurrent(h: Harness, rng: random.Random, clean: str) -> tuple[bool, str]:
    """Two ingests of the same source started together: one runs, the other is refused at
    once with a message naming the running one."""
    first = h.start("ingest", "hpo", "--force")
    time.sleep(rng.uniform(0.0, 1.0))
    second = subprocess.run(
        [*EVIGRAPH, "ingest", "hpo", "--force"], cwd=ROOT, env=h.env, capture_output=True
    )
    rc = first.wait()
    refused = second.returncode != 0 and b"another ingest is running" in second.stderr
    named = f"pid {first.pid}".encode() in second.stderr
    ok = rc == 0 and refused and named and h.checksum() == clean
    return ok, f"first rc {rc}, second refused {refused} naming the first {named}"


def try_ingest_kill(h: Harness, rng: random.Random, clean: str) -> tuple[bool, str]:
    """kill -9 of a transactional ingest (a refresh to a changed release, or --force of the
    same files) at a random moment, then a plain rerun of the default files."""
    from graph.hpo_obo import default_hpo_paths

    changed = rng.random() < 0.7
    if changed:
        hpoa = changed_hpoa(default_hpo_paths()["hpoa"], h.work / "hpoa-changed", rng.random())
        args = ["ingest", "hpo", "--hpoa", str(hpoa)]
    else:
        args = ["ingest", "all", "--force"]
    at, killed = h.kill_run(
        rng, "refresh" if changed else "force", args, lambda: h.run("ingest", "all")
    )
    h.run("ingest", "all")
    got = h.checksum()
    what = "changed release" if changed else "--force"
    return got == clean, f"{what}, killed at {at:.1f} s: {killed}"


def try_neo4j_kill(h: Harness, rng: random.Random, clean: str) -> tuple[bool, str]:
    """kill -9 of the Neo4j server during an ingest of a changed release; restart, rerun."""
    from graph.hpo_obo import default_hpo_paths

    hpoa = changed_hpoa(default_hpo_paths()["hpoa"], h.work / "hpoa-changed", rng.random())
    args = ["ingest", "hpo", "--hpoa", str(hpoa)]
    rcs: list[int | None] = []

    def server(job: subprocess.Popen[bytes], at: float) -> bool:
        hit = kill_server_at(h, job, at)
        rcs.append(job.returncode)
        return hit

    at, hit = h.kill_run(rng, "refresh", args, lambda: h.run("ingest", "all"), server)
    h.run("neo4j", "start")
    h.run("ingest", "all")
    return h.checksum() == clean, f"server killed at {at:.1f} s: {hit}, ingest rc {rcs[-1]}"


def kill_server_at(h: Harness, job: subprocess.Popen[bytes], seconds: float) -> bool:
    """SIGKILL the Neo4j server after `seconds` unless `job` ended before; waits for `job`."""
    try:
        job.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        pid = h.neo4j_pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
        job.wait()
        return pid is not None


def extract_args(h: Harness) -> list[str]:
    return ["extract", "ade", "--input", str(h.work / "abstracts.jsonl"), "--write"]


def try_extract_kill(h: Harness, rng: random.Random, clean: str) -> tuple[bool, str]:
    """kill -9 of `extract ade --write` over a JSONL of abstracts, then a rerun: the same
    statements as a clean run, no duplicate evidence. `clean` here is the checksum after one
    clean extraction run."""
    at = h.kill_time(rng, "extract")
    killed = kill_at(h.start(*extract_args(h)), at)
    h.run(*extract_args(h))
    return h.checksum() == clean, f"killed at {at:.1f} s: {killed}"


def try_neo4j_kill_extract(h: Harness, rng: random.Random, clean: str) -> tuple[bool, str]:
    """kill -9 of the Neo4j server while `extract ade --write` runs; restart, rerun the
    extraction: the clean extraction's checksum."""
    job = h.start(*extract_args(h))
    at = h.kill_time(rng, "extract")
    hit = kill_server_at(h, job, at)
    h.run("neo4j", "start")
    h.run(*extract_args(h))
    return h.checksum() == clean, f"server killed at {at:.1f} s: {hit}, extract rc {job.returncode}"


def try_bulk_kill(h: Harness, rng: random.Random, clean: str) -> tuple[bool, str]:
    """kill -9 of the bulk first load of an empty database at a random moment (parse, CSV,
    neo4j-admin import, swap, restart), then a rerun: the database is complete and equals a
    clean load."""
    h.wipe()
    at, killed = h.kill_run(rng, "bulk", ["ingest", "all", "--if-empty"], h.wipe)
    h.run("neo4j", "start", check=False)
    h.run("ingest", "all", "--if-empty")
    return h.checksum() == clean, f"killed at {at:.1f} s: {killed}"


# The bulk load's log lines, in order: a kill just after one lands in the phase that follows.
BULK_PHASES = (
    "parsed and planned",  # then the CSV writing
    "composed and written as import CSV",  # then neo4j-admin import and the swap
    "imported and restarted",  # then the schema, the deferred properties, the run records
    "schema online",  # then the deferred properties and the run records
)


def try_bulk_kill_phase(h: Harness, rng: random.Random, clean: str) -> tuple[bool, str]:
    """kill -9 of the bulk first load right after it logs the end of a phase (the random
    moments of bulk_kill rarely land in the short ones after the import), then a rerun."""
    phase = BULK_PHASES[rng.randrange(len(BULK_PHASES))]
    h.wipe()
    mark = h.log.stat().st_size
    proc = h.start("ingest", "all", "--if-empty", env={"EVIGRAPH_LOG_LEVEL": "INFO"})
    killed = False
    while proc.poll() is None:
        with h.log.open("rb") as f:
            f.seek(mark)
            if phase.encode() in f.read():
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                killed = True
                break
        time.sleep(0.05)
    h.run("neo4j", "start", check=False)
    h.run("ingest", "all", "--if-empty")
    return h.checksum() == clean, f"killed after {phase!r}: {killed}"


def try_disk_full(h: Harness, rng: random.Random, clean: str) -> tuple[bool, str]:
    """The bulk first load with its import-CSV folder on a small tmpfs that fills while the CSV
    is written: a clear error naming the folder, the server up again, the (empty) database
    unchanged; with the space back, a rerun loads it clean. Needs root (mount)."""
    from ingest.bulk import csv_folder

    h.wipe()
    empty = h.checksum()
    folder = csv_folder(h.settings())
    folder.mkdir(parents=True, exist_ok=True)
    size_kb = max(64, int(h.peak_csv_bytes * rng.uniform(0.02, 0.9) / 1024))
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)], check=True
    )
    try:
        out = subprocess.run(
            [*EVIGRAPH, "ingest", "all", "--if-empty"], cwd=ROOT, env=h.env, capture_output=True
        )
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
    err = out.stderr.decode(errors="replace")
    with h.log.open("a") as log:
        log.write(f"\n$ evigraph ingest all --if-empty  (CSV on a {size_kb} kB tmpfs)\n{err}")
    clear = out.returncode != 0 and "no space left" in err and str(folder) in err
    up = h.neo4j_pid() is not None
    untouched = h.checksum() == empty
    h.run("ingest", "all", "--if-empty")
    ok = clear and up and untouched and h.checksum() == clean
    return ok, (
        f"{size_kb} kB tmpfs: rc {out.returncode}, clear error {clear}, server up {up}, "
        f"database untouched {untouched}"
    )


TRIES: dict[str, Try] = {
    "concurrent": try_concurrent,
    "ingest_kill": try_ingest_kill,
    "neo4j_kill": try_neo4j_kill,
    "bulk_kill": try_bulk_kill,
    "bulk_kill_phase": try_bulk_kill_phase,
    "disk_full": try_disk_full,
    "extract_kill": try_extract_kill,
    "neo4j_kill_extract": try_neo4j_kill_extract,
}


def abstracts(dest: Path, n: int) -> Path:
    """The first `n` BC5CDR test abstracts as JSON Lines {id, text}."""
    src = ROOT.parent / "shared" / "data" / "bc5cdr"
    path = next(src.rglob("CDR_TestSet.PubTator.txt"))
    docs: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        for tag in ("|t|", "|a|"):
            if tag in line and "\t" not in line:
                pmid, text = line.split(tag, 1)
                docs[pmid] = (docs.get(pmid, "") + " " + text).strip()
    rows = [json.dumps({"id": k, "text": v}) for k, v in list(docs.items())[:n]]
    dest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return dest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument(
        "--tries",
        type=parse_tries,
        default={},
        help="Tries per kind: N for every kind, or kind=N,... (unnamed kinds: the issue's).",
    )
    ap.add_argument("--seed", type=int, default=27, help="First seed (a failure names its own).")
    ap.add_argument("--port", type=int, default=7699)
    ap.add_argument("--abstracts", type=int, default=100)
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "faults.json")
    args = ap.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        sys.exit(f"unknown kinds {unknown}; choose from {list(KINDS)}")
    work = Path(tempfile.mkdtemp(prefix="evigraph-faults-"))
    h = Harness(work, args.port, work / "harness.log")
    print(f"work folder {work}, log {h.log}", flush=True)
    try:
        results = run_kinds(h, kinds, args)
    finally:
        h.run("neo4j", "stop", check=False)
    report(results, args.out)
    shutil.rmtree(work, ignore_errors=True)


def parse_tries(spec: str) -> dict[str, int]:
    """ "8" -> every kind 8 tries; "bulk_kill=6,neo4j_kill=8" -> those kinds, the rest the
    issue's count."""
    if spec.strip().isdigit():
        return {"*": int(spec)}
    out: dict[str, int] = {}
    for part in filter(None, spec.split(",")):
        kind, _, n = part.partition("=")
        if kind not in KINDS or not n.strip().isdigit():
            raise argparse.ArgumentTypeError(f"{part!r}: expected kind=N with a kind of {KINDS}")
        out[kind] = int(n)
    return out


def run_kinds(h: Harness, kinds: list[str], args: argparse.Namespace) -> dict[str, Outcome]:
    """Each kind in the order given. The extraction kinds compare against the graph after one
    clean extraction run; the others against the clean load (reloaded when an extraction kind
    came before). The results file is rewritten after every try."""
    clean = clean_load(h)
    print(
        f"clean load: {clean[:16]} ({h.took['bulk']:.0f} s, import CSV peak "
        f"{h.peak_csv_bytes / 1e6:.0f} MB)",
        flush=True,
    )
    if {"ingest_kill", "neo4j_kill"} & set(kinds):
        calibrate_refresh(h, clean)
    results: dict[str, Outcome] = {}
    extracted: str | None = None  # the clean extraction's checksum, while it is in the graph
    for kind in kinds:
        if kind in EXTRACTION_KINDS and extracted is None:
            extracted = clean_extraction(h, args.abstracts)
        elif kind not in EXTRACTION_KINDS and extracted is not None:
            if clean_load(h) != clean:
                raise RuntimeError("a second clean load differs from the first")
            extracted = None
        base = clean if extracted is None else extracted
        results[kind] = run_tries(h, kind, base, args, results)
    return results


def clean_extraction(h: Harness, n_abstracts: int) -> str:
    abstracts(h.work / "abstracts.jsonl", n_abstracts)
    h.timed("extract", *extract_args(h))
    base = h.checksum()
    print(f"clean extraction: {base[:16]} ({h.took['extract']:.0f} s)", flush=True)
    return base


def run_tries(
    h: Harness, kind: str, base: str, args: argparse.Namespace, done: dict[str, Outcome]
) -> Outcome:
    print(f"== {kind}", flush=True)
    out = done[kind] = Outcome()
    for n in range(args.tries.get(kind, args.tries.get("*", DEFAULT_TRIES[kind]))):
        seed = args.seed * 1000 + n
        try:
            ok, note = TRIES[kind](h, random.Random(seed), base)
        except (RuntimeError, subprocess.SubprocessError, OSError, ValueError) as e:
            ok, note = False, f"the try itself failed: {e}"
            h.run("neo4j", "start", check=False)  # so the next try starts from a server
        out.record(seed, ok, note)
        write_results(done, args.out)
    return out


def clean_load(h: Harness) -> str:
    """The bulk load of the empty database, timed, the import CSV's peak size watched."""
    from ingest.bulk import csv_folder

    h.wipe()
    folder = csv_folder(h.settings())
    job = h.start("ingest", "all", "--if-empty")
    t0 = time.monotonic()
    while job.poll() is None:
        h.peak_csv_bytes = max(h.peak_csv_bytes, folder_bytes(folder))
        time.sleep(0.2)
    h.took["bulk"] = time.monotonic() - t0
    if job.returncode != 0:
        raise RuntimeError(f"the clean load exited {job.returncode}; see {h.log}")
    return h.checksum()


def folder_bytes(folder: Path) -> int:
    try:
        return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    except OSError:  # a file removed while walking
        return 0


def calibrate_refresh(h: Harness, clean: str) -> None:
    """Unkilled runs of what the kinds kill, timed (their kill moments fall inside them), and a
    control: a refresh to a changed release and back, and --force, give the clean checksum."""
    from graph.hpo_obo import default_hpo_paths

    hpoa = changed_hpoa(default_hpo_paths()["hpoa"], h.work / "hpoa-changed", 0.5)
    h.timed("refresh", "ingest", "hpo", "--hpoa", str(hpoa))
    h.timed("revert", "ingest", "all")
    h.timed("force", "ingest", "all", "--force")
    got = h.checksum()
    print(
        f"control: refresh {h.took['refresh']:.0f} s, back {h.took['revert']:.0f} s, "
        f"--force {h.took['force']:.0f} s; clean again: {got == clean}",
        flush=True,
    )
    if got != clean:
        raise RuntimeError("a refresh and back without a fault did not give the clean graph")


def report(results: dict[str, Outcome], out: Path) -> None:
    print(f"{'kind':<18} {'tries':>5} {'passed':>6}  first failure seed")
    for kind, r in results.items():
        print(f"{kind:<18} {r.tries:>5} {r.passed:>6}  {r.first_failure_seed}")
    write_results(results, out)


def write_results(results: dict[str, Outcome], out: Path) -> None:
    body = {
        "kinds": {
            k: {
                "tries": r.tries,
                "passed": r.passed,
                "first_failure_seed": r.first_failure_seed,
                "notes": r.notes,
            }
            for k, r in results.items()
        }
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(body, indent=2) + "\n")


if __name__ == "__main__":
    main()
