"""Training of the pair classifier: phase 1 InfoNCE with hard negatives, phase 2 focal loss
with layer-wise LR decay, cosine schedule with warm-up and gradient accumulation; the
decision threshold is tuned on dev. A wall-clock budget stops a run early (recorded)."""

from __future__ import annotations

import logging
import math
import random
import re
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

import torch
from torch import nn

from extraction.ade.checkpoint import PairBundle, forward_batch
from extraction.ade.data import Pair
from extraction.ade.losses import focal_loss, info_nce
from extraction.ade.model import DualEncoder
from extraction.ade.pair_tokens import encode_dual, pair_items, to_model

logger = logging.getLogger(__name__)
_LAYER = re.compile(r"\.layer\.(\d+)\.")


@dataclass(frozen=True)
class TrainConfig:
    arch: str = "dual"
    pooling: str = "attention"
    max_length: int = 96
    # single (marker) model: characters of context around the two mentions (0: all)
    context_chars: int = 0
    batch_size: int = 16
    grad_accum: int = 2
    phase1_steps: int = 40
    tau: float = 0.05
    hard_ratio: float = 0.5
    phase1_lr: float = 5e-5
    phase2_epochs: float = 1.0
    lr: float = 8e-5
    head_lr: float = 1e-3
    layer_decay: float = 0.9
    warmup: float = 0.1
    weight_decay: float = 0.01
    max_grad_norm: float = 1.0
    focal_gamma: float = 2.0
    focal_alpha: float = 0.6
    neg_per_pos: float = 1.5
    # training texts made of two joined training sentences, per positive pair (`joined_pairs`)
    joined_per_pos: float = 0.0
    # the share of those texts joined as two clauses of one sentence (`data.CLAUSE_JOINERS`)
    clause_share: float = 0.0
    # pairs the span tagger finds in the training split's ADE-NEG sentences, per positive pair,
    # as negatives (`tagger.tagged_negatives`; needs a trained tagger)
    tagged_per_pos: float = 0.0
    seed: int = 13
    max_minutes: float = 9.0
    # CPU mode: embeddings and all but the top `train_layers` encoder layers frozen, their
    # output cached once per view; the top layers and the heads train on the cache.
    freeze_encoder: bool = False
    train_layers: int = 0
    max_train_pairs: int = 0  # 0: all (after negative sub-sampling)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def subsample(pairs: Sequence[Pair], neg_per_pos: float, seed: int) -> list[Pair]:
    """All positives and same-sentence negatives; ADE-NEG pairs fill up to the ratio."""
    rng = random.Random(seed)
    keep = [p for p in pairs if p.kind != "neg_sentence"]
    pos = sum(p.label for p in pairs)
    neg = [p for p in pairs if p.kind == "neg_sentence"]
    room = max(0, int(pos * neg_per_pos) - (len(keep) - pos))
    return keep + rng.sample(neg, min(room, len(neg)))


def cap(pairs: list[Pair], n: int, seed: int) -> list[Pair]:
    """A random `n` of `pairs` (all when n is 0 or larger than the list)."""
    return random.Random(seed).sample(pairs, n) if 0 < n < len(pairs) else pairs


def param_groups(model: nn.Module, cfg: TrainConfig) -> list[dict[str, object]]:
    """Top encoder layer at lr, each lower one x layer_decay, embeddings lowest; head at head_lr."""
    enc_ids = {id(p) for m in model.encoders() for p in m.parameters()}  # type: ignore[operator]
    n_layers = max(
        (int(m.group(1)) + 1 for n, _ in model.named_parameters() if (m := _LAYER.search(n))),
        default=0,
    )
    groups: dict[float, list[nn.Parameter]] = defaultdict(list)
    for name, p in model.named_parameters():
        if id(p) not in enc_ids:
            groups[cfg.head_lr].append(p)
            continue
        m = _LAYER.search(name)
        depth = int(m.group(1)) + 1 if m else (0 if "embeddings" in name else n_layers + 1)
        groups[cfg.lr * cfg.layer_decay ** (n_layers + 1 - depth)].append(p)
    return [{"params": ps, "lr": lr, "weight_decay": cfg.weight_decay} for lr, ps in groups.items()]


class CosineWarmup:
    """LR factor: linear warm-up, then cosine to zero at `total` optimizer steps. `total` may
    shrink once the step time is known, so a budget-bounded run still ends its schedule."""

    def __init__(self, total: int, warmup: float) -> None:
        self.warmup = warmup
        self.total = max(1, total)

    def __call__(self, step: int) -> float:
        steps = max(1, int(self.total * self.warmup))
        if step < steps:
            return (step + 1) / steps
        progress = (step - steps) / max(1, self.total - steps)
        return 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def hard_negative_index(pairs: Sequence[Pair]) -> tuple[dict[str, list[Pair]], list[Pair]]:
    """Negatives by drug text, by ADR text and by sentence, for hard-negative mining."""
    negs = [p for p in pairs if not p.label]
    index: dict[str, list[Pair]] = defaultdict(list)
    for n in negs:
        for key in (f"d:{n.drug_text.lower()}", f"a:{n.ae_text.lower()}", f"s:{n.sentence.key}"):
            index[key].append(n)
    return index, negs


