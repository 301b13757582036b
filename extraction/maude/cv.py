"""5-fold cross-validation of a severity model: per-fold metrics, fold fingerprints,
out-of-fold calibration of P(Death), and a results JSON that the report step compares."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import numpy as np

from extraction.maude.death_rule import METHOD, RuleSpec, fit_rule, pooled_recall
from extraction.maude.folds import Fold, make_folds, split_fingerprint
from extraction.maude.metrics import (
    death_calibration,
    death_operating_points,
    fit_temperature,
    fold_metrics,
    reliability,
    softmax,
    summarise,
)
from extraction.maude.records import DEATH, LABELS, MaudeReport

logger = logging.getLogger(__name__)


class SeverityModel(Protocol):
    kind: str
    params: dict[str, object]

    def fit(self, texts: Sequence[str], y: np.ndarray) -> list[float]: ...

    def logits(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class CVInput:
    reports: list[MaudeReport]  # labelled reports only
    source: str
    source_sha256: str
    rows: int
    unlabelled: int


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def labels_of(reports: Sequence[MaudeReport]) -> np.ndarray:
    return np.array([LABELS.index(str(r.label)) for r in reports])


def run_cv(
    data: CVInput,
    new_model: Callable[[], SeverityModel],
    *,
    n_splits: int = 5,
    seed: int = 13,
    only_folds: Sequence[int] | None = None,
    rule: RuleSpec | None = None,
    folds: Sequence[Fold] | None = None,
) -> dict[str, object]:
    """Train a fresh model per fold, score its held-out fold, and collect the results.
    With `rule`, each fold also gets a Death rule chosen on its training reports only."""
    reports = data.reports
    y = labels_of(reports)
    texts = [r.text for r in reports]
    folds = list(folds) if folds is not None else make_folds(reports, n_splits, seed)
    done = [f for f in folds if not only_folds or f.index in only_folds]
    oof = np.full((len(reports), len(LABELS)), np.nan, dtype=np.float64)
    rule_pred = np.full(len(reports), -1)
    per_fold: list[dict[str, object]] = []
    rule_rows: list[dict[str, object]] = []
    kind, params = "", {}
    for fold in done:
        model = new_model()
        kind, params = model.kind, model.params
        t0 = time.perf_counter()
        losses = model.fit([texts[i] for i in fold.train], y[fold.train])
        train_s = time.perf_counter() - t0
        logits = model.logits([texts[i] for i in fold.test])
        oof[fold.test] = logits
        m = fold_metrics(y[fold.test], softmax(logits))
        m.update(fold=fold.index, fingerprint=fold.fingerprint, train_seconds=round(train_s, 1))
        if losses:
            m["loss_first_last"] = [round(losses[0], 4), round(losses[-1], 4)]
        _log(kind, "argmax", fold, m, train_s)
        per_fold.append(m)
        if rule is not None:
            train = [reports[i] for i in fold.train]
            row = _rule_fold(train, new_model, rule, logits, y[fold.test])
            rule_pred[fold.test] = row.pop("pred")
            row.update(fold=fold.index, fingerprint=fold.fingerprint)
            _log(kind, "Death rule", fold, row, float(str(row["rule_seconds"])))
            rule_rows.append(row)
    idx = np.concatenate([f.test for f in done])
    out: dict[str, object] = {
        "model": kind,
        "params": params,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "data": _data_block(data, y),
        "folds": [_fold_block(f, y) for f in folds],
        "split_fingerprint": split_fingerprint(folds),
        "per_fold": per_fold,
        "summary": summarise(per_fold),
        "pooled_death_recall": pooled_recall(y[idx] == DEATH, oof[idx].argmax(axis=1)),
        "calibration": _calibration(oof, y, done),
        "train_seconds_total": round(sum(float(str(m["train_seconds"])) for m in per_fold), 1),
    }
    if rule is not None:
        out["death_rule"] = {
            "method": METHOD,
            "spec": asdict(rule),
            "per_fold": rule_rows,
            "summary": summarise(rule_rows),
            "pooled_death_recall": pooled_recall(y[idx] == DEATH, rule_pred[idx]),
        }
    return out


def _rule_fold(
    train: list[MaudeReport],
    new_model: Callable[[], SeverityModel],
    spec: RuleSpec,
    test_logits: np.ndarray,
    y_test: np.ndarray,
) -> dict[str, object]:
    """Choose the rule on the fold's training reports, then score its held-out logits."""
    t0 = time.perf_counter()
    rule = fit_rule(train, new_model, spec)
    pred = rule.predict(test_logits)
    row = fold_metrics(y_test, softmax(test_logits, rule.temperature), y_pred=pred)
    row.update(
        threshold=rule.threshold,
        temperature=rule.temperature,
        inner_recall=rule.inner_recall,
        inner_precision=rule.inner_precision,
        inner_deaths=rule.inner_deaths,
        rule_seconds=round(time.perf_counter() - t0, 1),
        pred=pred,
    )
    return row


