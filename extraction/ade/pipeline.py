"""`evigraph extract ade-train`: the default checkpoint (pair classifier + tagger) and its
evaluation report, rebuilt from the corpus into <var>/ade."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch

from core.models import resolve_model_dir
from core.settings import Settings
from extraction.ade.checkpoint import load_bundle
from extraction.ade.data import load_corpus, make_splits
from extraction.ade.e2e import end_to_end
from extraction.ade.fit import fit_pair_classifier
from extraction.ade.service import ade_dir
from extraction.ade.tagger import new_tagger, save_tagger, train_tagger
from extraction.ade.train import TrainConfig

logger = logging.getLogger(__name__)


def default_config(minutes: float) -> TrainConfig:
    """Sized for 2 CPU cores: shared-weight views, max_length 96, about one epoch."""
    return TrainConfig(arch="shared", pooling="attention", max_minutes=minutes)


def train_tagger_into(
    settings: Settings, folder: Path, seconds: float, epochs: float
) -> dict[str, Any]:
    splits = make_splits(load_corpus(settings.ade.corpus_dir))
    train = [s for s in splits.sentences["train"] if not s.negative]
    bundle = new_tagger(resolve_model_dir(settings.models.encoder_dir))
    t0 = time.monotonic()
    losses = train_tagger(bundle, train, epochs=epochs, max_seconds=seconds)
    meta = {
        "train_sentences": len(train),
        "steps": len(losses),
        "epochs": epochs,
        "loss_first_last": [losses[0], losses[-1]] if losses else [],
        "train_seconds": round(time.monotonic() - t0, 1),
        "splits_fingerprint": splits.fingerprint,
    }
    save_tagger(bundle, folder, meta)
    return meta


def train_default(
    settings: Settings,
    minutes: float = 10.0,
    cfg: TrainConfig | None = None,
    tagger_epochs: float = 1.0,
) -> dict[str, Any]:
    """Pair classifier (~60% of the budget), tagger (~25%), then the end-to-end evaluation."""
    torch.set_num_threads(settings.models.torch_threads)
    folder = ade_dir(settings)
    cfg = replace(cfg or default_config(minutes), max_minutes=minutes * 0.6)
    t0 = time.monotonic()
    pair_meta = fit_pair_classifier(
        settings.ade.corpus_dir,
        folder / "pair",
        cfg,
        settings.models.encoder_dir,
        settings.models.torch_threads,
    )
    tagger_meta = train_tagger_into(settings, folder / "tagger", minutes * 60 * 0.25, tagger_epochs)
    from extraction.ade.tagger import load_tagger

    pair = load_bundle(folder / "pair", settings.models.encoder_dir)
    tagger = load_tagger(folder / "tagger", settings.models.encoder_dir)
    test = make_splits(load_corpus(settings.ade.corpus_dir)).sentences["test"]
    report = {
        "pair": pair_meta,
        "tagger": tagger_meta,
        "end_to_end_test": end_to_end(tagger, pair, test),
        "total_seconds": round(time.monotonic() - t0, 1),
    }
    (folder / "report.json").write_text(json.dumps(report, indent=2, sort_keys=True))
    return report
