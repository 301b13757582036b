"""`evigraph caff eval`: per-hop thresholds tuned on dev, then test F1 teacher-forced per hop
and autoregressive, MAP, NDCG@10, per-hop precision, shortest-path triple recall@100,
seen vs unseen seeds, per relation; per-query AP for the paired bootstrap."""

from __future__ import annotations

from typing import Any

import numpy as np

from retrieval.caff.data import Features, QAData
from retrieval.caff.metrics import (
    average_precision,
    ndcg_at,
    prf,
    recall_at,
    retain_per_hop,
    tune_hop_thresholds,
)
from retrieval.caff.model import HopScorer
from retrieval.caff.train import labels, predict


def _hops(data: QAData, qids: list[int]) -> np.ndarray:
    return np.concatenate([data.hop[data.offsets[i] : data.offsets[i + 1]] for i in qids])


def tune_thresholds(model: HopScorer, data: QAData, feats: Features) -> dict[int, float]:
    dev = data.split_ids("dev")
    p, y, hop = predict(model, data, feats, dev), labels(data, dev), _hops(data, dev)
    return tune_hop_thresholds(y, p, hop)


def autoregressive(
    model: HopScorer,
    data: QAData,
    feats: Features,
    qids: list[int],
    thresholds: dict[int, float],
    until: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores, retain decisions and reachability when each hop only sees the tails the filter
    kept at the previous hop (within the stored candidates) and the CSV is built from what it
    kept. Scores of unreachable candidates are 0. `until` stops after that hop."""
    retained = {q: np.zeros(data.offsets[q + 1] - data.offsets[q], dtype=bool) for q in qids}
    reachable = {q: data.hop[data.offsets[q] : data.offsets[q + 1]] == 1 for q in qids}
    scores = {q: np.zeros(len(retained[q]), dtype=np.float32) for q in qids}
    for h in range(1, (until or model.cfg.hops) + 1):
        p = predict(model, data, feats, qids, retained)
        pos = 0
        for q in qids:
            lo, hi = data.offsets[q], data.offsets[q + 1]
            n = hi - lo
            ph, hop = p[pos : pos + n], data.hop[lo:hi]
            pos += n
            now = reachable[q] & (hop == h)
            scores[q][now] = ph[now]
            retained[q] |= now & (ph >= thresholds[h])
            kept_tails = set(data.tail[lo:hi][retained[q] & (hop == h)].tolist())
            reachable[q] |= (hop == h + 1) & np.isin(data.head[lo:hi], list(kept_tails))
    return (
        np.concatenate([scores[q] for q in qids]),
        np.concatenate([retained[q] for q in qids]),
        np.concatenate([reachable[q] for q in qids]),
    )


def tune_autoregressive(model: HopScorer, data: QAData, feats: Features) -> dict[int, float]:
    """Per-hop thresholds for autoregressive use, tuned on dev hop by hop: hop h's threshold
    maximises the overall dev F1 given the thresholds already chosen for hops 1..h-1 (a
    triple the filter never reaches counts as dropped)."""
    dev = data.split_ids("dev")
    y, hop = labels(data, dev), _hops(data, dev)
    th: dict[int, float] = {}
    for h in range(1, model.cfg.hops + 1):
        trial = {**th, **{k: 1.01 for k in range(h, model.cfg.hops + 1)}}
        scores, kept, reach = autoregressive(model, data, feats, dev, trial, until=h)
        mask = reach & (hop == h)
        qs = np.linspace(0, 1, 201)
        cands: list[float] = np.unique(np.quantile(scores[mask], qs)).tolist() if mask.any() else []
        best_t, best_f = 1.01, prf(y, kept)[2]
        for c in cands:
            f = prf(y, kept | (mask & (scores >= c)))[2]
            if f > best_f:
                best_t, best_f = float(c), f
        th[h] = best_t
    return th


def _per_query(data: QAData, qids: list[int], scores: np.ndarray) -> dict[str, np.ndarray]:
    ap, ndcg, rec = [], [], []
    pos = 0
    for q in qids:
        n = data.offsets[q + 1] - data.offsets[q]
        y, s = data.y[data.offsets[q] : data.offsets[q + 1]], scores[pos : pos + n]
        pos += n
        ap.append(average_precision(y, s))
        ndcg.append(ndcg_at(y, s, 10))
        rec.append(recall_at(y, s, 100))
    return {"ap": np.asarray(ap), "ndcg10": np.asarray(ndcg), "recall100": np.asarray(rec)}


def dev_f1(
    model: HopScorer,
    data: QAData,
    feats: Features,
    thresholds: dict[int, float],
    ar_thresholds: dict[int, float],
) -> dict[str, float]:
    """Dev F1 at the dev-tuned thresholds, teacher-forced per hop and autoregressive: the
    figures to choose between configurations by (test is never looked at for that)."""
    dev = data.split_ids("dev")
    y, hop = labels(data, dev), _hops(data, dev)
    pred = retain_per_hop(predict(model, data, feats, dev), hop, thresholds)
    _, ar_pred, _ = autoregressive(model, data, feats, dev, ar_thresholds)
    return {"f1_per_hop": prf(y, pred)[2], "f1_autoregressive": prf(y, ar_pred)[2]}


def evaluate(model: HopScorer, data: QAData, feats: Features) -> dict[str, Any]:
    thresholds = tune_thresholds(model, data, feats)
    test = data.split_ids("test")
    y, hop = labels(data, test), _hops(data, test)
    tf_pred = retain_per_hop(predict(model, data, feats, test), hop, thresholds)
    ar_thresholds = tune_autoregressive(model, data, feats)
    s_ar, ar_pred, _ = autoregressive(model, data, feats, test, ar_thresholds)
    per_q = _per_query(data, test, s_ar)
    unseen = np.asarray([data.questions[q]["unseen_seed"] for q in test])
    q_of = np.concatenate(
        [np.full(data.offsets[q + 1] - data.offsets[q], i) for i, q in enumerate(test)]
    )
    rel = np.concatenate([data.rel[data.offsets[q] : data.offsets[q + 1]] for q in test])
    result: dict[str, Any] = {
        "dev": dev_f1(model, data, feats, thresholds, ar_thresholds),
        "thresholds": thresholds,
        "thresholds_autoregressive": ar_thresholds,
        "f1_per_hop": prf(y, tf_pred)[2],
        "f1_autoregressive": prf(y, ar_pred)[2],
        "precision_recall_autoregressive": prf(y, ar_pred)[:2],
        "map": float(per_q["ap"].mean()),
        "ndcg10": float(per_q["ndcg10"].mean()),
        "recall100": float(per_q["recall100"].mean()),
        "hop_precision": {int(h): prf(y[hop == h], ar_pred[hop == h])[0] for h in thresholds},
        "hop_recall": {int(h): prf(y[hop == h], ar_pred[hop == h])[1] for h in thresholds},
        "hop_f1_per_hop": {int(h): prf(y[hop == h], tf_pred[hop == h])[2] for h in thresholds},
        "seen_unseen_f1": {
            name: prf(y[mask[q_of]], ar_pred[mask[q_of]])[2]
            for name, mask in (("seen", ~unseen), ("unseen", unseen))
        },
        "n_test_questions": {"seen": int((~unseen).sum()), "unseen": int(unseen.sum())},
        "per_relation_f1": {
            data.relations[int(r)]: {
                "n": int((rel == r).sum()),
                "n_pos": int(y[rel == r].sum()),
                "f1": prf(y[rel == r], ar_pred[rel == r])[2],
            }
            for r in np.unique(rel)
        },
        "per_query_ap": per_q["ap"].tolist(),
    }
    return result
