"""A Death-aware decision rule: a report is Death when its calibrated P(Death) reaches a
threshold, otherwise the argmax of the other classes.

A missed death is the costliest triage error, so the threshold is set for a target Death
recall rather than left at the argmax. It is chosen by an inner cross-validation on the
training reports only: inner models score the inner held-out parts, a temperature is fitted
on those out-of-fold logits, and the threshold is the largest P(Death) that keeps the inner
out-of-fold Death recall at or above the target. The outer held-out fold (or, for the saved
checkpoint, any later input) is never seen while choosing it."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from core.exceptions import ExtractionError
from extraction.maude.folds import make_folds
from extraction.maude.metrics import fit_temperature, softmax
from extraction.maude.records import DEATH, LABELS, MaudeReport

if TYPE_CHECKING:
    from extraction.maude.cv import SeverityModel

logger = logging.getLogger(__name__)

METHOD = (
    "Death iff temperature-scaled P(Death) >= threshold, else argmax of the other classes; "
    "temperature and threshold from an inner stratified CV on the training reports only"
)


@dataclass(frozen=True)
class RuleSpec:
    """How to choose the rule: the Death recall to keep on the inner out-of-fold predictions,
    and the inner split (stratified, grouped on narrative text, like the outer one)."""

    target_recall: float = 0.9
    inner_splits: int = 5
    seed: int = 13

    def __post_init__(self) -> None:
        if not 0.0 < self.target_recall <= 1.0:
            raise ValueError(f"target Death recall must be in (0, 1], got {self.target_recall}")
        if self.inner_splits < 2:
            raise ValueError(f"inner CV needs at least 2 splits, got {self.inner_splits}")


@dataclass(frozen=True)
class DeathRule:
    threshold: float  # on softmax(logits / temperature)[:, Death]
    temperature: float
    target_recall: float
    inner_splits: int
    inner_deaths: int  # training deaths the threshold was read off
    inner_recall: float  # Death recall at the threshold on the inner out-of-fold predictions
    inner_precision: float
    inner_flagged_share: float

    def predict(self, logits: np.ndarray) -> np.ndarray:
        """(N,) class indices for (N, C) logits."""
        return apply_rule(softmax(logits, self.temperature), self.threshold)

    def as_dict(self) -> dict[str, object]:
        return {"method": METHOD, **asdict(self)}

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> DeathRule:
        fields = cls.__dataclass_fields__
        try:
            return cls(**{k: d[k] for k in fields})  # type: ignore[arg-type]
        except KeyError as e:
            raise ValueError(f"Death rule without {e.args[0]!r}") from e


def pick_threshold(is_death: np.ndarray, p_death: np.ndarray, target: float) -> float:
    """The largest t such that the share of deaths with p_death >= t is at least `target`:
    the ceil(target * deaths)-th highest P(Death) among the deaths."""
    deaths = np.sort(p_death[is_death])[::-1]
    if len(deaths) == 0:
        raise ExtractionError("no Death report to choose a Death threshold on")
    k = max(1, math.ceil(target * len(deaths) - 1e-9))
    return float(deaths[k - 1])


def apply_rule(proba: np.ndarray, threshold: float) -> np.ndarray:
    """Death where P(Death) >= threshold; elsewhere the most probable non-Death class."""
    others = proba.copy()
    others[:, DEATH] = -np.inf
    pred: np.ndarray = others.argmax(axis=1)
    pred[proba[:, DEATH] >= threshold] = DEATH
    return pred


def fit_rule(
    reports: Sequence[MaudeReport],
    new_model: Callable[[], SeverityModel],
    spec: RuleSpec,
) -> DeathRule:
    """Choose temperature and threshold by inner CV on `reports` (training reports only)."""
    y = np.array([LABELS.index(str(r.label)) for r in reports])
    texts = [r.text for r in reports]
    oof = np.zeros((len(reports), len(LABELS)))
    for fold in make_folds(reports, spec.inner_splits, spec.seed):
        model = new_model()
        model.fit([texts[i] for i in fold.train], y[fold.train])
        oof[fold.test] = model.logits([texts[i] for i in fold.test])
    return rule_from_oof(oof, y, spec)


def rule_from_oof(oof: np.ndarray, y: np.ndarray, spec: RuleSpec) -> DeathRule:
    """The rule read off out-of-fold logits (N, C) of labelled reports y (N,)."""
    temperature = fit_temperature(oof, y)
    proba = softmax(oof, temperature)
    is_death = y == DEATH
    threshold = pick_threshold(is_death, proba[:, DEATH], spec.target_recall)
    flagged = apply_rule(proba, threshold) == DEATH
    hits = int((flagged & is_death).sum())
    rule = DeathRule(
        threshold=threshold,
        temperature=temperature,
        target_recall=spec.target_recall,
        inner_splits=spec.inner_splits,
        inner_deaths=int(is_death.sum()),
        inner_recall=hits / int(is_death.sum()),
        inner_precision=hits / max(1, int(flagged.sum())),
        inner_flagged_share=float(flagged.mean()),
    )
    logger.info(
        "Death rule: P(Death) >= %.4f (T %.3f): inner recall %.3f, precision %.3f, %d deaths",
        rule.threshold,
        rule.temperature,
        rule.inner_recall,
        rule.inner_precision,
        rule.inner_deaths,
    )
    return rule


def wilson(hits: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval (95% by default) for a proportion hits / n."""
    if n == 0:
        return (0.0, 1.0)
    p = hits / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, centre - half), min(1.0, centre + half))


def bootstrap_recall(
    detected: np.ndarray, rounds: int = 10_000, seed: int = 13
) -> tuple[float, float]:
    """95% percentile bootstrap interval of recall, resampling the deaths (detected: (D,) bool)."""
    if len(detected) == 0:
        return (0.0, 1.0)
    rng = np.random.default_rng(seed)
    draws = rng.choice(detected.astype(float), size=(rounds, len(detected)), replace=True)
    lo, hi = np.quantile(draws.mean(axis=1), [0.025, 0.975])
    return (float(lo), float(hi))


def pooled_recall(is_death: np.ndarray, pred: np.ndarray) -> dict[str, object]:
    """Deaths found over all held-out folds, with Wilson and bootstrap 95% intervals."""
    detected = pred[is_death] == DEATH
    hits, n = int(detected.sum()), int(is_death.sum())
    return {
        "deaths": n,
        "detected": hits,
        "recall": hits / n if n else 0.0,
        "wilson95": [round(x, 4) for x in wilson(hits, n)],
        "bootstrap95": [round(x, 4) for x in bootstrap_recall(detected)],
        "flagged": int((pred == DEATH).sum()),
        "precision": hits / max(1, int((pred == DEATH).sum())),
    }
