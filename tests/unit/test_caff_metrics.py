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
    tune_hop_thresholds,
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
    tiny = np.array([1e-4, 3e-4, 2e-4, 1e-5])  # far below any fixed grid
    assert (
        prf(np.array([0, 1, 1, 0]), tiny >= best_threshold(np.array([0, 1, 1, 0]), tiny))[2] == 1.0
    )
    ties = np.array([0.5, 0.5, 0.1])
    assert best_threshold(np.array([1, 0, 0]), ties) == 0.5  # never cuts inside a tie


def test_paired_bootstrap_detects_a_consistent_gain() -> None:
    rng = np.random.default_rng(1)
    b = rng.uniform(0, 1, 200)
    better = paired_bootstrap(b + 0.05, b, resamples=2000)
    assert better["delta"] == pytest.approx(0.05) and better["p_value"] < 0.01
    same = paired_bootstrap(b, b + rng.normal(0, 0.1, 200), resamples=2000)
    assert same["ci_low"] < 0.02 and same["p_value"] > 0.01


def test_hop_thresholds_maximise_the_overall_f1() -> None:
    # Hop 1 separates well; hop 2 is noise: keeping nothing at hop 2 is best overall.
    y = np.array([1, 1, 0, 0, 1, 0, 0, 0, 0, 0])
    s = np.array([0.9, 0.8, 0.1, 0.2, 0.30, 0.31, 0.32, 0.33, 0.34, 0.35])
    hop = np.array([1, 1, 1, 1, 2, 2, 2, 2, 2, 2])
    th = tune_hop_thresholds(y, s, hop)
    pred = np.where(hop == 1, s >= th[1], s >= th[2])
    assert prf(y, pred)[2] == pytest.approx(0.8)  # TP 2, FN 1
    assert th[2] > 0.35
