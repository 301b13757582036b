"""The default checkpoint: train on BioRED train, tune the threshold on dev, save into
var/biored/, evaluate on BioRED test and the BioCreative VIII test."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from extraction.biored import checkpoint
from extraction.biored.evaluate import (
    evaluate,
    gold_relations,
    load_split,
    side_by_side,
    train_dev_split,
    tune_threshold,
)
from extraction.biored.train import TrainParams, predict, prepare, train

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """The offline (CPU) configuration by default; the paper's is frozen_layers=0, a
    PubMedBERT-size encoder, max_length=512 and several epochs on a GPU."""

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


def evaluate_checkpoint(
    data_dir: Path,
    path: Path,
    encoder_dir: Path | None,
    splits: list[str],
    threads: int = 2,
    limit: int | None = None,
) -> dict[str, Any]:
    """Scores per split; `limit` keeps the first N documents of each (for slow machines)."""
    torch.set_num_threads(threads)
    loaded = checkpoint.load(path, encoder_dir)
    threshold = float(loaded.meta.get("threshold", 0.5))  # type: ignore[arg-type]
    results: dict[str, dict[str, Any]] = {}
    timings = {}
    for split in splits:
        t = time.monotonic()
        docs = load_split(data_dir, split)
        results[split] = evaluate(loaded, docs[:limit] if limit else docs, threshold)
        timings[split] = round(time.monotonic() - t, 1)
    return {
        "checkpoint": str(path),
        "encoder": loaded.encoder.encoder_id,
        "model_version": loaded.version,
        "training": loaded.meta.get("training"),
        "threshold": threshold,
        "results": results,
        "seconds": timings,
        "side_by_side": side_by_side(results),
    }


def write_json(obj: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")
