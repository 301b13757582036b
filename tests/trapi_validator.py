"""Run reasoner-validator (the `.venv-trapi` venv, `make trapi-venv`) offline on TRAPI answers."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from core.settings import PROJECT_ROOT

PYTHON = PROJECT_ROOT / ".venv-trapi" / "bin" / "python"
MARKER = "TRAPI-REPORT "


def validate(answers: list[dict[str, Any]], folder: Path) -> list[dict[str, Any]]:
    """Per answer: {"critical": {code: ...}, "errors": {...}, "warnings": {...}}."""
    assert PYTHON.is_file(), f"no TRAPI validator venv at {PYTHON}: run `make trapi-venv`"
    files = []
    for n, body in enumerate(answers):
        path = folder / f"answer-{n}.json"
        path.write_text(json.dumps(body))
        files.append(str(path))
    done = subprocess.run(
        [str(PYTHON), "-m", "interop.trapi.validate_run", *files],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith(MARKER))
    reports: list[dict[str, Any]] = json.loads(line[len(MARKER) :])
    return reports