def _log(kind: str, how: str, fold: Fold, m: dict[str, object], seconds: float) -> None:
    logger.info(
        "%s fold %d (%s): F1w %.3f F1 Death %.3f Death recall %.3f (%.0fs)",
        kind,
        fold.index,
        how,
        m["f1_weighted"],
        m["f1_death"],
        m["death_recall"],
        seconds,
    )


def _calibration(oof: np.ndarray, y: np.ndarray, folds: Sequence[Fold]) -> dict[str, object]:
    """Raw P(Death) calibration, and temperature scaling cross-fitted over folds: each fold's
    temperature is fitted on the other folds' out-of-fold logits, never on its own."""
    if len(folds) < 2:
        return {}
    raw_rows, cal_rows, temps = [], [], []
    cal_proba = np.zeros_like(oof)
    for f in folds:
        others = np.concatenate([g.test for g in folds if g.index != f.index])
        t = fit_temperature(oof[others], y[others])
        temps.append(round(t, 3))
        cal_proba[f.test] = softmax(oof[f.test], t)
        raw_rows.append(death_calibration(y[f.test] == DEATH, softmax(oof[f.test])[:, DEATH]))
        cal_rows.append(death_calibration(y[f.test] == DEATH, cal_proba[f.test][:, DEATH]))
    idx = np.concatenate([f.test for f in folds])
    is_death = y[idx] == DEATH
    return {
        "method": "temperature scaling, cross-fitted over folds",
        "temperatures": temps,
        "raw": summarise(raw_rows),  # type: ignore[arg-type]
        "temperature_scaled": summarise(cal_rows),  # type: ignore[arg-type]
        "reliability_raw": reliability(is_death, softmax(oof[idx])[:, DEATH]),
        "reliability_scaled": reliability(is_death, cal_proba[idx][:, DEATH]),
        "death_operating_points": death_operating_points(is_death, cal_proba[idx][:, DEATH]),
    }


def _data_block(data: CVInput, y: np.ndarray) -> dict[str, object]:
    return {
        "source": data.source,
        "sha256": data.source_sha256,
        "rows": data.rows,
        "labelled_reports": len(data.reports),
        "dropped_no_answer": data.unlabelled,
        "class_counts": {LABELS[c]: int((y == c).sum()) for c in range(len(LABELS))},
    }


def _fold_block(f: Fold, y: np.ndarray) -> dict[str, object]:
    return {
        "fold": f.index,
        "fingerprint": f.fingerprint,
        "n_train": len(f.train),
        "n_test": len(f.test),
        "test_deaths": int((y[f.test] == DEATH).sum()),
    }


def _machine() -> dict[str, object]:
    import torch

    return {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "note": "2-core machine shared with other agents during the run",
    }


def save_results(results: dict[str, object], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"maude_cv_{results['model']}.json"
    path.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path
