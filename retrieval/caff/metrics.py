"""Ranking and retention metrics, threshold tuning and the paired bootstrap."""

from __future__ import annotations

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


def best_threshold(y: np.ndarray, scores: np.ndarray) -> float:
    """The threshold on `scores` that maximises F1, searched over every distinct score
    (scores at the deeper hops can sit far below any fixed grid)."""
    if len(y) == 0 or not np.any(y):
        return 1.0
    order = np.argsort(-scores, kind="stable")
    s, hits = scores[order], y[order].astype(float)
    tp = np.cumsum(hits)
    fp = np.cumsum(1.0 - hits)
    f1 = 2 * tp / (tp + fp + float(hits.sum()))  # 2TP / (2TP + FP + FN)
    # Only cut where the score changes, so a threshold keeps exactly the prefix it scored.
    last_of_run = np.r_[s[1:] != s[:-1], True]
    best = int(np.argmax(np.where(last_of_run, f1, -1.0)))
    return float(s[best])


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


def retain_per_hop(scores: np.ndarray, hop: np.ndarray, thresholds: dict[int, float]) -> np.ndarray:
    """Retain decisions: each candidate against the threshold of its hop (a hop without a
    threshold keeps nothing)."""
    pred = np.zeros(len(scores), dtype=bool)
    for h, t in thresholds.items():
        pred[hop == h] = scores[hop == h] >= t
    return pred


def tune_hop_thresholds(
    y: np.ndarray, scores: np.ndarray, hop: np.ndarray, rounds: int = 3
) -> dict[int, float]:
    """Per-hop thresholds that maximise the F1 over all hops together (coordinate ascent from
    the best global threshold; each hop tries its score quantiles and 'keep nothing')."""
    hops = sorted(int(h) for h in np.unique(hop))
    start = best_threshold(y, scores)
    th = dict.fromkeys(hops, start)

    def overall(t: dict[int, float]) -> float:
        return prf(y, retain_per_hop(scores, hop, t))[2]

    best = overall(th)
    for _ in range(rounds):
        changed = False
        for h in hops:
            cands = np.unique(np.quantile(scores[hop == h], np.linspace(0, 1, 201)))
            for c in [*cands.tolist(), 1.01]:
                f = overall({**th, h: float(c)})
                if f > best + 1e-12:
                    best, th, changed = f, {**th, h: float(c)}, True
        if not changed:
            break
    return th
