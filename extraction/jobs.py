"""The extraction models' training as one managed background job (as graph/local/runtime.py manages
the local Neo4j): `start` spawns a runner in its own session, so it outlives the terminal,
and the runner runs one step per model, each a subprocess with its own log.

Layout under the job folder (<var>/train): job.lock (flock-ed by the runner and handed to every
step, so the lock lasts exactly as long as some part of the job lives: a killed job leaves
nothing stuck, and a second runner gives up at once), job.pid, spec.json (the steps),
state.json (each step's status and times), job.log (the runner's own lines), <step>.log."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from core.settings import PROJECT_ROOT


@dataclass(frozen=True)
class Step:
    """One model's training: `argv` runs it; it is skipped when every file of `done` exists."""

    name: str
    argv: list[str]
    done: list[str]


@dataclass(frozen=True)
class JobPaths:
    root: Path

    @property
    def lock(self) -> Path:
        return self.root / "job.lock"

    @property
    def pid(self) -> Path:
        return self.root / "job.pid"

    @property
    def spec(self) -> Path:
        return self.root / "spec.json"

    @property
    def state(self) -> Path:
        return self.root / "state.json"

    @property
    def log(self) -> Path:
        return self.root / "job.log"

    def step_log(self, name: str) -> Path:
        return self.root / f"{name}.log"


def is_running(paths: JobPaths) -> bool:
    """True while a runner or one of its steps holds the lock (a stat and an flock probe)."""
    if not paths.lock.exists():
        return False
    fd = os.open(paths.lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the probe's own lock
    return False


def read_pid(paths: JobPaths) -> int | None:
    with contextlib.suppress(FileNotFoundError, ValueError):
        return int(paths.pid.read_text(encoding="utf-8").strip())
    return None


def read_state(paths: JobPaths) -> dict[str, Any]:
    with contextlib.suppress(FileNotFoundError, json.JSONDecodeError):
        state: dict[str, Any] = json.loads(paths.state.read_text(encoding="utf-8"))
        return state
    return {}


def start(paths: JobPaths, steps: list[Step]) -> int | None:
    """Spawn the runner for `steps` unless a job runs; its pid, or None when one already ran.
    Two callers racing both spawn a runner, and the second one's runner exits at the lock."""
    if is_running(paths):
        return None
    write_spec(paths, steps)
    with paths.log.open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "extraction.jobs", str(paths.root)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
            start_new_session=True,  # survives the terminal; stopped with `models stop`
        )
    return proc.pid


def write_spec(paths: JobPaths, steps: list[Step]) -> None:
    paths.root.mkdir(parents=True, exist_ok=True)
    _write_json(paths.spec, {"steps": [asdict(s) for s in steps]})


def stop(paths: JobPaths, timeout_s: float = 30.0) -> bool:
    """SIGTERM the job's process group (runner and step), SIGKILL after `timeout_s`;
    False when no job ran."""
    pid = read_pid(paths)
    if not is_running(paths) or pid is None:
        return False
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not is_running(paths):
                return True
            time.sleep(0.1)
    return not is_running(paths)


def run(paths: JobPaths) -> int:
    """The runner: take the lock (or leave, when another job holds it), then run each step
    whose files are missing, recording its status in state.json."""
    paths.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(paths.lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        _say("another training job holds the lock; leaving it to run")
        return 0
    paths.pid.write_text(str(os.getpid()), encoding="utf-8")
    steps = [Step(**s) for s in json.loads(paths.spec.read_text(encoding="utf-8"))["steps"]]
    state: dict[str, Any] = {"pid": os.getpid(), "started": time.time(), "steps": {}}
    state["steps"] = {s.name: {"status": "queued"} for s in steps}
    _write_json(paths.state, state)
    failed = 0
    for step in steps:
        failed += _run_step(paths, step, state, fd)
    state["finished"] = time.time()
    _write_json(paths.state, state)
    _say(f"training job finished: {len(steps) - failed} of {len(steps)} steps done")
    return 1 if failed else 0


def _run_step(paths: JobPaths, step: Step, state: dict[str, Any], lock_fd: int) -> int:
    """Run one step (1 when it failed)."""
    record: dict[str, Any] = state["steps"][step.name]
    if step.done and all(Path(f).is_file() for f in step.done):
        record.update(status="present")
        _write_json(paths.state, state)
        return 0
    record.update(status="running", started=time.time(), log=str(paths.step_log(step.name)))
    _write_json(paths.state, state)
    _say(f"{step.name}: {' '.join(step.argv)} (log {paths.step_log(step.name)})")
    with paths.step_log(step.name).open("ab") as log:
        log.write(f"--- {time.strftime('%Y-%m-%dT%H:%M:%S')} {' '.join(step.argv)}\n".encode())
        log.flush()
        rc = subprocess.run(
            step.argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(lock_fd,),  # the lock lives while the step does, even past the runner
            cwd=PROJECT_ROOT,
            check=False,
        ).returncode
    record.update(status="done" if rc == 0 else "failed", rc=rc, finished=time.time())
    _write_json(paths.state, state)
    _say(f"{step.name}: {record['status']} (exit {rc})")
    return 0 if rc == 0 else 1


def _write_json(path: Path, obj: object) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(obj, indent=1), encoding="utf-8")
    tmp.replace(path)  # readers never see half a file


def _say(line: str) -> None:
    print(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {line}", flush=True)


if __name__ == "__main__":
    sys.exit(run(JobPaths(Path(sys.argv[1]))))
