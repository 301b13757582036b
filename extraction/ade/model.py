"""The CRAG-style pair classifier and the single-encoder marker baseline.

Two encoders (or one shared, a config choice to halve the parameters on CPU) read the drug
view and the ADR view of one sentence; each view is pooled (attention with 4 heads, or mean),
projected to 256 with LayerNorm, GELU and dropout, fused bilinearly, and the multi-view
[bilinear, d, a, d*a] goes through an MLP to one logit."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn

from core.encoders import mean_pool


@dataclass(frozen=True)
class PairConfig:
    encoder_id: str
    hidden: int
    vocab_size: int
    arch: str = "dual"  # dual | shared | single (the marker baseline)
    pooling: str = "attention"  # attention | mean
    heads: int = 4
    fusion_dim: int = 256
    dropout: float = 0.1
    max_length: int = 128
    # single: characters of context kept around the two mentions (0: the whole sentence)
    context_chars: int = 0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def full_precision(x: torch.Tensor) -> torch.autocast:
    """The heads run in fp32 even when the encoder runs under (bf16) autocast: they are small,
    and a logit rounded to bf16 would put scores on a coarse grid (steps of ~0.004 near 0.85)."""
    return torch.autocast(x.device.type, enabled=False)


def _split(x: torch.Tensor, heads: int) -> torch.Tensor:
    """(B, T, D) -> (B, h, T, D / h)"""
    split: torch.Tensor = x.unflatten(-1, (heads, -1))  # type: ignore[no-untyped-call]
    return split.transpose(1, 2)


class AttentionPooling(nn.Module):
    """A learned query attends over the tokens: (B, T, D) -> (B, D)."""

    def __init__(self, hidden: int, heads: int) -> None:
        super().__init__()
        self.attention = nn.MultiheadAttention(hidden, heads, batch_first=True)
        self.query = nn.Parameter(torch.randn(1, 1, hidden) * 0.02)

    def forward(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        # nn.MultiheadAttention's computation written out with its own parameters, free of
        # fixed batch sizes so that the ONNX export keeps the batch axis dynamic.
        att = self.attention
        heads = att.num_heads
        wq, wk, wv = att.in_proj_weight.chunk(3)  # (D, D) each
        bq, bk, bv = att.in_proj_bias.chunk(3)
        q = _split(self.query @ wq.T + bq, heads)  # (1, h, 1, d)
        k = _split(states @ wk.T + bk, heads)  # (B, h, T, d)
        v = _split(states @ wv.T + bv, heads)  # (B, h, T, d)
        scores = q @ k.transpose(-1, -2) / math.sqrt(k.shape[-1])  # (B, h, 1, T)
        scores = scores.masked_fill(mask[:, None, None, :] == 0, float("-inf"))
        out = (scores.softmax(-1) @ v).transpose(1, 2).flatten(-2)  # (B, 1, D)
        pooled: torch.Tensor = att.out_proj(out).squeeze(1)
        return pooled


def _projection(hidden: int, dim: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(hidden, dim),
        nn.LayerNorm(dim),
        nn.GELU(),
        nn.Dropout(dropout),
        nn.Linear(dim, dim),
    )


def _classifier(inp: int, dim: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(inp, dim),
        nn.LayerNorm(dim),
        nn.GELU(),
        nn.Dropout(dropout),
        nn.Linear(dim, dim // 2),
        nn.GELU(),
        nn.Dropout(dropout),
        nn.Linear(dim // 2, 1),
    )


class DualEncoder(nn.Module):
    def __init__(self, cfg: PairConfig, drug_encoder: nn.Module, adr_encoder: nn.Module) -> None:
        super().__init__()
        self.cfg = cfg
        self.drug_encoder = drug_encoder
        # A shared encoder is registered once; the ADR view then reuses its weights.
        self.adr_encoder = adr_encoder if cfg.arch == "dual" else None
        h, f = cfg.hidden, cfg.fusion_dim
        self.drug_pool = AttentionPooling(h, cfg.heads) if cfg.pooling == "attention" else None
        self.adr_pool = AttentionPooling(h, cfg.heads) if cfg.pooling == "attention" else None
        self.drug_proj = _projection(h, f, cfg.dropout)
        self.adr_proj = _projection(h, f, cfg.dropout)
        self.bilinear = nn.Bilinear(f, f, f)
        self.fusion_norm = nn.LayerNorm(f)
        self.classifier = _classifier(4 * f, f, cfg.dropout)

    def encoders(self) -> list[nn.Module]:
        return [self.drug_encoder] + ([self.adr_encoder] if self.adr_encoder is not None else [])

    def view(self, ids: torch.Tensor, mask: torch.Tensor, adr: bool) -> torch.Tensor:
        encoder = self.adr_encoder if adr and self.adr_encoder is not None else self.drug_encoder
        states = encoder(input_ids=ids, attention_mask=mask).last_hidden_state  # (B, T, H)
        return self.head_view(states, mask, adr)

    def head_view(self, states: torch.Tensor, mask: torch.Tensor, adr: bool) -> torch.Tensor:
        """Pooling and projection of one view's token states: (B, T, H) -> (B, F)."""
        pool = self.adr_pool if adr else self.drug_pool
        with full_precision(states):
            states = states.float()
            pooled = pool(states, mask) if pool is not None else mean_pool(states, mask)
            projected: torch.Tensor = (self.adr_proj if adr else self.drug_proj)(pooled)
        return projected  # (B, F)

    def embed(
        self, d_ids: torch.Tensor, d_mask: torch.Tensor, a_ids: torch.Tensor, a_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        return self.view(d_ids, d_mask, adr=False), self.view(a_ids, a_mask, adr=True)

    def classify(self, d: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        # nn.Bilinear written out: the same weights, and an einsum exports to ONNX.
        w, b = self.bilinear.weight, self.bilinear.bias  # (F, F, F), (F,)
        with full_precision(d):
            d, a = d.float(), a.float()
            fused = self.fusion_norm(torch.einsum("bi,kij,bj->bk", d, w, a) + b)
            logit: torch.Tensor = self.classifier(torch.cat([fused, d, a, d * a], dim=-1))
        return logit.squeeze(-1)  # (B,)

    def forward(
        self, d_ids: torch.Tensor, d_mask: torch.Tensor, a_ids: torch.Tensor, a_mask: torch.Tensor
    ) -> torch.Tensor:
        d, a = self.embed(d_ids, d_mask, a_ids, a_mask)
        return self.classify(d, a)


class MarkerClassifier(nn.Module):
    """Baseline: one encoder over the text with both markers; the hidden states at the
    [DRUG] and [ADR] opening markers are concatenated and classified."""

    def __init__(self, cfg: PairConfig, encoder: nn.Module, drug_id: int, adr_id: int) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = encoder
        self.drug_id, self.adr_id = drug_id, adr_id
        self.classifier = _classifier(2 * cfg.hidden, cfg.fusion_dim, cfg.dropout)

    def encoders(self) -> list[nn.Module]:
        return [self.encoder]

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state  # (B, T, H)
        return self.head(states, ids)

    def head(self, states: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        """Logits from the last hidden states (B, T, H) and the token ids (B, T)."""
        # argmax finds the first marker; a marker cut off by truncation falls back to [CLS].
        d = (ids == self.drug_id).int().argmax(dim=1)
        a = (ids == self.adr_id).int().argmax(dim=1)
        rows = torch.arange(ids.size(0), device=ids.device)
        with full_precision(states):
            pair = torch.cat([states[rows, d], states[rows, a]], -1).float()
            logit: torch.Tensor = self.classifier(pair)
        return logit.squeeze(-1)
