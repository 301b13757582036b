"""How much test F1 each piece of context is worth, measured with lookup tables, not models.

Offline (no Neo4j): reads a QA folder from var/.

    python -m bench.caff_context_value --qa var/qa/<fingerprint>

Every scorer here is a table of the positive rate of a key on the train split (a key unseen
in train falls back to its (template, hop, relation) rate, then 0); per-hop thresholds are
tuned on dev with the evaluation's own `tune_hop_thresholds` and the F1 is read on test, both
teacher-forced as in `caff eval`'s per-hop F1. The keys:

- template, hop, relation: what a scorer that reads only (question, relation, hop) can know,
  the question standing for its template: DepthBilinear's information.
- + previous-hop relations: the set of relations retained at hop l-1, which is what CAFF's
  CSV (a mean of relation vectors) carries beyond that.
- + head retained: whether the triple's head is a tail retained at hop l-1 (retrieval.caff.
  data.head_retained), the entity-level part of the retained set.

It also prints two oracles that choose, with the test labels, which groups of triples to keep
(sorted by their positive rate): per (template, hop, relation) and per (question, hop,
relation). The second bounds every scorer that cannot tell apart the triples of one relation
at one hop of one question, CAFF as specified included.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np

from retrieval.caff.data import QAData, head_retained, load_qa
from retrieval.caff.metrics import prf, retain_per_hop, tune_hop_thresholds

# Columns of the per-triple feature matrix.
TEMPLATE, QUESTION, HOP, REL, PREV_RELS, MEMBER, Y = range(7)


def features(data: QAData, split: str) -> np.ndarray:
    """(N, 7) int64 rows of the split's triples: template, question, hop, relation, an id of
    the set of gold relations at the previous hop, head retained (teacher-forced), label."""
    templates = {t: i for i, t in enumerate(sorted({q["template"] for q in data.questions}))}
    sets: dict[frozenset[int], int] = {}
    rows = []
    for qid in data.split_ids(split):
        lo, hi = data.offsets[qid], data.offsets[qid + 1]
        hop, rel, y = data.hop[lo:hi], data.rel[lo:hi], data.y[lo:hi]
        prev = np.zeros(hi - lo, dtype=np.int64)
        for h in np.unique(hop[hop > 1]).tolist():
            gold_rels = frozenset(rel[(hop == h - 1) & (y == 1)].tolist())
            prev[hop == h] = sets.setdefault(gold_rels, len(sets) + 1)
        member = head_retained(data, [qid]).astype(np.int64)
        template = np.full(hi - lo, templates[data.questions[qid]["template"]])
        rows.append(np.stack([template, np.full(hi - lo, qid), hop, rel, prev, member, y], 1))
    return np.concatenate(rows).astype(np.int64)


def group_ids(arrays: list[np.ndarray], cols: list[int]) -> list[np.ndarray]:
    """Ids of the distinct values of `cols`, numbered alike across the given row arrays."""
    _, inv = np.unique(np.concatenate([a[:, cols] for a in arrays]), axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    bounds = np.cumsum([0, *(len(a) for a in arrays)])
    return [inv[lo:hi] for lo, hi in itertools.pairwise(bounds)]


def table_f1(train: np.ndarray, dev: np.ndarray, test: np.ndarray, cols: list[int]) -> float:
    """Test F1 of the train positive-rate table over `cols`, thresholds tuned on dev."""
    splits = [train, dev, test]

    def lookup(c: list[int]) -> list[np.ndarray]:
        ids = group_ids(splits, c)
        size = max(int(i.max()) for i in ids) + 1
        n = np.bincount(ids[0], minlength=size)
        rate = np.bincount(ids[0], weights=train[:, Y], minlength=size) / np.maximum(n, 1)
        return [np.where(n[i] > 0, rate[i], np.nan) for i in ids]

    fine, coarse = lookup(cols), lookup([TEMPLATE, HOP, REL])
    _, s_dev, s_test = (
        np.nan_to_num(np.where(np.isnan(f), c, f), nan=0.0)
        for f, c in zip(fine, coarse, strict=True)
    )
    th = tune_hop_thresholds(dev[:, Y], s_dev, dev[:, HOP])
    return prf(test[:, Y], retain_per_hop(s_test, test[:, HOP], th))[2]


def oracle_f1(rows: np.ndarray, cols: list[int]) -> float:
    """The best F1 of keeping whole groups of triples (groups sorted by positive rate)."""
    (inv,) = group_ids([rows], cols)
    n, pos = np.bincount(inv), np.bincount(inv, weights=rows[:, Y])
    order = np.argsort(-(pos / n), kind="stable")
    tp, kept = np.cumsum(pos[order]), np.cumsum(n[order])
    return float(np.max(2 * tp / (kept + rows[:, Y].sum())))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qa", type=Path, required=True, help="var/qa/<fingerprint>")
    args = ap.parse_args()
    data = load_qa(args.qa)
    train, dev, test = (features(data, s) for s in ("train", "dev", "test"))
    base = [TEMPLATE, HOP, REL]
    gold = int(test[:, Y].sum())
    print(f"QA set {data.meta['fingerprint']}: test {len(test):,} triples, {gold:,} gold")
    print("| lookup table over | test F1 (per-hop thresholds tuned on dev) |")
    print("| --- | --- |")
    for name, cols in (
        ("template, hop, relation", base),
        ("+ previous-hop relations (the CSV's information)", [*base, PREV_RELS]),
        ("+ head retained", [*base, MEMBER]),
        ("+ both", [*base, PREV_RELS, MEMBER]),
    ):
        print(f"| {name} | {table_f1(train, dev, test, cols):.4f} |")
    print()
    print("| oracle: keep whole groups, chosen on the test labels | test F1 |")
    print("| --- | --- |")
    for name, cols in (
        ("(template, hop, relation)", base),
        ("(question, hop, relation): any relation-only scorer", [QUESTION, HOP, REL]),
        ("(question, hop, relation, head retained)", [QUESTION, HOP, REL, MEMBER]),
    ):
        print(f"| {name} | {oracle_f1(test, cols):.4f} |")


if __name__ == "__main__":
    main()
