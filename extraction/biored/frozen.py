"""The CPU configuration end to end: cached frozen-encoder features, head training with
early stopping on dev, prediction, and its checkpoint (kind "frozen-heads")."""

from __future__ import annotations

import copy
import json
import logging
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from core.encoders import resolve_model_dir
from core.exceptions import ModelLoadError
from core.progress import Progress
from extraction.biored.corpus import Document
from extraction.biored.heads import HeadsConfig, PairBatch, PairHeads, build_batch
from extraction.biored.model import LossWeights, multitask_loss
from extraction.biored.pairs import DIRECTION_LABELS, TYPE_LABELS, candidates
from extraction.biored.state_cache import FeatureCache, FeatureSpec, FrozenEncoder
from extraction.biored.train import PairPrediction

logger = logging.getLogger(__name__)
KIND = "frozen-heads"
MODEL_NAME = "biored-frozen-heads"


@dataclass(frozen=True)
class HeadParams:
    epochs: int = 40
    lr: float = 1e-3
    weight_decay: float = 0.01
    docs_per_step: int = 4
    patience: int = 8  # epochs without a better dev score before stopping
    seed: int = 13


class FrozenPredictor:
    """Frozen encoder + trained heads; `predict(docs)` gives per-pair probabilities."""

    def __init__(
        self,
        encoder: FrozenEncoder,
        heads: PairHeads,
        meta: dict[str, object],
        cache_root: Path | None = None,
    ) -> None:
        self.encoder, self.heads, self.meta = encoder, heads, meta
        self.cache = FeatureCache(cache_root, encoder)

    model_name = MODEL_NAME

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "untrained"))

    @property
    def encoder_id(self) -> str:
        return self.encoder.model_dir.encoder_id

    @property
    def threshold(self) -> float:
        return float(self.meta.get("threshold", 0.5))  # type: ignore[arg-type]

    def batches(self, docs: list[Document]) -> list[PairBatch]:
        """One batch per document that has candidate pairs (features from the cache; encoding
        the corpus the first time takes minutes on a CPU, so it logs its progress)."""
        out = []
        progress = Progress("biored features", len(docs), logger)
        for i, d in enumerate(docs):
            progress.update(i)
            cands = candidates(d)
            if not cands:
                continue
            enc = self.encoder.encode(d)
            out.append(build_batch(d, enc, self.cache.get(d, enc), cands))
        return out

    @torch.no_grad()
    def predict_batches(self, batches: list[PairBatch]) -> list[PairPrediction]:
        self.heads.eval()
        out: list[PairPrediction] = []
        for b in batches:
            heads = self.heads(b)
            t = heads.type_logits.softmax(-1).tolist()
            n = heads.novelty_logits.softmax(-1)[:, 1].tolist()
            d = heads.direction_logits.softmax(-1).tolist()
            out.extend(
                PairPrediction(c, ti, ni, di)
                for c, ti, ni, di in zip(b.cands, t, n, d, strict=True)
            )
        return out

    def predict(self, docs: list[Document]) -> list[PairPrediction]:
        return self.predict_batches(self.batches(docs))


def _inv_sqrt(counts: Counter[int], n: int) -> list[float]:
    raw = [1.0 / math.sqrt(counts.get(i, 0) + 1) for i in range(n)]
    mean = sum(raw) / n
    return [r / mean for r in raw]


def loss_weights(batches: list[PairBatch]) -> LossWeights:
    """Inverse square-root class frequencies over every candidate (no negative sampling)."""
    rel = torch.cat([b.rel for b in batches])
    pos = rel > 0
    return LossWeights(
        _inv_sqrt(Counter(rel.tolist()), len(TYPE_LABELS)),
        _inv_sqrt(Counter(torch.cat([b.novel for b in batches])[pos].tolist()), 2),
        _inv_sqrt(
            Counter(torch.cat([b.direction for b in batches])[pos].tolist()), len(DIRECTION_LABELS)
        ),
    )


