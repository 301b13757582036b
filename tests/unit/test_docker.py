"""What can be checked of the Docker deployment without a Docker engine: the image holds every
package, its command ends by serving, and ports, volumes and the healthcheck agree."""

from __future__ import annotations

import fnmatch
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.settings import PROJECT_ROOT

DOCKERFILE = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
ENTRY = PROJECT_ROOT / "scripts" / "docker-entry.sh"


def _instructions(name: str) -> list[list[str]]:
    return [
        shlex.split(line)[1:]
        for line in DOCKERFILE.splitlines()
        if line.strip().upper().startswith(name + " ")
    ]


def _ignored(path: str) -> bool:
    patterns = [
        p.strip()
        for p in (PROJECT_ROOT / ".dockerignore").read_text().splitlines()
        if p.strip() and not p.startswith("#")
    ]
    return any(fnmatch.fnmatch(path, p) for p in patterns)


def _copied(path: str) -> bool:
    for args in _instructions("COPY"):
        sources = args[:-1]
        if path in sources or (("." in sources or "./" in sources) and not _ignored(path)):
            return True
    return False


def _packages() -> list[str]:
    with (PROJECT_ROOT / "pyproject.toml").open("rb") as f:
        include = tomllib.load(f)["tool"]["setuptools"]["packages"]["find"]["include"]
    return sorted({p.rstrip("*").rstrip(".") for p in include})


@pytest.mark.parametrize("package", _packages())
def test_the_image_copies_every_package(package: str) -> None:
    assert (PROJECT_ROOT / package).is_dir()
    assert _copied(package), f"the Dockerfile does not copy {package}/"


def test_the_image_leaves_out_environments_and_artefacts() -> None:
    for path in (".venv", ".neo4j", ".neo4j-test", "var", ".git", "results/x.tmp"):
        assert _ignored(path), path


def _entry_commands() -> list[list[str]]:
    lines = [ln.strip() for ln in ENTRY.read_text(encoding="utf-8").splitlines()]
    return [shlex.split(ln) for ln in lines if ln and not ln.startswith(("#", "set "))]


def test_the_command_prepares_then_serves() -> None:
    (cmd,) = _instructions("CMD")
    assert "scripts/docker-entry.sh" in " ".join(cmd)
    assert _copied("scripts")
    commands = _entry_commands()
    assert commands[-1][:3] == ["exec", "evigraph", "serve"], "the entry script must end serving"
    prepared = [" ".join(c[1:3]) for c in commands]
    for step in ("ingest all", "embeddings", "caff train", "models train"):
        assert any(p.startswith(step) for p in prepared), step
    assert prepared.index("models train") < len(prepared) - 1  # training starts before serving


def test_every_entry_command_exists(capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import app

    for cmd in _entry_commands():
        words: list[str] = []
        for w in cmd[cmd.index("evigraph") + 1 :]:
            if w.startswith("-"):
                break
            words.append(w)
        app([*words, "--help"], standalone_mode=False)  # an unknown command raises
        assert "Usage:" in capsys.readouterr().out


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    return {str(k): str(v) for k, v in env.items()}


def test_ports_agree_and_publish_on_localhost_only() -> None:
    evigraph = COMPOSE["services"]["evigraph"]
    port = _env(evigraph)["EVIGRAPH_API__PORT"]
    assert _env(evigraph)["EVIGRAPH_API__HOST"] == "0.0.0.0"
    assert f"EVIGRAPH_API__PORT={port}" in DOCKERFILE
    assert f"127.0.0.1:{port}:{port}" in evigraph["ports"]
    assert f"http://127.0.0.1:{port}/readyz" in " ".join(evigraph["healthcheck"]["test"])
    for name, service in COMPOSE["services"].items():
        for mapping in service.get("ports", []):
            assert mapping.startswith("127.0.0.1:"), f"{name} publishes {mapping} beyond localhost"
    assert "127.0.0.1:7474:7474" in COMPOSE["services"]["neo4j"]["ports"]  # Neo4j Browser
    bolt = COMPOSE["services"]["neo4j"]["ports"][0].split(":")[-1]
    assert _env(evigraph)["EVIGRAPH_NEO4J__URI"] == f"bolt://neo4j:{bolt}"


def test_volumes_are_declared_and_hold_the_artefacts() -> None:
    declared = set(COMPOSE["volumes"])
    for service in COMPOSE["services"].values():
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"volume {source} is not declared"
    mounts = {m.split(":")[1]: m.split(":")[0] for m in COMPOSE["services"]["evigraph"]["volumes"]}
    (volume,) = _instructions("VOLUME")
    assert "/app/var" in " ".join(volume) and mounts["/app/var"] in declared
    assert mounts["/shared/data"].endswith("shared/data")
    assert Path(_env(COMPOSE["services"]["evigraph"])["EVIGRAPH_INGEST__DATA_DIR"]) == Path(
        "/shared/data"
    )


def test_the_entry_script_prepares_what_make_run_prepares() -> None:
    """Every step of `make run` between the server's start and serving (ingest, index, the
    evidence filter, the training job, which trains the phenotype re-ranker first) is in the
    image's command."""
    make = (PROJECT_ROOT / "Makefile").read_text().split("\nrun: ", 1)[1].split("\n\n", 1)[0]
    steps = [
        line.strip().removeprefix("$(EVIGRAPH) ")
        for line in make.splitlines()[1:]
        if line.strip().startswith("$(EVIGRAPH) ")
    ]
    steps = [s for s in steps if not s.startswith(("neo4j ", "serve"))]
    entry = (PROJECT_ROOT / "scripts" / "docker-entry.sh").read_text().splitlines()
    assert len(steps) >= 6
    assert all(f"evigraph {s}" in entry for s in steps), steps
