"""Ranking and retention metrics, threshold tuning and the paired bootstrap."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def prf(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall, F1 of boolean predictions (0 when undefined)."""
    tp = float(np.sum(pred & (y == 1)))
    fp = float(np.sum(pred & (y == 0)))
    fn = float(np.sum(~pred & (y == 1)))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def average_precision(y: np.ndarray, scores: np.ndarray) -> float:
    """AP of one ranking; 0 when there are no positives."""
    n_pos = int(np.sum(y))
    if n_pos == 0:
        return 0.0
    order = np.argsort(-scores, kind="stable")
    hits = y[order].astype(float)
    precision_at = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(np.sum(precision_at * hits) / n_pos)


def ndcg_at(y: np.ndarray, scores: np.ndarray, k: int = 10) -> float:
    order = np.argsort(-scores, kind="stable")[:k]
    gains = y[order].astype(float)
    dcg = float(np.sum(gains / np.log2(np.arange(2, len(gains) + 2))))
    ideal = np.sort(y)[::-1][:k].astype(float)
    idcg = float(np.sum(ideal / np.log2(np.arange(2, len(ideal) + 2))))
    return dcg / idcg if idcg else 0.0


def recall_at(y: np.ndarray, scores: np.ndarray, k: int = 100) -> float:
    n_pos = int(np.sum(y))
    if n_pos == 0:
        return 0.0
    order = np.argsort(-scores, kind="stable")[:k]
    return float(np.sum(y[order]) / n_pos)


def best_threshold(y: np.ndarray, scores: np.ndarray, grid: Sequence[float] | None = None) -> float:
    """The threshold on `scores` (probabilities) that maximises F1."""
    grid = grid if grid is not None else np.round(np.arange(0.05, 0.96, 0.05), 2).tolist()
    best, best_f = 0.5, -1.0
    for t in grid:
        f = prf(y, scores >= t)[2]
        if f > best_f:
            best, best_f = float(t), f
    return best


def paired_bootstrap(
    a: np.ndarray, b: np.ndarray, resamples: int = 10_000, seed: int = 0
) -> dict[str, float]:
    """Mean of a - b over queries, its 95% CI, and the one-sided p-value of a <= b."""
    rng = np.random.default_rng(seed)
    diff = np.asarray(a) - np.asarray(b)
    n = len(diff)
    means = diff[rng.integers(0, n, size=(resamples, n))].mean(axis=1)
    return {
        "delta": float(diff.mean()),
        "ci_low": float(np.percentile(means, 2.5)),
        "ci_high": float(np.percentile(means, 97.5)),
        "p_value": float((np.sum(means <= 0) + 1) / (resamples + 1)),
    }
