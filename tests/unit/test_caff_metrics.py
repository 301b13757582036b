from __future__ import annotations

import math

import numpy as np
import pytest

from retrieval.caff.metrics import (
    average_precision,
    best_threshold,
    ndcg_at,
    paired_bootstrap,
    prf,
    recall_at,
)


def test_prf_hand_computed() -> None:
    y = np.array([1, 1, 0, 0, 1])
    pred = np.array([True, False, True, False, True])
    p, r, f = prf(y, pred)
    assert (p, r) == pytest.approx((2 / 3, 2 / 3))
    assert f == pytest.approx(2 / 3)
    assert prf(np.array([0, 0]), np.array([False, False])) == (0.0, 0.0, 0.0)


def test_average_precision_hand_computed() -> None:
    # ranking: pos, neg, pos, neg -> AP = (1/1 + 2/3) / 2
    y = np.array([1, 0, 1, 0])
    s = np.array([0.9, 0.8, 0.7, 0.1])
    assert average_precision(y, s) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision(np.array([0, 0]), np.array([0.1, 0.2])) == 0.0


def test_ndcg_and_recall_hand_computed() -> None:
    y = np.array([0, 1, 1])
    s = np.array([0.9, 0.8, 0.1])
    dcg = 1 / math.log2(3) + 1 / math.log2(4)
    idcg = 1 + 1 / math.log2(3)
    assert ndcg_at(y, s, 10) == pytest.approx(dcg / idcg)
    assert recall_at(y, s, 2) == pytest.approx(0.5)


def test_best_threshold_picks_the_f1_maximum() -> None:
    y = np.array([1, 1, 0, 0])
    s = np.array([0.9, 0.6, 0.4, 0.1])
    t = best_threshold(y, s)
    assert 0.4 < t <= 0.6
    assert prf(y, s >= t)[2] == 1.0


def test_paired_bootstrap_detects_a_consistent_gain() -> None:
    rng = np.random.default_rng(1)
    b = rng.uniform(0, 1, 200)
    better = paired_bootstrap(b + 0.05, b, resamples=2000)
    assert better["delta"] == pytest.approx(0.05) and better["p_value"] < 0.01
    same = paired_bootstrap(b, b + rng.normal(0, 0.1, 200), resamples=2000)
    assert same["ci_low"] < 0.02 and same["p_value"] > 0.01
