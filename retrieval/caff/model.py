"""The hop scorer: DepthBilinear base, CSV context, DBM perturbation, entity-aware terms.

    s_base(Q, r, l)     = Q^T W_l E[r] + b_l
    Delta_l(z)          = P_l diag(sigmoid(U_l z) * (A_l z) * (B_l z)) Q_l^T      (rank rho)
    s_CAFF(Q, r, l, z)  = Q^T (W_l + Delta_l(z)) E[r]

Delta_l is the sigmoid-gated low-rank product of a z-dependent left factor P_l diag(A_l z)
and right factor Q_l diag(B_l z); at z = 0 (hop 1) it vanishes and CAFF is the base scorer.
With dbm_init "lora" A_l starts at 0, so Delta_l = 0 for every z at init, and P_l, Q_l
start at unit scale, so the DBM path gets gradients of the base scorer's size.
The entity-aware variant adds per-triple terms (question x tail name, head name x the mean
name of the retained tails) and the typed CSV (entity categories of the retained set)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from retrieval.caff.config import CaffConfig


@dataclass
class Batch:
    q: torch.Tensor  # (NQ, D) question vectors
    qi: torch.Tensor  # (N,) question of each triple
    hop: torch.Tensor  # (N,) 0-based hop
    rel: torch.Tensor  # (N,) relation index
    z: torch.Tensor  # (NQ, L, D) CSV: mean E[r] of the previous hop's retained triples
    head: torch.Tensor | None = None  # (N, D) head name vectors
    tail: torch.Tensor | None = None  # (N, D) tail name vectors
    tail_cat: torch.Tensor | None = None  # (N,) tail category index
    typed: torch.Tensor | None = None  # (NQ, L, C) category share of the retained tails
    ent_ctx: torch.Tensor | None = None  # (NQ, L, D) mean name vector of the retained tails
    # Every triple is at this 0-based hop (the service scores one hop at a time): per-triple
    # projections then use that hop's matrix alone instead of all L and a gather.
    one_hop: int | None = None


def _param(*shape: int, std: float) -> nn.Parameter:
    return nn.Parameter(torch.randn(*shape) * std)


class HopScorer(nn.Module):
    def __init__(
        self, cfg: CaffConfig, dim: int, relations: torch.Tensor, n_categories: int
    ) -> None:
        super().__init__()
        L, D, rho = cfg.hops, dim, cfg.rank  # noqa: N806
        self.cfg = cfg
        self.relations: torch.Tensor
        self.register_buffer("relations", relations.float())  # (R, D), frozen
        self.W = _param(L, D, D, std=D**-0.5)
        self.b = nn.Parameter(torch.full((L,), -2.0))
        if cfg.use_dbm:
            # lora: Q^T P_l and Q_l^T E[r] are O(1) for unit vectors and A_l = 0, so Delta_l = 0
            # at init for every z while A_l's gradient (gate * Bz * Q^T P * Q^T E[r] * z) is not.
            lora = cfg.dbm_init == "lora"
            self.P = _param(L, D, rho, std=1.0 if lora else D**-0.5)
            self.Qr = _param(L, D, rho, std=1.0 if lora else D**-0.5)
            self.U = _param(L, rho, D, std=D**-0.5)
            self.A = _param(L, rho, D, std=0.0 if lora else 1.0)
            self.B = _param(L, rho, D, std=1.0)
        elif cfg.use_csv:
            self.C = nn.Parameter(torch.zeros(L, D, D))
        if cfg.entity_aware:
            re = cfg.entity_rank
            self.Pq = _param(L, D, re, std=D**-0.5)
            self.Pt = _param(L, D, re, std=D**-0.5)
            self.Ph = _param(L, D, re, std=D**-0.5)
            self.Pz = _param(L, D, re, std=D**-0.5)
            self.cat_q = nn.Parameter(torch.zeros(L, D, n_categories))
            self.cat_ctx = nn.Parameter(torch.zeros(L, n_categories, n_categories))

    def forward(self, x: Batch) -> torch.Tensor:
        """Logits, (N,)."""
        e = self.relations[x.rel]  # (N, D)
        qw = torch.einsum("nd,lde->nle", x.q, self.W)  # (NQ, L, D)
        logits = (qw[x.qi, x.hop] * e).sum(-1) + self.b[x.hop]
        z = x.z if self.cfg.use_csv else torch.zeros_like(x.z)
        if self.cfg.use_dbm:
            logits = logits + self._dbm(x, z)
        elif self.cfg.use_csv:
            ctx = torch.einsum("nld,lde->nle", z, self.C)  # (NQ, L, D)
            logits = logits + (ctx[x.qi, x.hop] * e).sum(-1)
        if self.cfg.entity_aware:
            logits = logits + self._entity(x)
        return logits

    def _dbm(self, x: Batch, z: torch.Tensor) -> torch.Tensor:
        gate = torch.sigmoid(torch.einsum("nld,lrd->nlr", z, self.U))  # (NQ, L, rho)
        az = torch.einsum("nld,lrd->nlr", z, self.A)
        bz = torch.einsum("nld,lrd->nlr", z, self.B)
        qp = torch.einsum("nd,ldr->nlr", x.q, self.P)  # Q^T P_l, (NQ, L, rho)
        coef = gate * az * bz * qp
        ep = torch.einsum("kd,ldr->klr", self.relations, self.Qr)  # Q_l^T E[r], (R, L, rho)
        return (coef[x.qi, x.hop] * ep[x.rel, x.hop]).sum(-1)

    def _entity(self, x: Batch) -> torch.Tensor:
        assert x.head is not None and x.tail is not None and x.tail_cat is not None
        assert x.typed is not None and x.ent_ctx is not None
        hop = x.hop
        qt = torch.einsum("nd,ldr->nlr", x.q, self.Pq)[x.qi, hop]  # (N, re)
        tt = _per_hop(x.tail, self.Pt, x)  # (N, re)
        zc = torch.einsum("nld,ldr->nlr", x.ent_ctx, self.Pz)[x.qi, hop]
        hh = _per_hop(x.head, self.Ph, x)
        cat_logits = torch.einsum("nd,ldc->nlc", x.q, self.cat_q) + torch.einsum(
            "nlk,lkc->nlc", x.typed, self.cat_ctx
        )  # (NQ, L, C)
        cat = cat_logits[x.qi, hop].gather(1, x.tail_cat.unsqueeze(1)).squeeze(1)
        return (qt * tt).sum(-1) + (zc * hh).sum(-1) + cat


def _per_hop(vecs: torch.Tensor, proj: torch.Tensor, x: Batch) -> torch.Tensor:
    """(N, D) per-triple vectors through the (L, D, r) projection of each triple's hop: (N, r)."""
    if x.one_hop is not None:
        return vecs @ proj[x.one_hop]
    return torch.einsum("nd,ldr->nlr", vecs, proj)[torch.arange(vecs.shape[0]), x.hop]
