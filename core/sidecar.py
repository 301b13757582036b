"""A module run by the Python of its own virtual environment (a sidecar venv): the tools whose
pins clash with evigraph's (kgx, hpo3) live there and are read through a subprocess."""

from __future__ import annotations

import subprocess
from pathlib import Path

from core.exceptions import EvigraphError
from core.settings import PROJECT_ROOT


def run_module(
    python: Path, module: str, args: list[str], what: str, missing: str, timeout_s: float
) -> str:
    """stdout of `python -m module args` run from the project root; an EvigraphError that
    starts with `what` when it times out or fails (with the end of its stderr), and says
    `missing` when `python` is not there."""
    if not python.is_file():
        raise EvigraphError(missing)
    cmd = [str(python), "-m", module, *args]
    try:
        done = subprocess.run(
            cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired as e:
        raise EvigraphError(f"{what} took over {timeout_s:.0f} s") from e
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise EvigraphError(f"{what} failed (exit {done.returncode}):\n{tail}")
    return done.stdout
