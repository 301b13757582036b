"""The hop scorer: DepthBilinear base, CSV context, DBM perturbation, entity-aware terms.

    s_base(Q, r, l)     = Q^T W_l E[r] + b_l
    Delta_l(z)          = P_l diag(sigmoid(U_l z) * (A_l z) * (B_l z)) Q_l^T      (rank rho)
    s_CAFF(Q, r, l, z)  = Q^T (W_l + Delta_l(z)) E[r]

Delta_l is the sigmoid-gated low-rank product of a z-dependent left factor P_l diag(A_l z)
and right factor Q_l diag(B_l z); at z = 0 (hop 1) it vanishes and CAFF is the base scorer.
With dbm_init "lora" A_l starts at 0, so Delta_l = 0 for every z at init, and P_l, Q_l
start at unit scale, so the DBM path gets gradients of the base scorer's size.
The entity-aware variant adds per-triple terms (question x tail name, head name x the mean
name of the retained tails) and the typed CSV (entity categories of the retained set); with
head_retained, a triple whose head was retained at the previous hop also gets
member * (Q^T M_l E[r] + m_l[r])."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
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
    member: torch.Tensor | None = None  # (N,) 1.0 where the head was retained at the last hop
    # Every triple is at this 0-based hop (the service scores one hop at a time): per-triple
    # projections then use that hop's matrix alone instead of all L and a gather.
    one_hop: int | None = None


@dataclass
class HopTerms:
    """What the scorer's logit for one question at one hop is made of, split into the parts
    that do not depend on the triple's entities (computed once per question and hop by
    FrozenHopScorer.hop_terms) and two dot products with the triple's projected head and
    tail name vectors (FrozenHopScorer.entity_projections, P_h^T head and P_t^T tail):

        logit = by_relation[rel] + tail_proj . tail_query + head_proj . head_query
                + by_category[tail_cat] + member * by_member[rel]

    Scoring a hop is then a gather and two small matrix-vector products, instead of
    projecting every triple through the (D, D) and (D, rank) matrices."""

    by_relation: np.ndarray  # (R,) base + context terms, bias included
    tail_query: np.ndarray | None = None  # (re,) entity-aware: P_q^T Q
    head_query: np.ndarray | None = None  # (re,) entity-aware: P_z^T (mean retained tail)
    by_category: np.ndarray | None = None  # (C,) entity-aware: question and typed-CSV terms
    by_member: np.ndarray | None = None  # (R,) head_retained: the term of a retained head

    def logits(
        self,
        rel: np.ndarray,
        head_proj: np.ndarray | None = None,
        tail_proj: np.ndarray | None = None,
        tail_cat: np.ndarray | None = None,
        member: np.ndarray | None = None,
    ) -> np.ndarray:
        """(N,) logits of triples given by relation index and, for the entity-aware variant,
        their (N, re) projected head and tail name vectors and (N,) tail category indices;
        with head_retained, `member` (N,) marks the triples whose head was retained."""
        out = self.by_relation[rel]
        if self.by_member is not None:
            if member is None:
                raise ValueError("the head_retained scorer needs member")
            out = out + np.asarray(member, dtype=np.float32) * self.by_member[rel]
        if self.tail_query is not None:
            if head_proj is None or tail_proj is None or tail_cat is None:
                raise ValueError("the entity-aware scorer needs head, tail and tail_cat")
            assert self.head_query is not None and self.by_category is not None
            out = (
                out
                + tail_proj @ self.tail_query
                + head_proj @ self.head_query
                + self.by_category[tail_cat]
            )
        return np.asarray(out, dtype=np.float32)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function in numpy, float32, without overflow for large negative x."""
    e = np.exp(-np.abs(x))
    out: np.ndarray = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(np.float32)
    return out


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
        if cfg.head_retained:
            self.mem = nn.Parameter(torch.zeros(L, relations.shape[0]))
            self.mem_w = nn.Parameter(torch.zeros(L, D, D))
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
        logits = (_project(x.q, self.W, x) * e).sum(-1) + self.b[x.hop]  # Q^T W_l E[r] + b_l
        z = x.z if self.cfg.use_csv else torch.zeros_like(x.z)
        if self.cfg.use_dbm:
            logits = logits + self._dbm(x, z)
        elif self.cfg.use_csv:
            logits = logits + (_project(z, self.C, x) * e).sum(-1)
        if self.cfg.head_retained:
            logits = logits + self._member(x)
        if self.cfg.entity_aware:
            logits = logits + self._entity(x)
        return logits

    def _member(self, x: Batch) -> torch.Tensor:
        """member * (Q^T M_l E[r] + m_l[r]): how a retained head moves its relation's score at
        this hop, for this question (a second bilinear map, zero at init)."""
        assert x.member is not None
        by_q = (_project(x.q, self.mem_w, x) * self.relations[x.rel]).sum(-1)  # (N,)
        return x.member * (self.mem[x.hop, x.rel] + by_q)

    def for_inference(self) -> FrozenHopScorer:
        """A numpy snapshot of the current parameters for scoring one question at a time
        (FrozenHopScorer.hop_terms); it does not follow later training steps."""
        return FrozenHopScorer(self)

    def _dbm(self, x: Batch, z: torch.Tensor) -> torch.Tensor:
        gate = torch.sigmoid(_project(z, self.U.transpose(1, 2), x))  # (N, rho)
        az = _project(z, self.A.transpose(1, 2), x)
        bz = _project(z, self.B.transpose(1, 2), x)
        qp = _project(x.q, self.P, x)  # Q^T P_l
        if x.one_hop is not None:
            ep = (self.relations @ self.Qr[x.one_hop])[x.rel]  # Q_l^T E[r], (N, rho)
        else:
            ep = torch.einsum("kd,ldr->klr", self.relations, self.Qr)[x.rel, x.hop]
        return (gate * az * bz * qp * ep).sum(-1)

    def _entity(self, x: Batch) -> torch.Tensor:
        assert x.head is not None and x.tail is not None and x.tail_cat is not None
        assert x.typed is not None and x.ent_ctx is not None
        qt = _project(x.q, self.Pq, x)  # (N, re)
        tt = _per_hop(x.tail, self.Pt, x)  # (N, re)
        zc = _project(x.ent_ctx, self.Pz, x)
        hh = _per_hop(x.head, self.Ph, x)
        cat_logits = _project(x.q, self.cat_q, x) + _project(x.typed, self.cat_ctx, x)  # (N, C)
        cat = cat_logits.gather(1, x.tail_cat.unsqueeze(1)).squeeze(1)
        return (qt * tt).sum(-1) + (zc * hh).sum(-1) + cat


