"""Tokenisation of pair views with the marker tokens added as special tokens."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import torch

from extraction.ade.data import Pair
from extraction.ade.markers import MARKERS, adr_view, drug_view, joint_view

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def add_marker_tokens(tokenizer: PreTrainedTokenizerBase) -> int:
    """Register [DRUG] [/DRUG] [ADR] [/ADR] as special tokens; returns the new vocab size."""
    tokenizer.add_special_tokens({"additional_special_tokens": list(MARKERS)})
    return len(tokenizer)


Batch = dict[str, torch.Tensor]


def _encode(tok: PreTrainedTokenizerBase, texts: list[str], max_length: int) -> Batch:
    enc = tok(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    return {"ids": enc["input_ids"], "mask": enc["attention_mask"]}


def encode_dual(
    tok: PreTrainedTokenizerBase,
    items: Sequence[tuple[str, tuple[int, int], tuple[int, int]]],
    max_length: int,
) -> Batch:
    """(text, drug span, ae span) -> drug-view and ADR-view tensors, padded to the batch."""
    d = _encode(tok, [drug_view(t, ds) for t, ds, _ in items], max_length)
    a = _encode(tok, [adr_view(t, as_) for t, _, as_ in items], max_length)
    return {"d_ids": d["ids"], "d_mask": d["mask"], "a_ids": a["ids"], "a_mask": a["mask"]}


def encode_joint(
    tok: PreTrainedTokenizerBase,
    items: Sequence[tuple[str, tuple[int, int], tuple[int, int]]],
    max_length: int,
    context_chars: int = 0,
) -> Batch:
    texts = [joint_view(t, ds, as_, context_chars) for t, ds, as_ in items]
    return _encode(tok, texts, max_length)


def joint_batches(
    tok: PreTrainedTokenizerBase,
    items: Sequence[tuple[str, tuple[int, int], tuple[int, int]]],
    max_length: int,
    context_chars: int,
    batch_size: int,
) -> Iterator[tuple[list[int], Batch]]:
    """Marker-model inputs tokenised once, then batched by token count so each batch pads as
    little as it can: yields (positions of the batch's items in `items`, ids and mask)."""
    if not items:  # the tokenizer refuses an empty batch
        return
    texts = [joint_view(t, ds, as_, context_chars) for t, ds, as_ in items]
    ids = tok(texts, truncation=True, max_length=max_length)["input_ids"]
    order = sorted(range(len(items)), key=lambda i: len(ids[i]))
    for k in range(0, len(order), batch_size):
        idx = order[k : k + batch_size]
        enc = tok.pad({"input_ids": [ids[i] for i in idx]}, return_tensors="pt")
        yield idx, {"ids": enc["input_ids"], "mask": enc["attention_mask"]}


def to_model(batch: Batch, model: torch.nn.Module) -> Batch:
    """The batch on the model's device (CPU unless a GPU run moved the model)."""
    device = next(model.parameters()).device
    return {k: v.to(device) for k, v in batch.items()}


def pair_items(pairs: Sequence[Pair]) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
    return [(p.sentence.text, p.drug, p.ae) for p in pairs]
