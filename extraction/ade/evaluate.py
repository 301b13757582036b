"""Metrics: dev-tuned threshold, precision/recall/F1, ROC-AUC; strict span and relation F1."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from sklearn.metrics import roc_auc_score


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def binary_metrics(labels: Sequence[int], scores: np.ndarray, threshold: float) -> dict[str, float]:
    y = np.asarray(labels)
    pred = scores >= threshold
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    out = prf(tp, fp, fn)
    out["roc_auc"] = round(float(roc_auc_score(y, scores)), 4) if len(set(y.tolist())) > 1 else 0.0
    out["n"] = float(len(y))
    out["positives"] = float(int(y.sum()))
    out["threshold"] = round(threshold, 4)
    return out


def tune_threshold(labels: Sequence[int], scores: np.ndarray) -> float:
    """The score cut that maximises F1 on these (dev) labels."""
    y = np.asarray(labels)
    order = np.argsort(-scores)
    tp = np.cumsum(y[order] == 1)
    fp = np.cumsum(y[order] == 0)
    f1 = 2 * tp / (tp + fp + y.sum())
    best = int(np.argmax(f1))
    nxt = scores[order[best + 1]] if best + 1 < len(order) else 0.0
    return float((scores[order[best]] + nxt) / 2)


def strict_f1(
    gold: Iterable[tuple[object, ...]], pred: Iterable[tuple[object, ...]]
) -> dict[str, float]:
    """Exact-match F1 over sets of tuples (spans, or relations with both spans)."""
    g, p = set(gold), set(pred)
    return prf(len(g & p), len(p - g), len(g - p))
