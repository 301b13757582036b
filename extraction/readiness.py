"""Each extraction model's state (ready, training, queued, failed, missing), read from files
alone: its checkpoint files, the training job's lock and state.json, the step's log. A few
stats, so the API asks on every request and the CLI without importing torch."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.settings import Settings
from extraction import jobs


@dataclass(frozen=True)
class ModelSpec:
    """`ready` lists the files that must all exist; `watched` those whose change means a
    new model to load; `train` the `evigraph` arguments of its training step."""

    name: str
    train: tuple[str, ...]
    ready: Callable[[Settings], list[Path]]
    watched: Callable[[Settings], list[Path]]
    args: Callable[[Settings], list[str]] | None = None  # arguments that depend on settings


def ade_dir(settings: Settings) -> Path:
    return settings.ade.checkpoint_dir or settings.models.var_dir / "ade"


def _ade_ready(settings: Settings) -> list[Path]:
    folder = ade_dir(settings)
    pairs = [folder / p / "model.pt" for p in ("pair", "single")]
    return [folder / "dictionary.json", next((p for p in pairs if p.is_file()), pairs[-1])]


def _ade_watched(settings: Settings) -> list[Path]:
    folder = ade_dir(settings)
    return sorted([*folder.glob("*.json"), *folder.glob("*/*.pt"), *folder.glob("*/*.json")])


def _maude(settings: Settings) -> list[Path]:
    return [settings.models.var_dir / "maude" / "severity" / "meta.json"]


def _biored(settings: Settings) -> list[Path]:
    return [settings.models.var_dir / "biored" / "biored.pt"]


# The literature that ships in ../shared/data, extracted once the models are ready, so the
# analyst queries return rows out of the box: the 2016 MEDLINE file (ADE) and the annotated
# abstracts of the held-out test splits, which no model here was trained on (ADE, and BioRED
# on their gene, chemical and disease annotations); its summary file marks it done.
SHIPPED_LITERATURE = (
    "pubmed/medline16n0902.xml.gz",
    "biored/Test.PubTator.txt",
    "bc5cdr/CDR_TestSet.PubTator.txt",
)


def _literature(settings: Settings) -> list[Path]:
    return [settings.models.var_dir / "literature" / "shipped.json"]


def _literature_args(settings: Settings) -> list[str]:
    paths = [str(settings.ingest.data_dir / p) for p in SHIPPED_LITERATURE]
    # auto: every extractor whose model the job trained (a failed one is left out)
    return [*paths, "--extractors", "auto", "--write", "--summary", str(_literature(settings)[0])]


ADE_TRAIN = (
    *("extract", "ade-train", "--if-missing"),
    *("--tagger-seconds", "14400", "--gate-seconds", "3600"),
)


def _phenotype(settings: Settings) -> list[Path]:
    return [settings.models.phenotype_reranker]


MODELS: dict[str, ModelSpec] = {
    # The phenotype re-ranker first (about 2 min): the evidence service ranks by information
    # content until its file appears, then loads it (retrieval/phenotype/ranker.py refresh).
    "phenotype": ModelSpec(
        "phenotype", ("phenotype", "train", "--if-missing"), _phenotype, _phenotype
    ),
    "maude": ModelSpec("maude", ("extract", "maude-train", "--if-missing"), _maude, _maude),
    # The ADE recipe is fixed in epochs (ade-train's defaults); the seconds are a safety net
    # far above its time on 2 busy cores (48 min), and a cut is warned and reported.
    "ade": ModelSpec(
        "ade",
        ADE_TRAIN,
        _ade_ready,
        _ade_watched,
    ),
    "biored": ModelSpec("biored", ("extract", "biored-train"), _biored, _biored),
    "literature": ModelSpec(
        "literature", ("extract", "literature"), _literature, _literature, _literature_args
    ),
}


def job_paths(settings: Settings) -> jobs.JobPaths:
    return jobs.JobPaths(settings.models.var_dir / "train")


def training_steps(settings: Settings) -> list[jobs.Step]:
    """The job's steps: each model's training command, skipped once its files exist."""
    cli = [sys.executable, "-m", "cli.main"]
    return [
        jobs.Step(
            m.name,
            [*cli, *m.train, *(m.args(settings) if m.args else [])],
            [str(p) for p in m.ready(settings)],
        )
        for m in MODELS.values()
    ]


def trained(name: str, settings: Settings) -> bool:
    return all(p.is_file() for p in MODELS[name].ready(settings))


def signature(name: str, settings: Settings) -> tuple[tuple[str, int, int], ...]:
    """What identifies the trained model on disk: (path, mtime, size) of its watched files."""
    out = []
    for p in MODELS[name].watched(settings):
        try:
            st = p.stat()
        except FileNotFoundError:
            continue
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(out)


def model_state(name: str, settings: Settings) -> dict[str, Any]:
    """One model's state: ready (with a version), training (with progress), queued, failed
    (with the log's last lines) or missing (with the command that trains it)."""
    spec, paths = MODELS[name], job_paths(settings)
    running = jobs.is_running(paths)
    step = jobs.read_state(paths).get("steps", {}).get(name, {}) if paths.state.exists() else {}
    if running and step.get("status") == "running":
        return {"state": "training", **_progress(paths.step_log(name), step)}
    files = spec.ready(settings)
    if all(p.is_file() for p in files):
        newest = max(p.stat().st_mtime for p in files)
        return {"state": "ready", "version": datetime.fromtimestamp(newest, UTC).isoformat()}
    if running and step.get("status") == "queued":
        return {"state": "queued", "detail": "waits for the models trained before it"}
    if step.get("status") in ("failed", "running"):  # running without a job: interrupted
        lines = jobs_tail(paths.step_log(name), 10)
        what = "failed" if step.get("status") == "failed" else "interrupted"
        return {"state": "failed", "detail": f"training {what}", "log": lines}
    return {"state": "missing", "train": "evigraph models train"}


def all_states(settings: Settings) -> dict[str, Any]:
    paths = job_paths(settings)
    running = jobs.is_running(paths)
    return {
        "job": {
            "running": running,
            "pid": jobs.read_pid(paths) if running else None,
            "log": str(paths.log),
        },
        "models": {name: model_state(name, settings) for name in MODELS},
    }


# What extraction.progress.Progress writes; training loops without it still show their last line.
_FIELDS = {
    "step": re.compile(r"\bstep (\d+)/(\d+)"),
    "epoch": re.compile(r"\bepoch ([\d.]+)/([\d.]+)"),
    "loss": re.compile(r"\bloss ([\d.eE+-]+)"),
    "eta": re.compile(r"\bETA ([\w.:]+)"),
}


def _progress(log: Path, step: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"elapsed_s": round(time.time() - float(step.get("started", 0)))}
    lines = jobs_tail(log, 200)
    if lines:
        out["last_line"] = lines[-1]
    for line in reversed(lines):
        if "progress" not in line or line.startswith("--- "):  # not the step's header
            continue
        for key, rx in _FIELDS.items():
            m = rx.search(line)
            if m:
                out[key] = m.group(1) if key in ("loss", "eta") else f"{m.group(1)}/{m.group(2)}"
        break
    return out


def jobs_tail(path: Path, n: int) -> list[str]:
    """The last `n` non-empty lines of a log (reads its last 64 KB)."""
    try:
        with path.open("rb") as f:
            f.seek(max(0, path.stat().st_size - 65536))
            text = f.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return []
    return [ln for ln in text.splitlines() if ln.strip()][-n:]