def pick_hard_negative(
    p: Pair, index: dict[str, list[Pair]], negs: list[Pair], rng: random.Random
) -> Pair:
    """Same drug with another ADR, else same ADR with another drug, else same sentence."""
    for key in (f"d:{p.drug_text.lower()}", f"a:{p.ae_text.lower()}", f"s:{p.sentence.key}"):
        if index.get(key):
            return rng.choice(index[key])
    return rng.choice(negs)


def phase1(
    bundle: PairBundle, pairs: Sequence[Pair], cfg: TrainConfig, deadline: float
) -> list[float]:
    """InfoNCE over drug/ADR views; half the candidates of each row are mined hard negatives."""
    model = bundle.model
    if not isinstance(model, DualEncoder) or cfg.phase1_steps == 0:
        return []
    rng = random.Random(cfg.seed)
    pos = [p for p in pairs if p.label]
    index, negs = hard_negative_index(pairs)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.phase1_lr, weight_decay=cfg.weight_decay)
    n_hard = round(cfg.batch_size * cfg.hard_ratio / (1 - cfg.hard_ratio))
    losses = []
    model.train()
    for _ in range(cfg.phase1_steps):
        if time.monotonic() > deadline:
            break
        batch = rng.sample(pos, cfg.batch_size)
        hard = [pick_hard_negative(p, index, negs, rng) for p in batch[:n_hard]]
        b = to_model(encode_dual(bundle.tokenizer, pair_items(batch + hard), cfg.max_length), model)
        d, a = model.embed(b["d_ids"], b["d_mask"], b["a_ids"], b["a_mask"])
        k = len(batch)
        keys = [p.sentence.key for p in batch]
        mask = torch.tensor([[ki == kj for kj in keys] for ki in keys], device=d.device)
        loss = info_nce(d[:k], a[:k], cfg.tau, a[k:], mask) + info_nce(
            a[:k], d[:k], cfg.tau, d[k:], mask
        )
        opt.zero_grad()
        torch.autograd.backward(loss / 2)
        nn.utils.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
        opt.step()
        losses.append(float(loss.detach()) / 2)
    return losses


def _batches(pairs: list[Pair], size: int, rng: random.Random) -> Iterator[list[Pair]]:
    order = pairs[:]
    rng.shuffle(order)
    for k in range(0, len(order) - size + 1, size):
        yield order[k : k + size]


def _fit_budget(planned: int, done: int, elapsed: float, deadline: float) -> int:
    """Micro-batches that fit before the deadline at the rate measured so far."""
    rate = elapsed / max(1, done)
    if math.isinf(deadline):
        return planned
    return min(planned, done + int(max(0.0, deadline - time.monotonic()) / rate))


def phase2(bundle: PairBundle, pairs: list[Pair], cfg: TrainConfig, deadline: float) -> list[float]:
    """Focal loss with layer-wise LR decay, cosine warm-up schedule, gradient accumulation.
    Through the first quarter of the plan, the number of batches is re-fitted to what the
    wall-clock budget allows at the rate measured so far (never more than planned)."""
    model = bundle.model
    rng = random.Random(cfg.seed + 1)
    planned = total_micro = max(1, int(len(pairs) // cfg.batch_size * cfg.phase2_epochs))
    refit_until = planned // 4
    opt = torch.optim.AdamW(param_groups(model, cfg))
    schedule = CosineWarmup(total_micro // cfg.grad_accum, cfg.warmup)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
    losses: list[float] = []
    model.train()
    micro, start = 0, time.monotonic()
    opt.zero_grad()
    while micro < total_micro:
        for batch in _batches(pairs, cfg.batch_size, rng):
            if micro >= total_micro or time.monotonic() > deadline:
                return losses
            logits = forward_batch(bundle, pair_items(batch))
            labels = torch.tensor([p.label for p in batch], device=logits.device)
            loss = focal_loss(logits, labels, cfg.focal_gamma, cfg.focal_alpha)
            torch.autograd.backward(loss / cfg.grad_accum)
            losses.append(float(loss.detach()))
            micro += 1
            if micro % (2 * cfg.grad_accum) == 0 and micro <= refit_until:
                # Re-planned through the first part of the run, so that a burst of other work
                # on the machine early on does not cut the whole run short.
                fits = _fit_budget(planned, micro, time.monotonic() - start, deadline)
                if fits != total_micro:
                    total_micro = fits
                    schedule.total = max(1, total_micro // cfg.grad_accum)
                    logger.info("phase 2: %d of %d batches fit the budget", fits, planned)
            if micro % cfg.grad_accum == 0:
                nn.utils.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
                opt.step()
                sched.step()
                opt.zero_grad()
            if micro % 20 == 0:
                logger.info(
                    "phase 2: %d/%d batches, loss %.4f", micro, total_micro, sum(losses[-20:]) / 20
                )
    return losses
