"""Training and prediction loops (CPU-friendly: one document per forward pass, gradient
accumulation over documents, negatives subsampled per epoch, a wall-clock budget)."""

from __future__ import annotations

import logging
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import torch

from extraction.biored.checkpoint import Loaded
from extraction.biored.corpus import Document
from extraction.biored.encoding import EncodedDoc, encode_document
from extraction.biored.model import LossWeights, multitask_loss
from extraction.biored.pairs import DIRECTION_LABELS, TYPE_LABELS, Candidate, candidates

logger = logging.getLogger(__name__)


@dataclass
class Example:
    doc: Document
    enc: EncodedDoc
    cands: list[Candidate]
    lower: torch.Tensor | None = None  # cached frozen-layer output (C, T, D), float16


@dataclass(frozen=True)
class TrainParams:
    epochs: float = 1.0
    lr: float = 5e-5
    head_lr: float = 1e-3
    accumulate: int = 4
    neg_ratio: float = 3.0  # negatives kept per positive pair, per document and epoch
    seed: int = 13
    time_budget_s: float | None = None
    log_every: int = 25


@dataclass(frozen=True)
class PairPrediction:
    cand: Candidate
    type_probs: list[float]
    novel_prob: float
    direction_probs: list[float]

    @property
    def rel_type(self) -> int:
        return max(range(len(self.type_probs)), key=self.type_probs.__getitem__)

    @property
    def direction(self) -> int:
        return max(range(len(self.direction_probs)), key=self.direction_probs.__getitem__)


def prepare(docs: list[Document], loaded: Loaded) -> list[Example]:
    window, overlap = loaded.model.cfg.window, loaded.model.cfg.overlap
    out = []
    for d in docs:
        enc = encode_document(d, loaded.tokenizer, window, overlap)
        out.append(Example(d, enc, candidates(d)))
    return out


def _inv_sqrt(counts: Counter[int], n: int) -> list[float]:
    raw = [1.0 / math.sqrt(counts.get(i, 0) + 1) for i in range(n)]
    mean = sum(raw) / n
    return [r / mean for r in raw]


def loss_weights(examples: list[Example]) -> LossWeights:
    pos = [c for e in examples for c in e.cands if c.rel_type > 0]
    types = _inv_sqrt(Counter(c.rel_type for c in pos), len(TYPE_LABELS))
    types[0] = min(types)  # negatives are subsampled already; do not boost them further
    return LossWeights(
        types,
        _inv_sqrt(Counter(c.novel for c in pos), 2),
        _inv_sqrt(Counter(c.direction for c in pos), len(DIRECTION_LABELS)),
    )


def _sample(cands: list[Candidate], ratio: float, rng: random.Random) -> list[Candidate]:
    pos = [c for c in cands if c.rel_type > 0]
    neg = [c for c in cands if c.rel_type == 0]
    keep = max(2, int(ratio * len(pos)))
    return pos + (rng.sample(neg, keep) if len(neg) > keep else neg)


def _targets(cands: list[Candidate]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return (
        torch.tensor([c.rel_type for c in cands]),
        torch.tensor([c.novel for c in cands]),
        torch.tensor([c.direction for c in cands]),
    )


def train(
    loaded: Loaded,
    examples: list[Example],
    params: TrainParams,
    on_step: Callable[[int, float], None] | None = None,
) -> dict[str, object]:
    """Fine-tune encoder, soft prompt and heads; returns a summary of the run."""
    rng = random.Random(params.seed)
    torch.manual_seed(params.seed)
    model = loaded.model
    weights = loss_weights(examples)
    usable = [e for e in examples if e.cands]
    _freeze(loaded)
    enc_params = [p for p in model.encoder.parameters() if p.requires_grad]
    enc_ids = {id(p) for p in enc_params}
    other = [
        p
        for n, p in model.named_parameters()
        if id(p) not in enc_ids and not n.startswith("encoder.")
    ]
    opt = torch.optim.AdamW(
        [{"params": enc_params, "lr": params.lr}, {"params": other, "lr": params.head_lr}],
        weight_decay=0.01,
    )
    total_docs = max(1, int(params.epochs * len(usable)))
    total_steps = max(1, total_docs // params.accumulate)
    warmup = max(1, total_steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, 1 - s / total_steps)
    )
    model.train()
    started, seen, losses, step = time.monotonic(), 0, [], 0
    order: list[Example] = []
    while seen < total_docs:
        if not order:
            order = usable[:]
            rng.shuffle(order)
        ex = order.pop()
        cands = _sample(ex.cands, params.neg_ratio, rng)
        out = model(ex.enc, [(c.id1, c.id2) for c in cands], _cached_lower(loaded, ex))
        loss = multitask_loss(out, *_targets(cands), weights)
        (loss / params.accumulate).backward()  # type: ignore[no-untyped-call]
        losses.append(float(loss.detach()))
        seen += 1
        if seen % params.accumulate == 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if on_step is not None:
                on_step(step, sum(losses[-params.accumulate :]) / params.accumulate)
        if seen % params.log_every == 0:
            recent = losses[-params.log_every :]
            logger.info(
                "doc %d/%d loss %.4f (%.0f s)",
                seen,
                total_docs,
                sum(recent) / len(recent),
                time.monotonic() - started,
            )
        if params.time_budget_s and time.monotonic() - started > params.time_budget_s:
            logger.warning(
                "time budget of %.0f s reached after %d documents", params.time_budget_s, seen
            )
            break
    if seen % params.accumulate:
        opt.step()  # the last, partial accumulation
        opt.zero_grad()
        step += 1
    model.eval()
    return {
        "documents_seen": seen,
        "optimizer_steps": step,
        "seconds": round(time.monotonic() - started, 1),
        "first_loss": losses[0] if losses else None,
        "last_loss": sum(losses[-50:]) / len(losses[-50:]) if losses else None,
    }


def _freeze(loaded: Loaded) -> None:
    """Freeze the embeddings and the lower layers; their output is then computed once per
    document (it no longer changes), so each step runs only the trainable layers."""
    model = loaded.model
    k = model.cfg.frozen_layers
    if k == 0:
        return
    for name, p in model.encoder.named_parameters():
        if name.startswith("embeddings.") or any(
            name.startswith(f"encoder.layer.{i}.") for i in range(k)
        ):
            p.requires_grad_(False)


def _cached_lower(loaded: Loaded, ex: Example) -> torch.Tensor | None:
    """The frozen layers' output for this document, computed on first use."""
    model = loaded.model
    if model.cfg.frozen_layers == 0:
        return None
    if ex.lower is None:
        was_training = model.training
        model.eval()  # no dropout in the frozen part: its output is reused
        with torch.no_grad():
            ex.lower = model.lower(ex.enc).to(torch.float16)
        model.train(was_training)
    return ex.lower


@torch.no_grad()
def predict(loaded: Loaded, examples: list[Example]) -> list[PairPrediction]:
    model = loaded.model
    model.eval()
    out: list[PairPrediction] = []
    for ex in examples:
        if not ex.cands:
            continue
        heads = model(ex.enc, [(c.id1, c.id2) for c in ex.cands])
        t = heads.type_logits.softmax(-1).tolist()
        n = heads.novelty_logits.softmax(-1)[:, 1].tolist()
        d = heads.direction_logits.softmax(-1).tolist()
        out.extend(
            PairPrediction(c, ti, ni, di) for c, ti, ni, di in zip(ex.cands, t, n, d, strict=True)
        )
    return out
