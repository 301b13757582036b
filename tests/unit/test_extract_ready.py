"""An extraction endpoint answers 503 problem+json with Retry-After and the training state
until its model is trained, then serves it without a restart, and reloads a retrained one."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.settings import ApiSettings, ModelSettings, Neo4jSettings, Settings
from extraction import jobs, readiness
from graph.local.process import free_port

REPORT = {"mdr_report_key": "1", "text": "The mesh eroded and was removed."}


def _wait(cond: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return Settings(
        neo4j=Neo4jSettings(uri=f"bolt://127.0.0.1:{free_port()}", max_retry_time_s=0),
        models=ModelSettings(var_dir=tmp_path / "var"),
        api=ApiSettings(load_models=False),
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def _trainer(folder: Path, threshold: float, go: Path) -> list[str]:
    """A real training run of the fixture's TF-IDF severity model with a set Death rule."""
    code = (
        "import pathlib, time\n"
        "print('progress maude: step 1/4, loss 0.7, ETA 2m00s', flush=True)\n"
        f"while not pathlib.Path({str(go)!r}).exists(): time.sleep(0.05)\n"
        "from tests.integration.test_maude_writeback import ruled_service\n"
        f"ruled_service(pathlib.Path({str(folder)!r}), {threshold})\n"
    )
    return [sys.executable, "-c", code]


def _predict(client: TestClient) -> dict[str, object]:
    r = client.post("/v1/extract/maude", json={"reports": [REPORT]})
    assert r.status_code == 200, r.text
    pred: dict[str, object] = r.json()["predictions"][0]
    return pred


def test_503_while_training_then_served_and_reloaded(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    r = client.post("/v1/extract/maude", json={"reports": [REPORT]})
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["Retry-After"] == str(settings.api.retry_after_s)
    assert r.json()["training"]["state"] == "missing" and r.json()["model"] == "maude"

    paths = readiness.job_paths(settings)
    folder = readiness.MODELS["maude"].ready(settings)[0].parent
    go = tmp_path / "go"
    jobs.start(paths, [jobs.Step("maude", _trainer(folder, 0.0, go), [])])
    _wait(lambda: "step" in readiness.model_state("maude", settings))
    r = client.post("/v1/extract/maude", json={"reports": [REPORT]})
    assert r.status_code == 503 and r.headers["Retry-After"] == "60"
    assert r.json()["training"]["state"] == "training"
    assert r.json()["training"]["step"] == "1/4" and "ETA 2m00s" in r.json()["detail"]
    ready = client.get("/readyz").json()["extraction"]
    assert ready["job"]["running"] and ready["models"]["maude"]["state"] == "training"
    assert ready["models"]["maude"]["loaded"] is False

    go.touch()
    _wait(lambda: not jobs.is_running(paths))
    assert _predict(client)["death_threshold"] == 0.0  # trained meanwhile: no restart
    maude = client.get("/readyz").json()["extraction"]["models"]["maude"]
    assert maude["state"] == "ready" and maude["loaded"] is True  # held in the app's state

    paths.state.unlink()
    jobs.start(paths, [jobs.Step("maude", _trainer(folder, 2.0, go), [])])  # a retrain
    _wait(lambda: "finished" in jobs.read_state(paths) and not jobs.is_running(paths))
    assert _predict(client)["death_threshold"] == 2.0
