"""Start `evigraph serve` as a child process for a benchmark and wait until it answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from graph.local.process import free_port

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def serve(env: dict[str, str], log: Path, port: int | None = None) -> Iterator[tuple[str, int]]:
    """Yield (base URL, pid) of a server on a free port; stop it (SIGTERM) afterwards."""
    port = port or free_port()
    evigraph = Path(sys.executable).with_name("evigraph")
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(evigraph), "serve", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, proc, log)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"evigraph serve exited ({proc.returncode}); see {log}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"evigraph serve did not answer within {timeout:.0f} s; see {log}")
