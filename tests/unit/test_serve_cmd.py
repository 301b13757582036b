"""`evigraph serve --workers N` hands over to a bare uvicorn supervisor with the same options."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.settings import get_settings


def test_several_workers_exec_a_bare_uvicorn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def fake_execv(path: str, argv: list[str]) -> None:
        calls.append(argv)
        raise SystemExit(0)

    monkeypatch.setenv("EVIGRAPH_MODELS__VAR_DIR", str(tmp_path))
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    monkeypatch.setattr(os, "execv", fake_execv)
    get_settings.cache_clear()  # read the variables set above
    try:
        result = CliRunner().invoke(app, ["serve", "--port", "8123", "--workers", "3"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    (argv,) = calls
    assert argv[:5] == [sys.executable, "-m", "uvicorn", "api.main:app_factory", "--factory"]
    assert argv[argv.index("--port") + 1] == "8123"
    assert argv[argv.index("--workers") + 1] == "3"
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path / "prometheus")
    assert (tmp_path / "prometheus").is_dir()
