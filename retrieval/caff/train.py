"""Training one scorer: BCE, AdamW, cosine schedule with warm-up, gradient clipping,
early stopping on dev F1 (one global threshold, or per-hop thresholds tuned on dev: the
config's select_on); deterministic for a seed. Checkpoints carry their config."""

from __future__ import annotations

import logging
import math
import pickle
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from core.exceptions import ModelLoadError
from retrieval.caff.config import CaffConfig
from retrieval.caff.data import Features, QAData, make_batch
from retrieval.caff.metrics import best_threshold, prf, tune_hop_thresholds
from retrieval.caff.model import HopScorer

logger = logging.getLogger(__name__)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


def new_model(cfg: CaffConfig, feats: Features) -> HopScorer:
    return HopScorer(cfg, feats.relations.shape[1], feats.relations, feats.n_categories)


def predict(
    model: HopScorer,
    data: QAData,
    feats: Features,
    qids: list[int],
    retained: dict[int, np.ndarray] | None = None,
    batch_questions: int = 64,
) -> np.ndarray:
    """Probabilities for every triple of `qids`, in data order (question by question)."""
    model.eval()
    out = []
    with torch.inference_mode():
        for start in range(0, len(qids), batch_questions):
            part = qids[start : start + batch_questions]
            batch, _ = make_batch(data, feats, part, model.cfg, retained)
            out.append(torch.sigmoid(model(batch)).numpy())
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def labels(data: QAData, qids: list[int]) -> np.ndarray:
    return np.concatenate([data.y[data.offsets[i] : data.offsets[i + 1]] for i in qids])


def _lr_at(step: int, total: int, warmup: int, cfg: CaffConfig) -> float:
    if step < warmup:
        return cfg.lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1 + math.cos(math.pi * progress))


@dataclass
class TrainResult:
    model: HopScorer
    history: list[dict[str, float]]
    best_epoch: int
    seconds: float


def train(cfg: CaffConfig, data: QAData, feats: Features) -> TrainResult:
    seed_everything(cfg.seed)
    model = new_model(cfg, feats)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    train_q, dev_q = data.split_ids("train"), data.split_ids("dev")
    steps_per_epoch = max(1, math.ceil(len(train_q) / cfg.batch_questions))
    total, warmup = steps_per_epoch * cfg.epochs, int(steps_per_epoch * cfg.warmup_epochs)
    rng = random.Random(cfg.seed)
    best_f, best_state, best_epoch, stale, step = -1.0, None, 0, 0, 0
    history: list[dict[str, float]] = []
    started = time.perf_counter()
    y_dev = labels(data, dev_q).astype(np.int64)
    hop_dev = np.concatenate([data.hop[data.offsets[i] : data.offsets[i + 1]] for i in dev_q])
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        order = train_q[:]
        rng.shuffle(order)
        losses = []
        for start in range(0, len(order), cfg.batch_questions):
            batch, y = make_batch(data, feats, order[start : start + cfg.batch_questions], cfg)
            for group in opt.param_groups:
                group["lr"] = _lr_at(step, total, warmup, cfg)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(model(batch), y)
            opt.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            opt.step()
            losses.append(loss.item())
            step += 1
        p_dev = predict(model, data, feats, dev_q)
        t = best_threshold(y_dev, p_dev)
        dev_f = prf(y_dev, p_dev >= t)[2]
        if cfg.select_on == "per_hop":  # hops 2-3 count: they are kept at their own threshold
            th = tune_hop_thresholds(y_dev, p_dev, hop_dev)
            dev_f = prf(y_dev, p_dev >= np.asarray([th[h] for h in hop_dev.tolist()]))[2]
        history.append(
            {"epoch": epoch, "loss": float(np.mean(losses)), "dev_f1": dev_f, "threshold": t}
        )
        logger.info(
            "%s seed %d epoch %d: loss %.4f dev F1 %.4f",
            cfg.variant,
            cfg.seed,
            epoch,
            np.mean(losses),
            dev_f,
        )
        if dev_f > best_f:
            best_f, best_epoch, stale = dev_f, epoch, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
            if stale >= cfg.patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    return TrainResult(model, history, best_epoch, time.perf_counter() - started)


def save_checkpoint(path: Path, model: HopScorer, extra: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save({"config": model.cfg.to_dict(), "state_dict": model.state_dict(), **extra}, tmp)
    tmp.replace(path)


def load_checkpoint(path: Path) -> tuple[CaffConfig, dict[str, Any]]:
    if not path.is_file():
        raise ModelLoadError(f"no CAFF checkpoint at {path}; train one with `evigraph caff train`")
    try:
        ckpt: dict[str, Any] = torch.load(path, map_location="cpu", weights_only=False)
        return CaffConfig.from_dict(ckpt["config"]), ckpt
    except (OSError, RuntimeError, KeyError, EOFError, ValueError, pickle.UnpicklingError) as e:
        raise ModelLoadError(f"{path}: not a readable CAFF checkpoint: {e}") from e


def config_changes(path: Path, cfg: CaffConfig) -> list[str]:
    """The config keys whose value in the checkpoint at `path` differs from `cfg` (empty when
    it was trained with exactly this config). Raises ModelLoadError when it is unreadable."""
    saved, _ = load_checkpoint(path)
    old, new = saved.to_dict(), cfg.to_dict()
    return sorted(k for k in new if old.get(k) != new[k])