def _project(v: torch.Tensor, proj: torch.Tensor, x: Batch) -> torch.Tensor:
    """A per-question vector, (NQ, D), or per-question-and-hop one, (NQ, L, D), through the
    (L, D, r) projection of each triple's hop, read out for each triple: (N, r). A one-hop
    batch projects through that hop's matrix alone."""
    if x.one_hop is not None:
        h = x.one_hop
        return ((v if v.dim() == 2 else v[:, h]) @ proj[h])[x.qi]
    spec = "nd,ldr->nlr" if v.dim() == 2 else "nld,ldr->nlr"
    return torch.einsum(spec, v, proj)[x.qi, x.hop]


def _per_hop(vecs: torch.Tensor, proj: torch.Tensor, x: Batch) -> torch.Tensor:
    """(N, D) per-triple vectors through the (L, D, r) projection of each triple's hop: (N, r)."""
    if x.one_hop is not None:
        return vecs @ proj[x.one_hop]
    return torch.einsum("nd,ldr->nlr", vecs, proj)[torch.arange(vecs.shape[0]), x.hop]


class FrozenHopScorer:
    """HopScorer's parameters as numpy arrays, with the products that do not depend on the
    question precomputed per hop (E W_l^T, E Q_l, E C_l^T), for the service: building one
    question's HopTerms is then a handful of small matrix-vector products."""

    def __init__(self, model: HopScorer) -> None:
        def arr(t: torch.Tensor) -> np.ndarray:
            return np.ascontiguousarray(t.detach().cpu().numpy(), dtype=np.float32)

        self.cfg = model.cfg
        with torch.no_grad():
            e = model.relations
            self.ew = arr(torch.einsum("kd,led->lke", e, model.W))  # (L, R, D): E W_l^T
            self.b = arr(model.b)
            if model.cfg.use_dbm:
                self.eq = arr(torch.einsum("kd,ldr->lkr", e, model.Qr))  # (L, R, rho)
                self.U, self.A, self.B, self.P = (
                    arr(t) for t in (model.U, model.A, model.B, model.P)
                )
            elif model.cfg.use_csv:
                self.ec = arr(torch.einsum("kd,led->lke", e, model.C))  # (L, R, D): E C_l^T
            if model.cfg.head_retained:
                self.mem = arr(model.mem)
                self.em = arr(torch.einsum("kd,led->lke", e, model.mem_w))  # (L, R, D): E M_l^T
            if model.cfg.entity_aware:
                self.Pq, self.Pt, self.Pz, self.Ph = (
                    arr(t) for t in (model.Pq, model.Pt, model.Pz, model.Ph)
                )
                self.cat_q, self.cat_ctx = arr(model.cat_q), arr(model.cat_ctx)

    def entity_projections(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Tail and head projections of name vectors (N, D): two (L, N, re) arrays, P_t^T x
        and P_h^T x per hop, the per-entity half of the entity-aware terms."""
        x = np.asarray(vectors, dtype=np.float32)
        tails = np.stack([x @ self.Pt[h] for h in range(self.Pt.shape[0])])
        heads = np.stack([x @ self.Ph[h] for h in range(self.Ph.shape[0])])
        return tails, heads

    def hop_terms(
        self,
        q: np.ndarray,
        hop: int,
        z: np.ndarray | None = None,
        typed: np.ndarray | None = None,
        ent_ctx: np.ndarray | None = None,
    ) -> HopTerms:
        """The entity-independent parts of HopScorer.forward() for one question (D,) at one
        0-based hop, with that hop's CSV z (D,), typed CSV (C,) and mean retained-tail vector
        (D,) (None: zeros, as at the first hop). HopTerms.logits then equals forward() on a
        batch of that question's triples at that hop."""
        h, cfg = hop, self.cfg
        q = np.asarray(q, dtype=np.float32)
        zero = np.zeros_like(q)
        z = np.asarray(z, dtype=np.float32) if z is not None and cfg.use_csv else zero
        by_rel = self.ew[h] @ q + self.b[h]
        if cfg.use_dbm:
            gate = sigmoid(self.U[h] @ z)  # (rho,)
            coef = gate * (self.A[h] @ z) * (self.B[h] @ z) * (q @ self.P[h])
            by_rel = by_rel + self.eq[h] @ coef
        elif cfg.use_csv:
            by_rel = by_rel + self.ec[h] @ z
        terms = HopTerms(by_relation=by_rel.astype(np.float32))
        if cfg.head_retained:
            terms.by_member = (self.mem[h] + self.em[h] @ q).astype(np.float32)
        if cfg.entity_aware:
            ent = np.asarray(ent_ctx, dtype=np.float32) if ent_ctx is not None else zero
            if typed is None:
                typed = np.zeros(self.cat_ctx.shape[1], dtype=np.float32)
            terms.tail_query = q @ self.Pq[h]
            terms.head_query = ent @ self.Pz[h]
            terms.by_category = q @ self.cat_q[h] + np.asarray(typed, np.float32) @ self.cat_ctx[h]
        return terms
