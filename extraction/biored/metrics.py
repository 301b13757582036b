"""The BioRED evaluation: precision, recall and F1 of predicted relations against the gold
ones, at five levels of strictness, overall and per entity-pair type.

A prediction matches a gold relation of the same document and unordered id pair when:
pair (any type), +type (same type), +novelty (same novelty, any type), +direction (same
type and same subject, or both undirected), all (type, novelty and direction), and
type+novelty (the BioCreative VIII "all", which has no direction)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

LEVELS = ("pair", "type", "novelty", "direction", "type_novelty", "all")


@dataclass(frozen=True)
class Predicted:
    """One relation, gold or predicted, with its arguments in either order."""

    pmid: str
    id1: str
    id2: str
    rel_type: str
    novel: bool
    subject: str | None  # None: undirected
    pair_type: str = ""


def _key(r: Predicted, level: str) -> tuple[object, ...]:
    pair = (r.pmid, frozenset((r.id1, r.id2)))
    return {
        "pair": pair,
        "type": (*pair, r.rel_type),
        "novelty": (*pair, r.novel),
        "direction": (*pair, r.rel_type, r.subject),
        "type_novelty": (*pair, r.rel_type, r.novel),
        "all": (*pair, r.rel_type, r.novel, r.subject),
    }[level]


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(100 * p, 2),
        "recall": round(100 * r, 2),
        "f1": round(100 * f, 2),
        "tp": tp,
        "predicted": n_pred,
        "gold": n_gold,
    }


def score(gold: Iterable[Predicted], pred: Iterable[Predicted]) -> dict[str, Any]:
    """{"overall": {level: prf}, "by_pair_type": {pair_type: {level: prf}}}."""
    gold_l, pred_l = list(gold), list(pred)
    overall = {lv: _level(gold_l, pred_l, lv) for lv in LEVELS}
    groups: dict[str, tuple[list[Predicted], list[Predicted]]] = defaultdict(lambda: ([], []))
    for g in gold_l:
        groups[g.pair_type][0].append(g)
    for p in pred_l:
        groups[p.pair_type][1].append(p)
    by_type = {
        t: {lv: _level(g, p, lv) for lv in ("pair", "type", "direction", "all")}
        for t, (g, p) in sorted(groups.items())
    }
    return {"overall": overall, "by_pair_type": by_type}


def _level(gold: list[Predicted], pred: list[Predicted], level: str) -> dict[str, float | int]:
    g = {_key(r, level) for r in gold}
    p = {_key(r, level) for r in pred}
    return prf(len(g & p), len(p), len(g))
