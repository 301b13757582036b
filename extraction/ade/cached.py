"""Training on cached encoder states: the CPU mode of the pair classifiers.

The embeddings and the lower encoder layers are frozen; every distinct view text (a sentence
with its markers) goes through them once, and the token states after them are cached. The
top `train_layers` encoder layers (0: none, heads only) and the heads then train on the cached
states: phase 1 InfoNCE with hard negatives (dual views), phase 2 focal loss with layer-wise
LR decay, cosine warm-up and gradient accumulation. A callback after each epoch lets the
caller write a checkpoint, so a run cut short by its wall-clock budget still leaves a model.
The result is an ordinary checkpoint: the full model (or ONNX) gives the same probabilities."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import nn

from core.exceptions import ExtractionError
from extraction.ade.checkpoint import PairBundle
from extraction.ade.data import Pair
from extraction.ade.losses import focal_loss, info_nce
from extraction.ade.markers import adr_view, drug_view, joint_view
from extraction.ade.model import DualEncoder, MarkerClassifier
from extraction.ade.train import CosineWarmup, TrainConfig, hard_negative_index, pick_hard_negative

Cached = tuple[torch.Tensor, torch.Tensor]  # states (T, H) float16, token ids (T,)


def encoder_layers(encoder: nn.Module) -> nn.ModuleList:
    layers = getattr(getattr(encoder, "encoder", None), "layer", None)
    if not isinstance(layers, nn.ModuleList):
        raise ExtractionError("the encoder is not BERT-like (no encoder.layer list)")
    return layers


class StateCache:
    def __init__(self, bundle: PairBundle, train_layers: int = 0, batch_size: int = 32) -> None:
        self.bundle, self.model, self.batch_size = bundle, bundle.model, batch_size
        self.single = isinstance(bundle.model, MarkerClassifier)
        n = len(encoder_layers(self.encoders()[0]))
        if not 0 <= train_layers <= n:
            raise ExtractionError(f"train_layers {train_layers} outside 0..{n}")
        self.frozen = n - train_layers
        self.states: dict[str, Cached] = {}

    def encoders(self) -> list[nn.Module]:
        return self.model.encoders()  # type: ignore[operator, no-any-return]

    def views(self, p: Pair) -> list[str]:
        t = p.sentence.text
        if self.single:
            return [joint_view(t, p.drug, p.ae, self.bundle.cfg.context_chars)]
        return [drug_view(t, p.drug), adr_view(t, p.ae)]

    def add(self, pairs: Sequence[Pair]) -> None:
        """Run the frozen part once over every view text not cached yet."""
        todo = sorted({v for p in pairs for v in self.views(p)} - self.states.keys(), key=len)
        encoder = self.encoders()[0]  # the lower layers of dual encoders are equal copies
        encoder.eval()  # no dropout in the cached states
        tok, max_len = self.bundle.tokenizer, self.bundle.cfg.max_length
        with torch.inference_mode():
            for i in range(0, len(todo), self.batch_size):
                chunk = todo[i : i + self.batch_size]
                enc = tok(
                    chunk, padding=True, truncation=True, max_length=max_len, return_tensors="pt"
                )
                out = encoder(**enc, output_hidden_states=True).hidden_states[self.frozen]
                for row, text in enumerate(chunk):
                    n = int(enc["attention_mask"][row].sum())
                    ids = enc["input_ids"][row, :n].clone()
                    self.states[text] = (out[row, :n].to(torch.float16).clone(), ids)

    def _stack(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        seqs = [self.states[t] for t in texts]
        width = max(len(s[1]) for s in seqs)
        states = torch.zeros(len(seqs), width, seqs[0][0].shape[-1])  # (B, T, H)
        mask = torch.zeros(len(seqs), width, dtype=torch.long)
        ids = torch.zeros(len(seqs), width, dtype=torch.long)
        for i, (s, t) in enumerate(seqs):
            states[i, : len(t)] = s.float()
            mask[i, : len(t)] = 1
            ids[i, : len(t)] = t
        return states, mask, ids

    def top(self, encoder: nn.Module, texts: Sequence[str]) -> tuple[torch.Tensor, ...]:
        """Last hidden states of `texts` through the trainable layers: (B, T, H), mask, ids."""
        h, mask, ids = self._stack(texts)
        add = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in encoder_layers(encoder)[self.frozen :]:
            out = layer(h, attention_mask=add)
            h = out[0] if isinstance(out, tuple) else out
        return h, mask, ids

    def embed(self, pairs: Sequence[Pair]) -> tuple[torch.Tensor, torch.Tensor]:
        model = self.model
        assert isinstance(model, DualEncoder)
        views = [self.views(p) for p in pairs]
        encs = self.encoders()
        d_states, d_mask, _ = self.top(encs[0], [v[0] for v in views])
        a_states, a_mask, _ = self.top(encs[-1], [v[1] for v in views])
        return model.head_view(d_states, d_mask, False), model.head_view(a_states, a_mask, True)

    def logits(self, pairs: Sequence[Pair]) -> torch.Tensor:
        if isinstance(self.model, MarkerClassifier):
            states, _mask, ids = self.top(self.model.encoder, [self.views(p)[0] for p in pairs])
            return self.model.head(states, ids)
        assert isinstance(self.model, DualEncoder)
        return self.model.classify(*self.embed(pairs))

    def score(self, pairs: Sequence[Pair], batch_size: int = 128) -> np.ndarray:
        self.model.eval()
        out = []
        with torch.inference_mode():
            for i in range(0, len(pairs), batch_size):
                out.append(torch.sigmoid(self.logits(pairs[i : i + batch_size])).numpy())
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def trainable_groups(cache: StateCache, cfg: TrainConfig, lr: float) -> list[dict[str, object]]:
    """Freeze all encoder weights but the top layers; top layer at `lr`, each lower one
    x layer_decay; every non-encoder parameter (pooling, projections, fusion, MLP) at head_lr."""
    model = cache.model
    enc_ids = {id(p) for m in cache.encoders() for p in m.parameters()}
    groups: list[dict[str, object]] = [
        {"params": [p for p in model.parameters() if id(p) not in enc_ids], "lr": cfg.head_lr}
    ]
    for m in cache.encoders():
        for p in m.parameters():
            p.requires_grad_(False)
        layers = encoder_layers(m)
        for i in range(cache.frozen, len(layers)):
            params = list(layers[i].parameters())
            for p in params:
                p.requires_grad_(True)
            groups.append({"params": params, "lr": lr * cfg.layer_decay ** (len(layers) - 1 - i)})
    for g in groups:
        g["weight_decay"] = cfg.weight_decay
    return groups


def _params(groups: list[dict[str, object]]) -> list[nn.Parameter]:
    return [p for g in groups for p in g["params"]]  # type: ignore[attr-defined]


def phase1_cached(
    cache: StateCache, pairs: Sequence[Pair], cfg: TrainConfig, rng: random.Random
) -> list[float]:
    """InfoNCE between drug and ADR views; one mined hard negative per positive."""
    if cache.single or cfg.phase1_steps == 0:
        return []
    groups = trainable_groups(cache, cfg, cfg.phase1_lr)
    opt = torch.optim.AdamW(groups)
    pos = [p for p in pairs if p.label]
    index, negs = hard_negative_index(pairs)
    losses: list[float] = []
    cache.model.train()
    for _ in range(cfg.phase1_steps):
        batch = rng.sample(pos, min(cfg.batch_size, len(pos)))
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
        nn.utils.clip_grad_norm_(_params(groups), cfg.max_grad_norm)
        opt.step()
        losses.append(float(loss.detach()) / 2)
    return losses


EpochHook = Callable[[int, list[float], bool], None]  # epoch, phase-2 losses, stopped early


def train_cached(
    cache: StateCache,
    pairs: Sequence[Pair],
    cfg: TrainConfig,
    on_epoch: EpochHook | None = None,
    deadline: float = float("inf"),
) -> tuple[list[float], list[float]]:
    """Phase 1 then phase 2 (focal loss) on the cached states; `on_epoch` after each epoch of
    phase 2 and once more if the deadline stops it mid-epoch."""
    rng = random.Random(cfg.seed)
    p1 = phase1_cached(cache, pairs, cfg, rng)
    groups = trainable_groups(cache, cfg, cfg.lr)
    params = _params(groups)
    opt = torch.optim.AdamW(groups)
    order = list(pairs)
    per_epoch = len(order) // cfg.batch_size
    micro_total = max(1, int(per_epoch * cfg.phase2_epochs))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, CosineWarmup(micro_total // cfg.grad_accum, cfg.warmup)
    )
    p2: list[float] = []
    epoch = 0
    cache.model.train()
    opt.zero_grad()
    while len(p2) < micro_total:
        rng.shuffle(order)
        for i in range(0, per_epoch * cfg.batch_size, cfg.batch_size):
            if len(p2) >= micro_total:
                break
            if time.monotonic() > deadline:
                if on_epoch:
                    on_epoch(epoch + 1, p2, True)
                return p1, p2
            batch = order[i : i + cfg.batch_size]
            loss = focal_loss(
                cache.logits(batch),
                torch.tensor([p.label for p in batch]),
                cfg.focal_gamma,
                cfg.focal_alpha,
            )
            torch.autograd.backward(loss / cfg.grad_accum)
            p2.append(float(loss.detach()))
            if len(p2) % cfg.grad_accum == 0:
                nn.utils.clip_grad_norm_(params, cfg.max_grad_norm)
                opt.step()
                sched.step()
                opt.zero_grad()
        epoch += 1
        if on_epoch:
            on_epoch(epoch, p2, False)
        cache.model.train()
    return p1, p2
