"""`evigraph caff eval`: per-hop thresholds tuned on dev, then test F1 teacher-forced per hop
and autoregressive, MAP, NDCG@10, per-hop precision, shortest-path triple recall@100,
seen vs unseen seeds, per relation; per-query AP for the paired bootstrap."""

from __future__ import annotations

from typing import Any

import numpy as np

from retrieval.caff.data import Features, QAData
from retrieval.caff.metrics import average_precision, best_threshold, ndcg_at, prf, recall_at
from retrieval.caff.model import HopScorer
from retrieval.caff.train import labels, predict


def _hops(data: QAData, qids: list[int]) -> np.ndarray:
    return np.concatenate([data.hop[data.offsets[i] : data.offsets[i + 1]] for i in qids])


def tune_thresholds(model: HopScorer, data: QAData, feats: Features) -> dict[int, float]:
    dev = data.split_ids("dev")
    p, y, hop = predict(model, data, feats, dev), labels(data, dev), _hops(data, dev)
    return {h: best_threshold(y[hop == h], p[hop == h]) for h in range(1, model.cfg.hops + 1)}


def autoregressive(
    model: HopScorer, data: QAData, feats: Features, qids: list[int], thresholds: dict[int, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Scores and retain decisions when each hop only sees the tails the filter kept at
    the previous hop (within the stored candidates) and the CSV is built from what it kept."""
    retained = {q: np.zeros(data.offsets[q + 1] - data.offsets[q], dtype=bool) for q in qids}
    reachable = {q: data.hop[data.offsets[q] : data.offsets[q + 1]] == 1 for q in qids}
    scores = {q: np.zeros(len(retained[q]), dtype=np.float32) for q in qids}
    for h in range(1, model.cfg.hops + 1):
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
    )


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


def evaluate(model: HopScorer, data: QAData, feats: Features) -> dict[str, Any]:
    thresholds = tune_thresholds(model, data, feats)
    test = data.split_ids("test")
    y, hop = labels(data, test), _hops(data, test)
    p_tf = predict(model, data, feats, test)
    tf_pred = np.zeros(len(y), dtype=bool)
    for h, t in thresholds.items():
        tf_pred[hop == h] = p_tf[hop == h] >= t
    s_ar, ar_pred = autoregressive(model, data, feats, test, thresholds)
    per_q = _per_query(data, test, s_ar)
    unseen = np.asarray([data.questions[q]["unseen_seed"] for q in test])
    q_of = np.concatenate(
        [np.full(data.offsets[q + 1] - data.offsets[q], i) for i, q in enumerate(test)]
    )
    rel = np.concatenate([data.rel[data.offsets[q] : data.offsets[q + 1]] for q in test])
    result: dict[str, Any] = {
        "thresholds": thresholds,
        "f1_per_hop": prf(y, tf_pred)[2],
        "f1_autoregressive": prf(y, ar_pred)[2],
        "precision_recall_autoregressive": prf(y, ar_pred)[:2],
        "map": float(per_q["ap"].mean()),
        "ndcg10": float(per_q["ndcg10"].mean()),
        "recall100": float(per_q["recall100"].mean()),
        "hop_precision": {int(h): prf(y[hop == h], ar_pred[hop == h])[0] for h in thresholds},
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
