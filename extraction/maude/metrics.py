"""Per-fold metrics: per-class F1, macro and weighted F1, confusion matrix, Death recall, and
the calibration of the Death probability (Brier score, expected calibration error)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from extraction.maude.records import DEATH, LABELS


def fold_metrics(
    y_true: np.ndarray, proba: np.ndarray, y_pred: np.ndarray | None = None
) -> dict[str, object]:
    """y_true: (N,) class indices; proba: (N, C) class probabilities; y_pred: (N,) the
    decisions to score (default the argmax of proba)."""
    from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score

    labels = list(range(len(LABELS)))
    if y_pred is None:
        y_pred = proba.argmax(axis=1)
    per_class = f1_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    out: dict[str, object] = {
        "n": len(y_true),
        "support": {LABELS[c]: int((y_true == c).sum()) for c in labels},
        "f1_macro": float(
            f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
        ),
        "f1_weighted": float(
            f1_score(y_true, y_pred, labels=labels, average="weighted", zero_division=0)
        ),
        "death_recall": float(
            recall_score(y_true, y_pred, labels=[DEATH], average="macro", zero_division=0)
        ),
        "death_precision": float(
            precision_score(y_true, y_pred, labels=[DEATH], average="macro", zero_division=0)
        ),
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }
    for c in labels:
        out[f"f1_{LABELS[c].lower()}"] = float(per_class[c])
    out.update(death_calibration(y_true == DEATH, proba[:, DEATH]))
    return out


def death_calibration(
    is_death: np.ndarray, p_death: np.ndarray, bins: int = 10
) -> dict[str, float]:
    """Brier score and expected calibration error (equal-width bins) of P(Death)."""
    brier = float(np.mean((p_death - is_death.astype(float)) ** 2))
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p_death, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            ece += mask.mean() * abs(p_death[mask].mean() - is_death[mask].mean())
    return {"death_brier": brier, "death_ece": float(ece)}


def reliability(
    is_death: np.ndarray, p_death: np.ndarray, bins: int = 10
) -> list[dict[str, object]]:
    """Per bin: reports, mean predicted P(Death), observed Death rate."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p_death, edges[1:-1]), 0, bins - 1)
    rows: list[dict[str, object]] = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            rows.append(
                {
                    "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                    "n": int(mask.sum()),
                    "mean_p": float(p_death[mask].mean()),
                    "observed": float(is_death[mask].mean()),
                }
            )
    return rows


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature T minimising the negative log-likelihood of softmax(logits / T)."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        z = logits / np.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(y)), y].mean())

    res = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded")
    return float(np.exp(res.x))


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def summarise(per_fold: Sequence[dict[str, object]]) -> dict[str, dict[str, float]]:
    """Mean and (sample) standard deviation over folds of every scalar metric."""
    keys = [k for k, v in per_fold[0].items() if isinstance(v, float)]
    out = {}
    for k in keys:
        vals = np.array([float(f[k]) for f in per_fold])  # type: ignore[arg-type]
        out[k] = {
            "mean": float(vals.mean()),
            "std": float(vals.std(ddof=1)) if len(vals) > 1 else 0.0,
        }
    return out


def death_operating_points(
    is_death: np.ndarray, p_death: np.ndarray, recalls: tuple[float, ...] = (0.8, 0.9, 1.0)
) -> list[dict[str, float]]:
    """For each target Death recall: the highest P(Death) threshold reaching it on these
    predictions, and the precision and share of reports flagged there. Read off pooled
    out-of-fold predictions, so it describes the trade-off; it is not a held-out estimate."""
    order = np.argsort(-p_death)
    hits = np.cumsum(is_death[order])
    total = max(1, int(is_death.sum()))
    out = []
    for target in recalls:
        k = int(np.searchsorted(hits, np.ceil(target * total - 1e-9))) + 1
        k = min(k, len(order))
        out.append(
            {
                "recall_target": target,
                "threshold": float(p_death[order][k - 1]),
                "recall": float(hits[k - 1] / total),
                "precision": float(hits[k - 1] / k),
                "flagged_share": float(k / len(order)),
            }
        )
    return out
