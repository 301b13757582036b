"""Head-only training on cached encoder states: the CPU mode of the pair classifier.

With the encoder frozen, each distinct view (a sentence with one marked span) goes through
the encoder once; both training phases (InfoNCE with hard negatives, then focal loss) and the
dev/test scoring then run on the cached token states. The result is an ordinary checkpoint:
scoring it through the full model (or ONNX) gives the same probabilities."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from extraction.ade.checkpoint import PairBundle
from extraction.ade.data import Pair
from extraction.ade.losses import focal_loss, info_nce
from extraction.ade.markers import adr_view, drug_view
from extraction.ade.model import DualEncoder
from extraction.ade.train import CosineWarmup, TrainConfig, hard_negative_index, pick_hard_negative

ViewKey = tuple[str, int, int, bool]  # (sentence key, start, end, is ADR view)


class StateCache:
    def __init__(self, bundle: PairBundle, batch_size: int = 32) -> None:
        assert isinstance(bundle.model, DualEncoder)
        self.bundle, self.model, self.batch_size = bundle, bundle.model, batch_size
        self.states: dict[ViewKey, torch.Tensor] = {}  # (T, H) float16

    def add(self, pairs: Sequence[Pair]) -> None:
        todo: dict[ViewKey, str] = {}
        for p in pairs:
            skey = p.sentence.key
            todo.setdefault((skey, *p.drug, False), drug_view(p.sentence.text, p.drug))
            todo.setdefault((skey, *p.ae, True), adr_view(p.sentence.text, p.ae))
        keys = sorted((k for k in todo if k not in self.states), key=lambda k: len(todo[k]))
        tok, max_len = self.bundle.tokenizer, self.bundle.cfg.max_length
        for m in self.model.encoders():
            m.eval()  # no dropout in the cached states
        with torch.inference_mode():
            for i in range(0, len(keys), self.batch_size):
                chunk = keys[i : i + self.batch_size]
                for adr in (False, True):
                    sub = [k for k in chunk if k[3] == adr]
                    if not sub:
                        continue
                    enc = tok(
                        [todo[k] for k in sub],
                        padding=True,
                        truncation=True,
                        max_length=max_len,
                        return_tensors="pt",
                    )
                    encoder = (
                        self.model.adr_encoder
                        if adr and self.model.adr_encoder
                        else self.model.drug_encoder
                    )
                    out = encoder(**enc).last_hidden_state  # (B, T, H)
                    for row, k in enumerate(sub):
                        n = int(enc["attention_mask"][row].sum())
                        self.states[k] = out[row, :n].to(torch.float16).clone()

    def batch(self, pairs: Sequence[Pair], adr: bool) -> tuple[torch.Tensor, torch.Tensor]:
        seqs = [self.states[(p.sentence.key, *(p.ae if adr else p.drug), adr)] for p in pairs]
        width = max(len(s) for s in seqs)
        states = torch.zeros(len(seqs), width, seqs[0].shape[-1])  # (B, T, H)
        mask = torch.zeros(len(seqs), width, dtype=torch.long)
        for i, s in enumerate(seqs):
            states[i, : len(s)] = s.float()
            mask[i, : len(s)] = 1
        return states, mask

    def embed(self, pairs: Sequence[Pair]) -> tuple[torch.Tensor, torch.Tensor]:
        d = self.model.head_view(*self.batch(pairs, False), adr=False)
        a = self.model.head_view(*self.batch(pairs, True), adr=True)
        return d, a

    def score(self, pairs: Sequence[Pair], batch_size: int = 256) -> np.ndarray:
        self.model.eval()
        out = []
        with torch.inference_mode():
            for i in range(0, len(pairs), batch_size):
                d, a = self.embed(pairs[i : i + batch_size])
                out.append(torch.sigmoid(self.model.classify(d, a)).numpy())
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def _head_params(model: DualEncoder) -> list[nn.Parameter]:
    frozen = {id(p) for m in model.encoders() for p in m.parameters()}
    return [p for p in model.parameters() if id(p) not in frozen]


def train_heads(
    cache: StateCache, pairs: Sequence[Pair], cfg: TrainConfig
) -> tuple[list[float], list[float]]:
    """Phase 1 (InfoNCE, one hard negative per positive) then phase 2 (focal loss, cosine
    warm-up, gradient accumulation) over the head parameters only."""
    model, rng = cache.model, random.Random(cfg.seed)
    model.train()
    params = _head_params(model)
    pos = [p for p in pairs if p.label]
    index, negs = hard_negative_index(pairs)
    opt = torch.optim.AdamW(params, lr=cfg.head_lr, weight_decay=cfg.weight_decay)
    p1: list[float] = []
    for _ in range(cfg.phase1_steps):
        batch = rng.sample(pos, cfg.batch_size)
        hard = [pick_hard_negative(p, index, negs, rng) for p in batch]
        d, a = cache.embed(batch + hard)
        k = len(batch)
        keys = [p.sentence.key for p in batch]
        mask = torch.tensor([[x == y for y in keys] for x in keys])
        loss = info_nce(d[:k], a[:k], cfg.tau, a[k:], mask) + info_nce(
            a[:k], d[:k], cfg.tau, d[k:], mask
        )
        opt.zero_grad()
        torch.autograd.backward(loss / 2)
        nn.utils.clip_grad_norm_(params, cfg.max_grad_norm)
        opt.step()
        p1.append(float(loss.detach()) / 2)
    order = list(pairs)
    micro_total = int(len(order) / cfg.batch_size * cfg.phase2_epochs)
    opt = torch.optim.AdamW(params, lr=cfg.head_lr, weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, CosineWarmup(micro_total // cfg.grad_accum, cfg.warmup)
    )
    p2: list[float] = []
    while len(p2) < micro_total:
        rng.shuffle(order)
        for i in range(0, len(order) - cfg.batch_size + 1, cfg.batch_size):
            if len(p2) >= micro_total:
                break
            batch = order[i : i + cfg.batch_size]
            logits = model.classify(*cache.embed(batch))
            labels = torch.tensor([p.label for p in batch])
            loss = focal_loss(logits, labels, cfg.focal_gamma, cfg.focal_alpha)
            torch.autograd.backward(loss / cfg.grad_accum)
            p2.append(float(loss.detach()))
            if len(p2) % cfg.grad_accum == 0:
                nn.utils.clip_grad_norm_(params, cfg.max_grad_norm)
                opt.step()
                sched.step()
                opt.zero_grad()
    return p1, p2


def timed_add(cache: StateCache, pairs: Sequence[Pair]) -> float:
    t0 = time.monotonic()
    cache.add(pairs)
    return time.monotonic() - t0
