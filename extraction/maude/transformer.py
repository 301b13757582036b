"""The transformer severity classifier: an encoder from disk (core.encoders), [CLS] and mean
pooling concatenated, a linear head, and cross-entropy with inverse-frequency class weights.

The hyperparameters live in a frozen dataclass saved beside the state_dict, so a checkpoint
rebuilds its own model."""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from core.encoders import ModelDir, load_tokenizer, load_transformer, mean_pool, resolve_model_dir
from core.exceptions import ModelLoadError
from extraction.maude.records import LABELS

logger = logging.getLogger(__name__)

KIND = "transformer"  # the encoder fine-tuned with the head
KIND_FROZEN = "transformer-frozen"  # the encoder frozen, the head trained on its features


@dataclass(frozen=True)
class TransformerConfig:
    encoder_dir: str | None = None  # None: the packaged all-MiniLM-L6-v2
    encoder_id: str = ""
    max_length: int = 256
    epochs: int = 2
    batch_size: int = 16
    lr: float = 5e-5
    warmup: float = 0.1
    dropout: float = 0.1
    weight_decay: float = 0.01
    seed: int = 13
    max_steps: int | None = None  # stop early after this many optimiser steps (tests)
    num_labels: int = len(LABELS)
    # False: the encoder stays frozen, its pooled features are computed once and only the
    # head is trained (head_epochs passes, head_lr): what a shared 2-core CPU can afford.
    train_encoder: bool = True
    head_epochs: int = 60
    head_lr: float = 2e-3


