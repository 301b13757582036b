"""The ADE training plan `evigraph extract ade-train` runs: what to train given the options and
what is already on disk, every option checked before any training starts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from core.exceptions import ConfigError
from core.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AdeTrainOptions:
    tagger_seconds: float = 0.0  # also train the neural tagger this long (0: dictionary only)
    if_missing: bool = False  # do nothing when the models exist (train a missing gate only)
    config: str = "finetune"  # the CRAG model's recipe (pipeline.CONFIGS)
    max_minutes: float = 0.0  # each pair classifier's budget (0: its config's)
    pair: str = "marker"  # pipeline.PAIR_CHOICES
    tagger_epochs: float = 6.0
    tagger_only: bool = False  # keep the saved pair classifier, retrain the tagger(s)
    tagger_pretrain_epochs: float = 1.0  # on BC5CDR mentions first; 0: none
    gate_seconds: float = 0.0  # also train the sentence gate (0: none)


def train(
    settings: Settings, opts: AdeTrainOptions, notify: Callable[[str], None] = logger.info
) -> dict[str, Any] | None:
    """Train what `opts` ask into <var>/ade and return the report; None when `if_missing`
    finds everything trained. A ConfigError names a bad option before anything trains."""
    from extraction.ade.checkpoint import MODEL_FILE
    from extraction.ade.gate import GATE_FILE
    from extraction.ade.pipeline import CONFIGS, CPU_MARKER, PAIR_CHOICES, train_default
    from extraction.ade.service import PAIR_FOLDERS, ade_dir

    folder = ade_dir(settings)
    trained = [n for n in PAIR_FOLDERS if (folder / n / MODEL_FILE).is_file()]
    if opts.if_missing and trained and (folder / "dictionary.json").is_file():
        if not opts.gate_seconds or (folder / "gate" / GATE_FILE).is_file():
            notify(f"ADE models present in {folder} ({', '.join(trained)}); not retraining")
            return None
        notify(f"ADE models present in {folder}; training the missing sentence gate")
        opts = replace(opts, tagger_seconds=0.0, tagger_only=True)
    if opts.config not in CONFIGS:
        raise ConfigError(f"unknown config {opts.config!r}; choose from {sorted(CONFIGS)}")
    if opts.pair not in PAIR_CHOICES:
        raise ConfigError(f"unknown --pair {opts.pair!r}; choose from {sorted(PAIR_CHOICES)}")
    if opts.tagger_only and not trained:
        raise ConfigError(
            f"--tagger-only needs a trained pair classifier in {folder / 'single'} or "
            f"{folder / 'pair'}; run `evigraph extract ade-train` first"
        )
    train_cfg, marker_cfg = CONFIGS[opts.config], CPU_MARKER
    if opts.max_minutes:
        train_cfg = replace(train_cfg, max_minutes=opts.max_minutes)
        marker_cfg = replace(marker_cfg, max_minutes=opts.max_minutes)
    return train_default(
        settings,
        opts.tagger_seconds,
        train_cfg,
        opts.tagger_epochs,
        opts.tagger_only,
        opts.tagger_pretrain_epochs,
        opts.pair,
        marker_cfg,
        opts.gate_seconds,
    )
