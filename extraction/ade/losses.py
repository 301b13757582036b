"""The two training objectives of the CRAG recipe: InfoNCE (phase 1) and focal loss (phase 2)."""

from __future__ import annotations

import torch
from torch.nn import functional


def focal_loss(
    logits: torch.Tensor, labels: torch.Tensor, gamma: float = 2.0, alpha: float = 0.75
) -> torch.Tensor:
    """Mean of -alpha_t (1 - p_t)^gamma log(p_t); alpha weighs the positive class."""
    labels = labels.to(logits.dtype)
    bce = functional.binary_cross_entropy_with_logits(logits, labels, reduction="none")  # -log(p_t)
    p = torch.sigmoid(logits)
    p_t = p * labels + (1 - p) * (1 - labels)
    alpha_t = alpha * labels + (1 - alpha) * (1 - labels)
    return (alpha_t * (1 - p_t).pow(gamma) * bce).mean()


def info_nce(
    drug: torch.Tensor,
    adr: torch.Tensor,
    tau: float = 0.05,
    hard_adr: torch.Tensor | None = None,
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """Drug view i against ADR views: its own (the positive), the other positives of the batch
    and the hard negatives. drug, adr: (B, D); hard_adr: (H, D); mask: (B, B) True where an
    in-batch column must be left out (a second true relation of the same sentence)."""
    d = functional.normalize(drug, dim=-1)
    a = functional.normalize(adr, dim=-1)
    sims = d @ a.T / tau  # (B, B)
    if mask is not None:
        eye = torch.eye(len(d), dtype=torch.bool, device=d.device)
        sims = sims.masked_fill(mask & ~eye, float("-inf"))
    if hard_adr is not None and len(hard_adr):
        h = functional.normalize(hard_adr, dim=-1)
        sims = torch.cat([sims, d @ h.T / tau], dim=1)  # (B, B + H)
    target = torch.arange(len(d), device=d.device)
    return functional.cross_entropy(sims, target)