class SeverityNet(nn.Module):
    feat_mean: torch.Tensor
    feat_std: torch.Tensor

    def __init__(self, encoder: nn.Module, hidden: int, cfg: TransformerConfig) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(2 * hidden, cfg.num_labels)
        # Feature standardisation, fitted on the training set for a frozen encoder
        # (identity when the encoder is fine-tuned).
        self.register_buffer("feat_mean", torch.zeros(2 * hidden))
        self.register_buffer("feat_std", torch.ones(2 * hidden))

    def features(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        cls = hidden[:, 0]  # (B, D)
        mean = mean_pool(hidden, attention_mask)  # (B, D)
        return torch.cat([cls, mean], dim=-1)  # (B, 2D)

    def classify(self, feats: torch.Tensor) -> torch.Tensor:
        z = (feats - self.feat_mean) / self.feat_std
        logits: torch.Tensor = self.head(self.dropout(z))  # (B, C)
        return logits

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.classify(self.features(input_ids, attention_mask))


def class_weights(y: np.ndarray, num_labels: int) -> torch.Tensor:
    """Inverse class frequency, n / (C * n_c); a class absent from y gets weight 0."""
    counts = np.bincount(y, minlength=num_labels).astype(float)
    w = np.where(counts > 0, len(y) / (num_labels * np.maximum(counts, 1.0)), 0.0)
    return torch.tensor(w, dtype=torch.float32)


class TransformerClassifier:
    def __init__(
        self,
        cfg: TransformerConfig,
        model_dir: ModelDir | None = None,
        feature_cache: dict[str, np.ndarray] | None = None,
    ) -> None:
        self.model_dir = model_dir or resolve_model_dir(
            Path(cfg.encoder_dir) if cfg.encoder_dir else None
        )
        self.cfg = TransformerConfig(**{**asdict(cfg), "encoder_id": self.model_dir.encoder_id})
        self.params = asdict(self.cfg)
        self.kind = KIND if cfg.train_encoder else KIND_FROZEN
        self.tokenizer = load_tokenizer(self.model_dir)
        torch.manual_seed(cfg.seed)
        self.net = SeverityNet(load_transformer(self.model_dir), self.model_dir.hidden_size, cfg)
        self.train_seconds = 0.0
        # Pooled features by text, shared across the folds of a CV with a frozen encoder.
        self.cache = feature_cache if feature_cache is not None else {}

    def _encode(self, texts: Sequence[str]) -> list[list[int]]:
        enc = self.tokenizer(list(texts), truncation=True, max_length=self.cfg.max_length)
        ids: list[list[int]] = enc["input_ids"]
        return ids

    def _batch(self, ids: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        width = max(len(x) for x in ids)
        pad = int(self.tokenizer.pad_token_id or 0)
        input_ids = torch.full((len(ids), width), pad, dtype=torch.long)  # (B, T)
        mask = torch.zeros((len(ids), width), dtype=torch.long)  # (B, T)
        for i, x in enumerate(ids):
            input_ids[i, : len(x)] = torch.tensor(x)
            mask[i, : len(x)] = 1
        return input_ids, mask

    def _train_batches(self, lengths: list[int], rng: random.Random) -> list[list[int]]:
        """Shuffled batches of similar length: pads less, so CPU steps are cheaper."""
        order = list(range(len(lengths)))
        rng.shuffle(order)
        chunk = self.cfg.batch_size * 20
        batches: list[list[int]] = []
        for s in range(0, len(order), chunk):
            part = sorted(order[s : s + chunk], key=lambda i: lengths[i])
            batches += [
                part[j : j + self.cfg.batch_size] for j in range(0, len(part), self.cfg.batch_size)
            ]
        rng.shuffle(batches)
        return batches

    def fit(
        self,
        texts: Sequence[str],
        y: np.ndarray,
        on_step: Callable[[int, float], None] | None = None,
    ) -> list[float]:
        """Train on (texts, y); returns the loss of every optimiser step."""
        if not self.cfg.train_encoder:
            return self._fit_head(texts, y, on_step)
        start = time.perf_counter()
        rng = random.Random(self.cfg.seed)
        ids = self._encode(texts)
        labels = torch.tensor(y, dtype=torch.long)
        loss_fn = nn.CrossEntropyLoss(weight=class_weights(y, self.cfg.num_labels))
        steps_per_epoch = math.ceil(len(ids) / self.cfg.batch_size)
        total = steps_per_epoch * self.cfg.epochs
        if self.cfg.max_steps is not None:
            total = min(total, self.cfg.max_steps)
        opt = torch.optim.AdamW(
            self.net.parameters(), lr=self.cfg.lr, weight_decay=self.cfg.weight_decay
        )
        warm = max(1, int(total * self.cfg.warmup))
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
        )
        losses: list[float] = []
        self.net.train()
        for _epoch in range(self.cfg.epochs):
            for batch in self._train_batches([len(x) for x in ids], rng):
                if len(losses) >= total:
                    break
                input_ids, mask = self._batch([ids[i] for i in batch])
                loss = loss_fn(self.net(input_ids, mask), labels[batch])
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.net.parameters(), 1.0)
                opt.step()
                sched.step()
                losses.append(float(loss.item()))
                if on_step:
                    on_step(len(losses), losses[-1])
        self.train_seconds = time.perf_counter() - start
        return losses

    @torch.no_grad()
    def pooled(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """(N, 2D) frozen-encoder features, computed once per distinct text."""
        todo = sorted({t for t in texts if t not in self.cache})
        if todo:
            self.net.eval()
            ids = self._encode(todo)
            order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
            for s in range(0, len(order), batch_size):
                idx = order[s : s + batch_size]
                feats = self.net.features(*self._batch([ids[i] for i in idx])).numpy()
                for i, f in zip(idx, feats, strict=True):
                    self.cache[todo[i]] = f
                logger.debug("encoded %d/%d texts", min(s + batch_size, len(order)), len(order))
        return np.stack([self.cache[t] for t in texts])

    def _fit_head(
        self, texts: Sequence[str], y: np.ndarray, on_step: Callable[[int, float], None] | None
    ) -> list[float]:
        start = time.perf_counter()
        feats = torch.tensor(self.pooled(texts))  # (N, 2D)
        with _one_thread():
            losses = self._train_head(feats, y, on_step)
        self.train_seconds = time.perf_counter() - start
        return losses

    def _train_head(
        self, feats: torch.Tensor, y: np.ndarray, on_step: Callable[[int, float], None] | None
    ) -> list[float]:
        self.net.feat_mean.copy_(feats.mean(dim=0))
        self.net.feat_std.copy_(feats.std(dim=0).clamp(min=1e-6))
        labels = torch.tensor(y, dtype=torch.long)
        loss_fn = nn.CrossEntropyLoss(weight=class_weights(y, self.cfg.num_labels))
        opt = torch.optim.AdamW(
            self.net.head.parameters(), lr=self.cfg.head_lr, weight_decay=self.cfg.weight_decay
        )
        gen = torch.Generator().manual_seed(self.cfg.seed)
        losses: list[float] = []
        self.net.train()
        for _epoch in range(self.cfg.head_epochs):
            perm = torch.randperm(len(y), generator=gen)
            size = self.cfg.batch_size * 4
            for batch in [perm[s : s + size] for s in range(0, len(y), size)]:
                loss = loss_fn(self.net.classify(feats[batch]), labels[batch])
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(float(loss.item()))
                if on_step:
                    on_step(len(losses), losses[-1])
                if self.cfg.max_steps is not None and len(losses) >= self.cfg.max_steps:
                    break
        return losses

    @torch.no_grad()
    def logits(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """(N, C) logits, in the order of `texts`."""
        self.net.eval()
        if not self.cfg.train_encoder:
            feats = torch.tensor(self.pooled(texts))
            with _one_thread():
                out: np.ndarray = self.net.classify(feats).numpy()
            return out
        ids = self._encode(texts)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        res = np.zeros((len(ids), self.cfg.num_labels), dtype=np.float32)
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            input_ids, mask = self._batch([ids[i] for i in idx])
            res[idx] = self.net(input_ids, mask).numpy()
        return res

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        state = {
            "kind": self.kind,
            "config": asdict(self.cfg),
            "encoder": self.model_dir.describe(),
            # A frozen encoder is rebuilt from its own (hash-checked) files; only the rest is saved.
            "state_dict": {
                k: v
                for k, v in self.net.state_dict().items()
                if self.cfg.train_encoder or not k.startswith("encoder.")
            },
        }
        torch.save(state, path)

    @classmethod
    def load(cls, path: Path) -> TransformerClassifier:
        try:
            state: dict[str, Any] = torch.load(path, map_location="cpu", weights_only=True)
        except (OSError, RuntimeError) as e:
            raise ModelLoadError(f"{path}: cannot load the checkpoint: {e}") from e
        cfg = TransformerConfig(**state["config"])
        obj = cls(cfg)
        if obj.model_dir.encoder_id != cfg.encoder_id:
            raise ModelLoadError(
                f"{path}: trained on encoder {cfg.encoder_id}, but {obj.model_dir.encoder_id} "
                "is configured; retrain or point EVIGRAPH_MODELS__ENCODER_DIR at the original"
            )
        missing, unexpected = obj.net.load_state_dict(state["state_dict"], strict=False)
        bad = unexpected + [k for k in missing if cfg.train_encoder or not k.startswith("encoder.")]
        if bad:
            raise ModelLoadError(f"{path}: checkpoint does not fit the model: {bad[:5]}")
        return obj


@contextmanager
def _one_thread() -> Iterator[None]:
    """Tiny head steps: thread start-up and barriers would cost more than the arithmetic,
    and far more on a loaded machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
