"""One training run end to end: corpus -> fixed splits -> phases 1 and 2 -> dev threshold ->
test metrics -> checkpoint (model.pt, tokenizer/, meta.json with the figures)."""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import torch

from core.encoders import resolve_model_dir
from extraction.ade.cached import StateCache, train_cached
from extraction.ade.checkpoint import new_bundle, save_bundle, score_items
from extraction.ade.data import Splits, joined_pairs, load_corpus, make_splits
from extraction.ade.evaluate import binary_metrics, tune_threshold
from extraction.ade.pair_tokens import pair_items
from extraction.ade.tagger import SpanTagger, tagged_negatives
from extraction.ade.train import TrainConfig, cap, phase1, phase2, subsample

logger = logging.getLogger(__name__)


def split_stats(splits: Splits) -> dict[str, Any]:
    out: dict[str, Any] = {"fingerprint": splits.fingerprint}
    for name, sents in splits.sentences.items():
        kinds = Counter(p.kind for p in splits.pairs(name))
        out[name] = {
            "pmids": len({s.pmid for s in sents}),
            "sentences": len(sents),
            "pairs": dict(sorted(kinds.items())),
        }
    return out


def fit_pair_classifier(
    corpus_dir: Path,
    out_dir: Path,
    cfg: TrainConfig,
    encoder_dir: Path | None = None,
    threads: int = 2,
    eval_limit: int | None = None,
    device: str = "cpu",
    tagger: SpanTagger | None = None,
    splits: Splits | None = None,
) -> dict[str, Any]:
    """Train `cfg`'s pair classifier on the training split into `out_dir`, its threshold
    tuned on dev; with `cfg.tagged_per_pos` the pairs `tagger` finds in the training split's
    ADE-NEG sentences are negatives too. `splits`: default the fixed ones of the corpus in
    `corpus_dir` (`make_splits`)."""
    torch.set_num_threads(threads)
    torch.manual_seed(cfg.seed)
    random.seed(cfg.seed)
    splits = splits or make_splits(load_corpus(corpus_dir), seed=13)
    train = cap(
        subsample(splits.pairs("train"), cfg.neg_per_pos, cfg.seed), cfg.max_train_pairs, cfg.seed
    )
    if cfg.joined_per_pos > 0:
        n_joined = int(cfg.joined_per_pos * sum(p.label for p in train))
        train += joined_pairs(splits.sentences["train"], n_joined, cfg.seed, cfg.clause_share)
    if cfg.tagged_per_pos > 0:
        if tagger is None:
            raise ValueError("tagged_per_pos needs the span tagger to find the pairs with")
        n_tagged = int(cfg.tagged_per_pos * sum(p.label for p in train))
        train += tagged_negatives(tagger, splits.sentences["train"], n_tagged, cfg.seed)
    bundle = new_bundle(
        resolve_model_dir(encoder_dir),
        cfg.arch,
        cfg.pooling,
        cfg.max_length,
        context_chars=cfg.context_chars,
    )
    bundle.model.to(device)
    dev, test = splits.pairs("dev"), splits.pairs("test")
    if eval_limit:  # only for quick smoke runs; reported figures use the whole splits
        dev, test = dev[:eval_limit], test[:eval_limit]
    start = time.monotonic()
    deadline = start + cfg.max_minutes * 60
    if cfg.freeze_encoder:
        cache = StateCache(bundle, cfg.train_layers)
        cache.add(train)
        cache.add(dev)
        encode_s = time.monotonic() - start
        deadline = time.monotonic() + cfg.max_minutes * 60  # the budget is for training
        epochs: list[dict[str, Any]] = []

        def checkpoint(epoch: int, losses: list[float], stopped: bool) -> None:
            scores = cache.score(dev)
            bundle.threshold = tune_threshold([p.label for p in dev], scores)
            dev_m = binary_metrics([p.label for p in dev], scores, bundle.threshold)
            epochs.append(
                {
                    "epoch": epoch,
                    "stopped_by_budget": stopped,
                    "phase2_batches": len(losses),
                    "loss_last_20": sum(losses[-20:]) / max(1, len(losses[-20:])),
                    "seconds": round(time.monotonic() - start, 1),
                    "dev": dev_m,
                }
            )
            bundle.meta = {"train_config": cfg.to_dict(), "partial": True, "epochs": epochs}
            save_bundle(bundle, out_dir)
            logger.info("epoch %d: dev %s, checkpoint written", epoch, dev_m)

        p1, p2 = train_cached(cache, train, cfg, checkpoint, deadline)
        train_s = time.monotonic() - start
        cache.add(test)
        dev_scores, test_scores = cache.score(dev), cache.score(test)
        extra: dict[str, Any] = {"epochs": epochs}
    else:
        # Phase 1 gets at most a quarter of the budget; phase 2 plans its steps into the rest.
        p1 = phase1(bundle, train, cfg, min(deadline, start + cfg.max_minutes * 15))
        p2 = phase2(bundle, train, cfg, deadline)
        train_s = encode_s = time.monotonic() - start
        dev_scores = score_items(bundle, pair_items(dev))
        test_scores = score_items(bundle, pair_items(test))
        extra = {}
    bundle.threshold = tune_threshold([p.label for p in dev], dev_scores)
    bundle.meta = {
        "train_config": cfg.to_dict(),
        "model_config": bundle.cfg.to_dict(),
        "splits": split_stats(splits),
        "train_pairs": len(train),
        "phase1_steps": len(p1),
        "phase1_loss_first_last": [p1[0], p1[-1]] if p1 else [],
        "phase2_batches": len(p2),
        "phase2_loss_first_last": [
            sum(p2[:20]) / max(1, len(p2[:20])),
            sum(p2[-20:]) / max(1, len(p2[-20:])),
        ],
        "train_seconds": round(train_s, 1),
        "encode_or_finetune_seconds": round(encode_s, 1),
        "threads": threads,
        "device": device,
        "dev": binary_metrics([p.label for p in dev], dev_scores, bundle.threshold),
        "test": binary_metrics([p.label for p in test], test_scores, bundle.threshold),
        **extra,
    }
    save_bundle(bundle, out_dir)
    return bundle.meta
