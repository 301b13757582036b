"""The default checkpoint: train on BioRED train, tune the threshold on dev, save into
var/biored/, evaluate on BioRED test and the BioCreative VIII test.

Two configurations: `cpu` (the default; frozen encoder features cached on disk, heads
trained to convergence, see frozen.py) and `full` (the paper's model: shared encoder
fine-tuned with soft prompt and three heads; meant for a GPU)."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from core.encoders import resolve_model_dir
from extraction.biored import checkpoint, frozen
from extraction.biored.evaluate import (
    evaluate,
    gold_relations,
    load_split,
    side_by_side,
    train_dev_split,
    tune_threshold,
)
from extraction.biored.heads import HeadsConfig, PairHeads
from extraction.biored.predictor import load_predictor
from extraction.biored.state_cache import FeatureSpec, FrozenEncoder
from extraction.biored.train import TrainParams, predict, prepare, train

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """The full multi-task model. The paper's setting is frozen_layers=0, a PubMedBERT-size
    encoder, max_length=512 and several epochs on a GPU; the defaults here are a reduced
    variant that runs (slowly, about 0.35 epoch in 25 min) on CPU."""

    max_length: int = 256
    frozen_layers: int = 4
    soft_prompt_len: int = 8
    params: TrainParams = field(
        default_factory=lambda: TrainParams(lr=1e-4, neg_ratio=2.0, time_budget_s=1800.0)
    )
    dev_limit: int | None = None  # dev documents used to tune the threshold (None: all)
    train_limit: int | None = None  # training documents (None: all 400)


def train_default(
    data_dir: Path, out: Path, encoder_dir: Path | None, cfg: TrainConfig, threads: int = 2
) -> dict[str, object]:
    torch.set_num_threads(threads)
    started = time.monotonic()
    train_docs, dev_docs = train_dev_split(data_dir)
    if cfg.train_limit is not None:
        train_docs = train_docs[: cfg.train_limit]
    if cfg.dev_limit is not None:
        dev_docs = dev_docs[: cfg.dev_limit]
    loaded = checkpoint.build(
        encoder_dir,
        cfg.max_length,
        frozen_layers=cfg.frozen_layers,
        soft_prompt_len=cfg.soft_prompt_len,
    )
    summary = train(loaded, prepare(train_docs, loaded), cfg.params)
    dev_preds = predict(loaded, prepare(dev_docs, loaded))
    threshold, dev_f1 = tune_threshold(dev_preds, gold_relations(dev_docs))
    meta = {
        "version": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
        "threshold": threshold,
        "dev_type_f1": dev_f1,
        "train_documents": len(train_docs),
        "dev_documents": len(dev_docs),
        "config": {**asdict(cfg), "params": asdict(cfg.params)},
        "model_config": loaded.model.cfg.to_dict(),
        "training": summary,
        "wall_seconds": round(time.monotonic() - started, 1),
        "threads": threads,
    }
    checkpoint.save(loaded, out, meta)
    logger.info("saved %s (threshold %.2f, dev +type F1 %.2f)", out, threshold, dev_f1)
    return meta


@dataclass(frozen=True)
class CpuTrainConfig:
    """The offline CPU configuration: frozen encoder (layers 4 and 6 of MiniLM-L6 by
    default), the full model's chunking, token states cached once, heads trained for up to
    `params.epochs` epochs with early stopping on dev pair+type F1."""

    max_length: int = 256
    overlap: int = 32
    layers: tuple[int, ...] = (4, 6)
    hidden: int = 256
    pair_hidden: int = 512
    dropout: float = 0.2
    params: frozen.HeadParams = field(default_factory=frozen.HeadParams)
    dev_limit: int | None = None
    train_limit: int | None = None


def features_root(var_dir: Path) -> Path:
    return var_dir / "biored" / "features"


def train_cpu(
    data_dir: Path,
    out: Path,
    encoder_dir: Path | None,
    cfg: CpuTrainConfig,
    var_dir: Path,
    threads: int = 2,
) -> dict[str, object]:
    """Features (cached), heads, dev threshold; saves a "frozen-heads" checkpoint."""
    torch.set_num_threads(threads)
    started = time.monotonic()
    train_docs, dev_docs = train_dev_split(data_dir)
    train_docs = train_docs[: cfg.train_limit] if cfg.train_limit else train_docs
    dev_docs = dev_docs[: cfg.dev_limit] if cfg.dev_limit else dev_docs
    md = resolve_model_dir(encoder_dir)
    spec = FeatureSpec(md.encoder_id, cfg.layers, cfg.max_length, cfg.overlap)
    encoder = FrozenEncoder(md, spec)
    hcfg = HeadsConfig(encoder.dim, cfg.hidden, cfg.pair_hidden, dropout=cfg.dropout)
    predictor = frozen.FrozenPredictor(encoder, PairHeads(hcfg), {}, features_root(var_dir))
    train_b, dev_b = predictor.batches(train_docs), predictor.batches(dev_docs)
    features_s = round(time.monotonic() - started, 1)
    cache = {"hits": predictor.cache.hits, "computed": predictor.cache.misses}
    logger.info("features ready in %.0f s (%s)", features_s, cache)
    dev_gold = gold_relations(dev_docs)

    def dev_score(_heads: PairHeads) -> float:
        return tune_threshold(predictor.predict_batches(dev_b), dev_gold)[1]

    summary = frozen.train_heads(predictor.heads, train_b, cfg.params, dev_score)
    threshold, dev_f1 = tune_threshold(predictor.predict_batches(dev_b), dev_gold)
    meta = {
        "version": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
        "configuration": "cpu",
        "threshold": threshold,
        "dev_type_f1": dev_f1,
        "train_documents": len(train_docs),
        "dev_documents": len(dev_docs),
        "config": {**asdict(cfg), "params": asdict(cfg.params)},
        "feature_spec": spec.to_dict(),
        "heads_config": hcfg.to_dict(),
        "feature_seconds": features_s,
        "feature_cache": cache,
        "training": summary,
        "wall_seconds": round(time.monotonic() - started, 1),
        "threads": threads,
    }
    frozen.save(predictor, out, meta)
    logger.info("saved %s (threshold %.2f, dev +type F1 %.2f)", out, threshold, dev_f1)
    return meta


def evaluate_checkpoint(
    data_dir: Path,
    path: Path,
    encoder_dir: Path | None,
    splits: list[str],
    threads: int = 2,
    limit: int | None = None,
    var_dir: Path | None = None,
) -> dict[str, Any]:
    """Scores per split; `limit` keeps the first N documents of each (for slow machines)."""
    torch.set_num_threads(threads)
    predictor = load_predictor(path, encoder_dir, features_root(var_dir) if var_dir else None)
    threshold = predictor.threshold
    results: dict[str, dict[str, Any]] = {}
    timings = {}
    for split in splits:
        t = time.monotonic()
        docs = load_split(data_dir, split)
        results[split] = evaluate(predictor, docs[:limit] if limit else docs, threshold)
        timings[split] = round(time.monotonic() - t, 1)
    return {
        "checkpoint": str(path),
        "model": predictor.model_name,
        "encoder": predictor.encoder_id,
        "model_version": predictor.version,
        "training": predictor.meta.get("training"),
        "train_wall_seconds": predictor.meta.get("wall_seconds"),
        "threshold": threshold,
        "results": results,
        "seconds": timings,
        "side_by_side": side_by_side(results),
    }


def write_json(obj: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")
