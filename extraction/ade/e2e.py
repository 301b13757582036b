"""Raw text end to end on gold sentences: tagger -> drug x AE pairs (`candidate_pairs`: apart,
or the drug inside the AE span) -> pair classifier.

NER F1 is strict per type (exact character span); relation F1 is strict (both spans exact
and the pair predicted related). The literature setting scores the 4,272 sentences with
relations; `include_negative` adds ADE-NEG sentences (no gold relations there, so each
relation found in one is a false positive; their mentions are not scored) and counts them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

import numpy as np

from extraction.ade.checkpoint import Item, PairBundle, score_items
from extraction.ade.data import Sentence
from extraction.ade.evaluate import strict_f1
from extraction.ade.tagger import Span, SpanTagger, candidate_pairs


def end_to_end(
    tagger: SpanTagger,
    pair: PairBundle,
    sentences: Sequence[Sentence],
    include_negative: bool = False,
    skip: Collection[str] = (),
    score: Callable[[Sequence[Item]], np.ndarray] | None = None,
) -> dict[str, Any]:
    """Strict NER and relation F1 of `tagger` + `pair` on `sentences`; the sentences whose
    key is in `skip` (a sentence gate's rejects) keep their mentions but give no relations.
    `score` gives the candidate pairs' probabilities (default `score_items` with `pair`; a
    `MemoScores` scores each pair once over many calls)."""
    sents = [s for s in sentences if include_negative or not s.negative]
    tags = tagger.tag([s.text for s in sents])
    gold_ner, pred_ner = ner_sets(sents, tags)
    gold_rel = set()
    items, keys = [], []
    for s, t in zip(sents, tags, strict=True):
        if not s.negative:
            gold_rel |= {(s.key, *s.drugs[i], *s.aes[j]) for i, j in s.relations}
        for d, a in [] if s.key in skip else candidate_pairs(t):
            items.append((s.text, d, a))
            keys.append((s.key, *d, *a))
    scores = score(items) if score is not None else score_items(pair, items)
    pred_rel = {k for k, p in zip(keys, scores, strict=True) if p >= pair.threshold}
    by_type = {
        kind: strict_f1(
            {g for g in gold_ner if g[1] == kind}, {p for p in pred_ner if p[1] == kind}
        )
        for kind in ("DRUG", "AE")
    }
    negative = {s.key for s in sents if s.negative}
    out: dict[str, Any] = {"sentences": len(sents)}
    if negative:  # how often a sentence that states no ADE gets one
        hit = {k[0] for k in pred_rel} & negative
        out["negative_sentences"] = len(negative)
        out["negative_sentences_with_relation"] = len(hit)
        out["relations_in_negative_sentences"] = sum(k[0] in negative for k in pred_rel)
    return out | {
        "ner": strict_f1(gold_ner, pred_ner),
        "ner_by_type": by_type,
        "relation_strict": strict_f1(gold_rel, pred_rel),
        "candidate_pairs": len(items),
    }


Mentions = set[tuple[object, ...]]


def ner_sets(
    sents: Sequence[Sentence], tags: Sequence[dict[str, list[Span]]]
) -> tuple[Mentions, Mentions]:
    gold: Mentions = set()
    pred: Mentions = set()
    for s, t in zip(sents, tags, strict=True):
        if not s.negative:
            gold |= {(s.key, "DRUG", *d) for d in s.drugs} | {(s.key, "AE", *a) for a in s.aes}
        pred |= {(s.key, "DRUG", *d) for d in t["DRUG"]} | {(s.key, "AE", *a) for a in t["AE"]}
    return gold, pred


def ner_f1(tagger: SpanTagger, sentences: Sequence[Sentence]) -> float:
    """Strict NER F1 (exact spans, both types) of `tagger` on the sentences with relations."""
    sents = [s for s in sentences if not s.negative]
    gold, pred = ner_sets(sents, tagger.tag([s.text for s in sents]))
    return float(strict_f1(gold, pred)["f1"])


class MemoTagger:
    """A tagger whose spans are computed once per text: every model is scored end to end on
    the same mentions."""

    def __init__(self, inner: SpanTagger) -> None:
        self.inner = inner
        self.seen: dict[str, dict[str, list[Span]]] = {}

    def tag(self, texts: Sequence[str], batch_size: int = 32) -> list[dict[str, list[Span]]]:
        todo = list(dict.fromkeys(t for t in texts if t not in self.seen))
        self.seen |= dict(zip(todo, self.inner.tag(todo, batch_size), strict=True))
        return [self.seen[t] for t in texts]


class MemoScores:
    """`score_items` with `pair`, each (text, drug span, event span) scored once: repeated
    end-to-end runs over the same candidates (a threshold search) cost one pass."""

    def __init__(self, pair: PairBundle) -> None:
        self.pair = pair
        self.seen: dict[Item, float] = {}

    def __call__(self, items: Sequence[Item]) -> np.ndarray:
        todo = list(dict.fromkeys(i for i in items if i not in self.seen))
        if todo:
            self.seen |= dict(zip(todo, score_items(self.pair, todo).tolist(), strict=True))
        return np.array([self.seen[i] for i in items], dtype=np.float32)
