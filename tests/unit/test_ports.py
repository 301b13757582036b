"""A taken port stops `evigraph serve` and `evigraph neo4j start` with one line that names the
port and the setting to change, before anything slow starts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


def _evigraph(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import sys; from cli.main import main; sys.argv = ['evigraph', *sys.argv[1:]]; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )


def test_api_port_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().api.port == 8000
    monkeypatch.setenv("EVIGRAPH_API__PORT", "8123")
    monkeypatch.setenv("EVIGRAPH_API__HOST", "0.0.0.0")
    s = Settings()
    assert (s.api.host, s.api.port) == ("0.0.0.0", 8123)


def test_serve_on_a_taken_port_says_which_setting_to_change(taken_port: int) -> None:
    out = _evigraph(["serve"], {"EVIGRAPH_API__PORT": str(taken_port)})
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert f"port {taken_port}" in lines[0]
    assert "EVIGRAPH_API__PORT" in lines[0]


def test_neo4j_start_on_a_taken_port_says_which_setting_to_change(
    taken_port: int, tmp_path: Path
) -> None:
    env = {
        "EVIGRAPH_NEO4J__BOLT_PORT": str(taken_port),
        "EVIGRAPH_NEO4J__HOME": str(tmp_path / "neo4j"),
        "EVIGRAPH_NEO4J__URI": "",
    }
    out = _evigraph(["neo4j", "start"], env)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert f"port {taken_port}" in lines[0]
    assert "EVIGRAPH_NEO4J__BOLT_PORT" in lines[0]