def train_heads(
    heads: PairHeads,
    train: list[PairBatch],
    params: HeadParams,
    dev_score: Callable[[PairHeads], float] | None = None,
    on_epoch: Callable[[int, float, float | None], None] | None = None,
) -> dict[str, object]:
    """Train on `train` for up to `params.epochs`; with `dev_score` keep the best epoch's
    weights and stop after `patience` epochs without improvement."""
    rng = random.Random(params.seed)
    torch.manual_seed(params.seed)
    weights = loss_weights(train)
    opt = torch.optim.AdamW(heads.parameters(), lr=params.lr, weight_decay=params.weight_decay)
    steps_per_epoch = math.ceil(len(train) / params.docs_per_step)
    total = max(1, params.epochs * steps_per_epoch)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / steps_per_epoch) * max(0.05, 1 - s / total)
    )
    started = time.monotonic()
    best: tuple[float, int, dict[str, torch.Tensor] | None] = (-1.0, 0, None)
    history: list[dict[str, float | None]] = []
    for epoch in range(1, params.epochs + 1):
        heads.train()
        order = train[:]
        rng.shuffle(order)
        total_loss = 0.0
        for k in range(0, len(order), params.docs_per_step):
            group = order[k : k + params.docs_per_step]
            opt.zero_grad()
            for b in group:
                out = heads(b)
                loss = multitask_loss(out, b.rel, b.novel, b.direction, weights)
                (loss / len(group)).backward()  # type: ignore[no-untyped-call]
                total_loss += float(loss.detach())
            torch.nn.utils.clip_grad_norm_(heads.parameters(), 1.0)
            opt.step()
            sched.step()
        mean_loss = total_loss / max(1, len(order))
        score = dev_score(heads) if dev_score is not None else None
        history.append({"epoch": epoch, "loss": round(mean_loss, 4), "dev": score})
        logger.info("epoch %d loss %.4f dev %s (%.0f s)", epoch, mean_loss, score,
                    time.monotonic() - started)  # fmt: skip
        if on_epoch is not None:
            on_epoch(epoch, mean_loss, score)
        if score is not None and score > best[0]:
            best = (score, epoch, copy.deepcopy(heads.state_dict()))
        elif score is not None and epoch - best[1] >= params.patience:
            break
    if best[2] is not None:
        heads.load_state_dict(best[2])
    heads.eval()
    return {
        "epochs_run": len(history),
        "best_epoch": best[1] or len(history),
        "best_dev": best[0] if best[2] is not None else None,
        "first_loss": history[0]["loss"] if history else None,
        "last_loss": history[-1]["loss"] if history else None,
        "seconds": round(time.monotonic() - started, 1),
        "history": history,
        "params": asdict(params),
    }


def save(predictor: FrozenPredictor, path: Path, meta: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(
        {
            "kind": KIND,
            "spec": predictor.encoder.spec.to_dict(),
            "heads_config": predictor.heads.cfg.to_dict(),
            "state_dict": predictor.heads.state_dict(),
            "encoder": predictor.encoder.model_dir.describe(),
            "meta": meta,
        },
        tmp,
    )
    tmp.replace(path)
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    predictor.meta = meta


def load_blob(
    path: Path, blob: dict[str, object], encoder_dir: Path | None, cache_root: Path | None
) -> FrozenPredictor:
    """A FrozenPredictor from an already read checkpoint `blob` (kind "frozen-heads")."""
    try:
        spec = FeatureSpec.from_dict(blob["spec"])  # type: ignore[arg-type]
        cfg = HeadsConfig(**blob["heads_config"])  # type: ignore[arg-type]
        state = blob["state_dict"]
    except (KeyError, TypeError, ValueError) as e:
        raise ModelLoadError(f"{path}: not a frozen-heads BioRED checkpoint: {e}") from e
    md = resolve_model_dir(encoder_dir)
    if md.encoder_id != spec.encoder_id:
        raise ModelLoadError(
            f"{path} was trained on {spec.encoder_id}, but the configured encoder is "
            f"{md.encoder_id}"
        )
    heads = PairHeads(cfg)
    heads.load_state_dict(state)  # type: ignore[arg-type]
    heads.eval()
    meta = dict(blob.get("meta") or {})  # type: ignore[call-overload]
    return FrozenPredictor(FrozenEncoder(md, spec), heads, meta, cache_root)
