"""The ingest lock: a second ingest on the same database is refused at once with the holder
named; a holder killed with SIGKILL leaves nothing stuck. Real processes, no mocks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.exceptions import IngestError
from core.settings import ModelSettings, Neo4jSettings, Settings
from ingest.lock import ingest_lock, lock_path

HOLD = """
import sys, time
from pathlib import Path
from ingest.lock import ingest_lock
with ingest_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def _holder(path: Path) -> subprocess.Popen[str]:
    root = Path(__file__).parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(root)},
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_ingest_is_refused_naming_the_first(tmp_path: Path) -> None:
    path = tmp_path / "ingest.lock"
    proc = _holder(path)
    try:
        refused = rf"another ingest is running .*pid {proc.pid}"
        with pytest.raises(IngestError, match=refused), ingest_lock(path):
            pass
    finally:
        proc.kill()
        proc.wait()


def test_a_killed_holder_leaves_no_stuck_lock(tmp_path: Path) -> None:
    path = tmp_path / "ingest.lock"
    proc = _holder(path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while True:  # the kernel drops the lock with the process
        try:
            with ingest_lock(path):
                break
        except IngestError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    with ingest_lock(path), pytest.raises(IngestError), ingest_lock(path):
        pass  # and it still excludes


def test_the_lock_lives_beside_the_database(tmp_path: Path) -> None:
    local = Settings(neo4j=Neo4jSettings(home=tmp_path / "n4j"))
    assert lock_path(local) == tmp_path / "n4j" / "ingest.lock"
    a, b = (
        Settings(
            neo4j=Neo4jSettings(uri=f"neo4j://db{n}:7687"),
            models=ModelSettings(var_dir=tmp_path / "var"),
        )
        for n in (1, 2)
    )
    assert lock_path(a).parent == tmp_path / "var" / "locks" and lock_path(a) != lock_path(b)
