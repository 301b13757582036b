"""The learnt re-ranker: a linear listwise (softmax) model over a few features of the top
candidates of the information-content scores, trained on real cases. Saved as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

from core.exceptions import ModelLoadError
from retrieval.phenotype.score import FEATURES, LR_FEATURES

FORMAT = "evigraph-phenotype-reranker/1"
# Weights whose sign the answer's meaning fixes: a penalty may only lower an entry (its weight
# on a feature that is <= 0 is >= 0; on a count of contradictions it is <= 0), whatever the
# training cases' habits (curators list as excluded the features a diagnosis often has).
SIGNS = {"excluded": 1, "not_hits": -1, "excluded_strong": -1}


@dataclass
class Reranker:
    features: list[str]
    mean: list[float]
    std: list[float]
    weights: list[float]
    l2: float
    candidates: int
    trained_on: dict[str, object]
    lr: dict[str, Any] | None = None  # the likelihood-ratio constants (lr.LRParams) it uses
    # for requests that give no excluded term: {mean, std, weights, l2} of the same features,
    # trained on the cases without their excluded terms
    observed_only: dict[str, Any] | None = None

    def pick(self, excluded: bool) -> Reranker:
        """The model for a request with or without excluded terms."""
        if excluded or not self.observed_only:
            return self
        o = self.observed_only
        return replace(self, mean=o["mean"], std=o["std"], weights=o["weights"], l2=o["l2"])

    def score(self, x: np.ndarray) -> np.ndarray:
        """(N,) scores of (N, F) candidate features."""
        z = (x - np.asarray(self.mean, dtype=np.float32)) / np.asarray(self.std, dtype=np.float32)
        return z @ np.asarray(self.weights, dtype=np.float32)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"format": FORMAT, **asdict(self)}, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Reranker:
        try:
            obj = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise ModelLoadError(f"{path}: cannot read the phenotype re-ranker: {e}") from e
        if obj.pop("format", None) != FORMAT or obj.get("features") != names(bool(obj.get("lr"))):
            raise ModelLoadError(
                f"{path} is not a re-ranker for the current features; "
                "retrain with `evigraph phenotype train`"
            )
        return cls(**obj)


def names(lr: bool) -> list[str]:
    """The feature names of a re-ranker without or with the likelihood-ratio features."""
    return list(FEATURES) + (list(LR_FEATURES) if lr else [])


def fit(
    xs: list[np.ndarray],
    golds: list[int],
    l2: float,
    candidates: int,
    info: dict[str, object],
    signs: dict[str, int] = SIGNS,
) -> Reranker:
    """Maximise the mean log-softmax of each case's gold candidate (cases whose gold is not
    among their candidates carry no gradient and are left out), the weights of `signs` kept
    to their sign (1: >= 0, -1: <= 0)."""
    keep = [i for i, g in enumerate(golds) if g >= 0]
    allx = np.concatenate([xs[i] for i in keep])
    mean, std = allx.mean(0), allx.std(0) + 1e-6
    width = max(len(xs[i]) for i in keep)
    n_f = allx.shape[1]
    x = np.zeros((len(keep), width, n_f), dtype=np.float64)  # (C, N, F), padded
    mask = np.zeros((len(keep), width), dtype=bool)
    for row, i in enumerate(keep):
        x[row, : len(xs[i])] = (xs[i] - mean) / std
        mask[row, : len(xs[i])] = True
    gold = np.asarray([golds[i] for i in keep])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        logits = np.where(mask, x @ w, -np.inf)  # (C, N)
        top = logits.max(1, keepdims=True)
        p = np.exp(logits - top)
        z = p.sum(1, keepdims=True)
        p /= z
        nll = -(logits[np.arange(len(gold)), gold] - top[:, 0] - np.log(z[:, 0])).mean()
        onehot = np.zeros_like(p)
        onehot[np.arange(len(gold)), gold] = 1.0
        grad = np.einsum("cn,cnf->f", p - onehot, x) / len(gold)
        return float(nll + l2 * w @ w), grad + 2 * l2 * w

    w0 = np.zeros(n_f)
    w0[list(FEATURES).index("resnik_bma")] = 1.0
    cols = names(n_f > len(FEATURES))
    bounds = [{1: (0.0, None), -1: (None, 0.0)}.get(signs.get(c, 0), (None, None)) for c in cols]
    res = minimize(loss, w0, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 300})
    return Reranker(cols, mean.tolist(), std.tolist(), res.x.tolist(), l2, candidates, info)
