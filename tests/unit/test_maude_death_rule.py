"""The Death rule: the threshold on hand-made probabilities, the rule's decisions, intervals,
that a fold's threshold never depends on its held-out labels, and the checkpoint round trip."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from core.exceptions import ExtractionError, ModelLoadError
from extraction.maude.baseline import TfidfLR
from extraction.maude.cv import CVInput, run_cv
from extraction.maude.death_rule import (
    DeathRule,
    RuleSpec,
    apply_rule,
    bootstrap_recall,
    fit_rule,
    pick_threshold,
    pooled_recall,
    rule_from_oof,
    wilson,
)
from extraction.maude.folds import make_folds
from extraction.maude.records import DEATH, LABELS, MaudeReport, Narrative
from extraction.maude.service import MaudeService
from extraction.maude.train import train_checkpoint

WORDS = {
    "Death": ["died", "death", "deceased", "expired", "fatal", "passed"],
    "Injury": ["pain", "infection", "revision", "adhesion", "bowel", "removal"],
    "Malfunction": ["torn", "broken", "defect", "packaging", "frayed", "detached"],
    "Other": ["question", "inquiry", "unknown", "literature", "review", "report"],
}
FILLER = ["the", "patient", "mesh", "surgery", "hernia", "repair", "was", "after", "device"]


def _reports(n: int = 160, seed: int = 3) -> list[MaudeReport]:
    """Labelled narratives with class words, shared filler and some cross-class noise, so a
    model is good but imperfect at Death."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        label = "Death" if i % 8 == 0 else LABELS[1 + i % 3] if i % 5 else "Injury"
        words = rng.sample(FILLER, 5) + rng.sample(WORDS[label], 2)
        words += rng.sample(WORDS[rng.choice(LABELS)], 1)  # noise from any class
        if label == "Death" and i % 3 == 0:
            words = rng.sample(FILLER, 5) + rng.sample(WORDS["Injury"], 2)  # a silent death
        rng.shuffle(words)
        r = MaudeReport(str(5000 + i), "X", label)
        r.add_narrative(Narrative("1", "D", f"{' '.join(words)} case {i}"))
        out.append(r)
    return out


def _data(reports: list[MaudeReport]) -> CVInput:
    return CVInput(reports, "synthetic", "x", len(reports), 0)


def test_threshold_is_the_largest_that_keeps_the_target_recall() -> None:
    is_death = np.array([True, True, True, True, True, False, False, False])
    p = np.array([0.9, 0.8, 0.3, 0.2, 0.05, 0.95, 0.25, 0.01])
    assert pick_threshold(is_death, p, 0.2) == 0.9
    assert pick_threshold(is_death, p, 0.6) == 0.3
    assert pick_threshold(is_death, p, 0.8) == 0.2
    assert pick_threshold(is_death, p, 0.9) == 0.05
    assert pick_threshold(is_death, p, 1.0) == 0.05
    for target in (0.2, 0.6, 0.8, 0.9):
        t = pick_threshold(is_death, p, target)
        assert (p[is_death] >= t).mean() >= target
        above = p[is_death][p[is_death] > t]  # the next larger threshold misses the target
        assert len(above) == 0 or (p[is_death] >= above.min()).mean() < target
    with pytest.raises(ExtractionError, match="no Death"):
        pick_threshold(np.zeros(3, dtype=bool), np.ones(3), 0.9)
    with pytest.raises(ValueError, match="target Death recall"):
        RuleSpec(1.5)


def test_rule_flags_death_above_the_threshold_and_argmaxes_the_rest() -> None:
    proba = np.array(
        [
            [0.30, 0.60, 0.05, 0.05],  # below argmax, above threshold: Death
            [0.10, 0.20, 0.65, 0.05],  # below threshold: Malfunction
            [0.55, 0.10, 0.05, 0.30],  # argmax Death, below a high threshold: Other
        ]
    )
    assert apply_rule(proba, 0.25).tolist() == [DEATH, 2, DEATH]
    assert apply_rule(proba, 0.6).tolist() == [1, 2, 3]


def test_rule_from_oof_reaches_the_target_on_its_own_predictions() -> None:
    rng = np.random.default_rng(0)
    y = np.array([DEATH] * 20 + [1] * 150 + [2] * 20 + [3] * 10)
    logits = rng.normal(size=(len(y), 4))
    logits[y == DEATH, DEATH] += 1.5  # deaths score higher, with overlap
    rule = rule_from_oof(logits, y, RuleSpec(0.9))
    assert rule.inner_deaths == 20
    assert rule.inner_recall >= 0.9
    pred = rule.predict(logits)
    assert (pred[y == DEATH] == DEATH).mean() == pytest.approx(rule.inner_recall)
    # A stricter target can only lower the threshold.
    assert rule_from_oof(logits, y, RuleSpec(1.0)).threshold <= rule.threshold


def test_intervals_on_known_counts() -> None:
    lo, hi = wilson(8, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.4902, 0.9433)
    lo, hi = wilson(26, 26)
    assert hi == 1.0 and 0.86 < lo < 0.88  # even 26/26 cannot show recall >= 0.9
    blo, bhi = bootstrap_recall(np.array([True] * 15 + [False] * 5))
    assert 0.5 < blo < 0.75 < bhi <= 0.95
    pooled = pooled_recall(np.array([True, True, False, True]), np.array([0, 1, 0, 0]))
    assert pooled["detected"] == 2 and pooled["deaths"] == 3 and pooled["precision"] == 2 / 3


