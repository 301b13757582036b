"""The background training job with real subprocesses standing in for the trainers: one job at
a time, a lock no killed job leaves stuck, stop ends every process, states read from files."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from core.settings import ModelSettings, Settings
from extraction import jobs, readiness
from graph.local.process import pid_alive


def _wait(cond: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _fake_trainer(tmp: Path, out: Path, name: str = "x") -> list[str]:
    """Writes its pid, a progress line, waits for <tmp>/go-<name>, then writes `out`."""
    code = (
        "import os, sys, time, pathlib\n"
        f"pathlib.Path({str(tmp / f'pid-{name}')!r}).write_text(str(os.getpid()))\n"
        "print('progress tagger: step 3/10 (30%), epoch 1/2, loss 0.5, ETA 1m10s', flush=True)\n"
        f"while not pathlib.Path({str(tmp / f'go-{name}')!r}).exists(): time.sleep(0.05)\n"
        f"pathlib.Path({str(out)!r}).parent.mkdir(parents=True, exist_ok=True)\n"
        f"pathlib.Path({str(out)!r}).write_text('model')\n"
    )
    return [sys.executable, "-c", code]


def test_a_job_runs_once_and_records_each_step(tmp_path: Path) -> None:
    paths = jobs.JobPaths(tmp_path / "train")
    out = tmp_path / "model.pt"
    steps = [jobs.Step("a", _fake_trainer(tmp_path, out), [str(out)])]
    assert jobs.start(paths, steps) is not None
    _wait(lambda: (tmp_path / "pid-x").exists())
    assert jobs.is_running(paths)
    assert jobs.start(paths, steps) is None  # never twice at once
    assert jobs.read_state(paths)["steps"]["a"]["status"] == "running"
    (tmp_path / "go-x").touch()
    _wait(lambda: not jobs.is_running(paths))
    assert out.read_text() == "model"
    assert jobs.read_state(paths)["steps"]["a"]["status"] == "done"
    assert "progress tagger" in paths.step_log("a").read_text()
    # a second job finds the model present and trains nothing
    paths.state.unlink()
    assert jobs.start(paths, steps) is not None
    _wait(lambda: "finished" in jobs.read_state(paths) and not jobs.is_running(paths))
    assert jobs.read_state(paths)["steps"]["a"]["status"] == "present"


def test_stop_ends_the_runner_and_its_step(tmp_path: Path) -> None:
    paths = jobs.JobPaths(tmp_path / "train")
    steps = [jobs.Step("a", _fake_trainer(tmp_path, tmp_path / "m.pt"), [])]
    jobs.start(paths, steps)
    _wait(lambda: (tmp_path / "pid-x").exists())
    step_pid = int((tmp_path / "pid-x").read_text())
    assert jobs.stop(paths)
    assert not jobs.is_running(paths)
    _wait(lambda: not pid_alive(step_pid))
    assert not jobs.stop(paths)  # nothing left to stop


def test_a_killed_runner_leaves_the_lock_to_its_step_then_to_nobody(tmp_path: Path) -> None:
    paths = jobs.JobPaths(tmp_path / "train")
    out = tmp_path / "m.pt"
    jobs.start(paths, [jobs.Step("a", _fake_trainer(tmp_path, out), [str(out)])])
    _wait(lambda: (tmp_path / "pid-x").exists())
    runner = jobs.read_pid(paths)
    assert runner is not None
    os.kill(runner, signal.SIGKILL)
    _wait(lambda: not pid_alive(runner))
    assert jobs.is_running(paths)  # the orphaned step still trains: no second job may start
    os.kill(int((tmp_path / "pid-x").read_text()), signal.SIGKILL)
    _wait(lambda: not jobs.is_running(paths))
    (tmp_path / "pid-x").unlink()
    jobs.start(paths, [jobs.Step("a", _fake_trainer(tmp_path, out), [str(out)])])  # picked up
    _wait(lambda: (tmp_path / "pid-x").exists())
    (tmp_path / "go-x").touch()
    _wait(lambda: out.is_file() and not jobs.is_running(paths))


def test_model_states_from_the_job_and_the_files(tmp_path: Path) -> None:
    settings = Settings(models=ModelSettings(var_dir=tmp_path / "var"))
    paths = readiness.job_paths(settings)
    (maude,) = readiness.MODELS["maude"].ready(settings)
    steps = [
        jobs.Step("maude", _fake_trainer(tmp_path, maude, "maude"), [str(maude)]),
        jobs.Step("biored", [sys.executable, "-c", "print('CUDA out of memory'); exit(3)"], []),
    ]
    assert readiness.model_state("maude", settings)["state"] == "missing"
    jobs.start(paths, steps)
    _wait(lambda: (tmp_path / "pid-maude").exists())
    _wait(lambda: "step" in readiness.model_state("maude", settings))
    training = readiness.model_state("maude", settings)
    assert training["state"] == "training"
    assert (training["step"], training["epoch"], training["eta"]) == ("3/10", "1/2", "1m10s")
    assert readiness.model_state("biored", settings)["state"] == "queued"
    (tmp_path / "go-maude").touch()
    _wait(lambda: not jobs.is_running(paths))
    assert readiness.model_state("maude", settings)["state"] == "ready"
    failed = readiness.model_state("biored", settings)
    assert failed["state"] == "failed" and "CUDA out of memory" in failed["log"][-1]
    assert readiness.all_states(settings)["job"]["running"] is False


def test_the_job_extracts_the_shipped_literature_after_the_models(tmp_path: Path) -> None:
    """make run's background job ends by extracting the PubMed file and the annotated test
    abstracts in ../shared/data with every model it trained, so the analyst queries return
    rows; its summary marks the step done."""
    from core.settings import IngestSettings

    settings = Settings(
        models=ModelSettings(var_dir=tmp_path / "var"),
        ingest=IngestSettings(data_dir=tmp_path / "data"),
    )
    steps = readiness.training_steps(settings)
    assert [s.name for s in steps] == ["phenotype", "maude", "ade", "biored", "literature"]
    lit = steps[-1]
    summary = str(tmp_path / "var" / "literature" / "shipped.json")
    assert lit.done == [summary]
    data = tmp_path / "data"
    assert lit.argv[-10:] == [
        *("extract", "literature", str(data / "pubmed" / "medline16n0902.xml.gz")),
        *(
            str(data / "biored" / "Test.PubTator.txt"),
            str(data / "bc5cdr" / "CDR_TestSet.PubTator.txt"),
        ),
        *("--extractors", "auto", "--write", "--summary", summary),
    ]