def _relabel_fold(reports: list[MaudeReport], positions: list[int]) -> list[MaudeReport]:
    """A copy with the labels of `positions` permuted (Death <-> Injury swapped, the rest
    rotated), every other report unchanged."""
    swap = {"Death": "Injury", "Injury": "Death", "Malfunction": "Other", "Other": "Malfunction"}
    out = []
    for i, r in enumerate(reports):
        label = swap[str(r.label)] if i in positions else r.label
        out.append(MaudeReport(r.mdr_report_key, r.event_type, label, narratives=r.narratives))
    return out


def test_a_folds_threshold_never_sees_its_held_out_labels() -> None:
    reports = _reports()
    folds = make_folds(reports, 4, seed=13)
    spec = RuleSpec(0.9, inner_splits=3)
    test1 = folds[0].test
    permuted = _relabel_fold(reports, test1)
    a = run_cv(_data(reports), lambda: TfidfLR(c=1.0), rule=spec, folds=folds)
    b = run_cv(_data(permuted), lambda: TfidfLR(c=1.0), rule=spec, folds=folds)
    ra, rb = a["death_rule"], b["death_rule"]
    assert isinstance(ra, dict) and isinstance(rb, dict)
    # The held-out labels changed, so the fold's scores did ...
    assert ra["per_fold"][0]["confusion"] != rb["per_fold"][0]["confusion"]
    # ... but its threshold and temperature did not.
    assert ra["per_fold"][0]["threshold"] == rb["per_fold"][0]["threshold"]
    assert ra["per_fold"][0]["temperature"] == rb["per_fold"][0]["temperature"]
    # Power: folds that train on those reports do move, and so would a rule chosen on all data.
    assert any(
        x["threshold"] != y["threshold"]
        for x, y in zip(ra["per_fold"][1:], rb["per_fold"][1:], strict=True)
    )
    assert fit_rule(reports, TfidfLR, spec).threshold != fit_rule(permuted, TfidfLR, spec).threshold


def test_cv_reports_argmax_and_rule_side_by_side() -> None:
    out = run_cv(_data(_reports()), lambda: TfidfLR(c=1.0), rule=RuleSpec(0.9, 3), n_splits=4)
    rule = out["death_rule"]
    assert isinstance(rule, dict) and len(rule["per_fold"]) == 4
    for m in rule["per_fold"]:
        assert 0.0 < m["threshold"] < 1.0 and sum(map(sum, m["confusion"])) == m["n"]
    pooled = rule["pooled_death_recall"]
    assert pooled["deaths"] == 20 and pooled["wilson95"][0] <= pooled["recall"]
    assert "death_rule" not in run_cv(_data(_reports()), lambda: TfidfLR(c=1.0), n_splits=4)


def test_checkpoint_carries_and_applies_the_threshold(tmp_path: Path) -> None:
    reports = _reports()
    meta = train_checkpoint(_data(reports), "tfidf-lr", tmp_path / "c", rule=RuleSpec(0.9, 3))
    svc = MaudeService.load(tmp_path / "c")
    saved = meta["death_rule"]
    assert isinstance(saved, dict) and svc.rule == DeathRule.from_dict(saved)
    assert svc.temperature == svc.rule.temperature
    preds = svc.predict(reports)
    for p in preds:
        scores = p["scores"]
        assert isinstance(scores, dict) and p["death_threshold"] == svc.rule.threshold
        # Scores are rounded to 6 decimals, hence the tolerance either side.
        if p["severity_predicted"] == "Death":
            assert scores["Death"] >= svc.rule.threshold - 1e-6
        else:
            assert scores["Death"] < svc.rule.threshold + 1e-6
    assert any(p["severity_predicted"] != p["severity_argmax"] for p in preds)
    # The service decides with the checkpoint's threshold: a threshold of 0 flags every report.
    raw = json.loads((tmp_path / "c" / "meta.json").read_text())
    raw["death_rule"]["threshold"] = 0.0
    (tmp_path / "c" / "meta.json").write_text(json.dumps(raw))
    flagged = MaudeService.load(tmp_path / "c").predict(reports)
    assert {p["severity_predicted"] for p in flagged} == {"Death"}
    raw["death_rule"] = {"threshold": 0.5}
    (tmp_path / "c" / "meta.json").write_text(json.dumps(raw))
    with pytest.raises(ModelLoadError, match="death_rule"):
        MaudeService.load(tmp_path / "c")


def test_a_checkpoint_without_a_rule_keeps_the_argmax(tmp_path: Path) -> None:
    reports = _reports()
    meta = train_checkpoint(_data(reports), "tfidf-lr", tmp_path / "c")
    assert meta["death_rule"] is None
    svc = MaudeService.load(tmp_path / "c")
    for p in svc.predict(reports):
        assert p["severity_predicted"] == p["severity_argmax"] and p["death_threshold"] is None


def _result(model: str, argmax_f1: float, rule_f1: float | None) -> dict[str, object]:
    def summary(f1: float) -> dict[str, object]:
        return {"f1_death": {"mean": f1, "std": 0.0}, "death_recall": {"mean": 0.5, "std": 0.0}}

    out: dict[str, object] = {"model": model, "summary": summary(argmax_f1)}
    if rule_f1 is not None:
        out["death_rule"] = {"summary": summary(rule_f1)}
    return out


def test_selection_compares_models_under_the_rule_the_checkpoint_applies() -> None:
    from extraction.maude.report import select

    a, b = _result("a", 0.4, 0.07), _result("b", 0.1, 0.15)
    assert select([a, b]) is b  # b finds deaths more precisely at the same recall target
    assert select([a, _result("b", 0.1, None)]) is a  # no rule everywhere: the argmax decides
