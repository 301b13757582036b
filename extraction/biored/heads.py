"""The CPU configuration's model: three heads over cached frozen-encoder token states.

Per document: a mention is the mean of its token states (markers included); an entity is
the logsumexp of its mentions (a smooth max); a pair (first, second) is read from
[e1; e2; e1*e2; |e1-e2|; c; type embeddings; scalars], where c is a pair-conditioned
attention over every token of the document (the localised context) and the scalars are
cheap document facts (mention counts, same-sentence co-occurrence, token distance, title
mentions, first positions). Heads as in the full model: type (8 + none), novelty, direction."""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import asdict, dataclass

import torch
from torch import nn

from extraction.biored.corpus import ENTITY_TYPES, Document
from extraction.biored.encoding import EncodedDoc
from extraction.biored.model import HeadOutput
from extraction.biored.pairs import DIRECTION_LABELS, TYPE_LABELS, Candidate

N_SCALARS = 9
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z0-9(\[])")


@dataclass(frozen=True)
class HeadsConfig:
    feature_dim: int
    hidden: int = 256
    pair_hidden: int = 512
    key_dim: int = 64
    type_dim: int = 16
    dropout: float = 0.2
    n_scalars: int = N_SCALARS
    n_types: int = len(TYPE_LABELS)
    n_directions: int = len(DIRECTION_LABELS)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class PairBatch:
    """Everything the heads read about one document's candidate pairs."""

    cands: list[Candidate]
    states: torch.Tensor  # (N, F) token states
    mention_mean: torch.Tensor  # (M, F)
    entity_mask: torch.Tensor  # (E, M) bool: mention m belongs to entity e
    pairs: torch.Tensor  # (P, 2) entity indices (first, second)
    types: torch.Tensor  # (P, 2) entity-type indices
    scalars: torch.Tensor  # (P, N_SCALARS)
    rel: torch.Tensor  # (P,) targets (0 where unknown)
    novel: torch.Tensor
    direction: torch.Tensor


def sentence_starts(doc: Document) -> list[int]:
    """Character offsets where sentences start: the title, then the abstract's sentences."""
    starts = [0]
    if doc.abstract:
        starts.append(len(doc.title) + 1)
    starts += [m.end() for m in _SENTENCE_END.finditer(doc.text) if m.end() > len(doc.title)]
    return sorted(set(starts))


def build_batch(
    doc: Document, enc: EncodedDoc, states: torch.Tensor, cands: list[Candidate]
) -> PairBatch:
    """The heads' input for `cands` of `doc`; `states` are the cached (N, F) token states."""
    h = states.to(torch.float32)
    mentions = [m for m in doc.mentions if m.ids]  # the order of enc.spans
    mention_mean = torch.stack([h[a : b + 1].mean(dim=0) for a, b in enc.spans])  # (M, F)
    entity_ids: dict[str, int] = {}
    for ids in enc.entities:
        for i in ids:
            entity_ids.setdefault(i, len(entity_ids))
    mask = torch.zeros((len(entity_ids), len(enc.spans)), dtype=torch.bool)
    for m, ids in enumerate(enc.entities):
        for i in ids:
            mask[entity_ids[i], m] = True
    starts = sentence_starts(doc)
    sent = [bisect.bisect_right(starts, m.start) - 1 for m in mentions]
    where: dict[str, list[int]] = {}
    for m, ids in enumerate(enc.entities):
        for i in ids:
            where.setdefault(i, []).append(m)
    n_tok = max(1, len(enc.ids))
    scalars = []
    for c in cands:
        m1, m2 = where[c.id1], where[c.id2]
        s1, s2 = {sent[m] for m in m1}, {sent[m] for m in m2}
        dist = min(abs(enc.spans[a][0] - enc.spans[b][0]) for a in m1 for b in m2)
        scalars.append(
            [
                math.log1p(len(m1)),
                math.log1p(len(m2)),
                float(bool(s1 & s2)),
                math.log1p(len(s1 & s2)),
                math.log1p(dist) / 5.0,
                float(0 in s1),
                float(0 in s2),
                min(enc.spans[m][0] for m in m1) / n_tok,
                min(enc.spans[m][0] for m in m2) / n_tok,
            ]
        )
    tix = {t: k for k, t in enumerate(ENTITY_TYPES)}
    return PairBatch(
        cands,
        h,
        mention_mean,
        mask,
        torch.tensor([[entity_ids[c.id1], entity_ids[c.id2]] for c in cands], dtype=torch.long),
        torch.tensor([[tix[c.type1], tix[c.type2]] for c in cands], dtype=torch.long),
        torch.tensor(scalars, dtype=torch.float32).reshape(len(cands), N_SCALARS),
        torch.tensor([c.rel_type for c in cands], dtype=torch.long),
        torch.tensor([c.novel for c in cands], dtype=torch.long),
        torch.tensor([c.direction for c in cands], dtype=torch.long),
    )


class PairHeads(nn.Module):
    def __init__(self, cfg: HeadsConfig) -> None:
        super().__init__()
        self.cfg = cfg
        f, d = cfg.feature_dim, cfg.hidden
        self.norm = nn.LayerNorm(f)
        self.mention = nn.Linear(f, d)
        self.query = nn.Linear(2 * d, cfg.key_dim)
        self.key = nn.Linear(f, cfg.key_dim)
        self.value = nn.Linear(f, d)
        self.type_emb = nn.Embedding(len(ENTITY_TYPES), cfg.type_dim)
        width = 5 * d + 2 * cfg.type_dim + cfg.n_scalars
        self.pair = nn.Sequential(
            nn.Dropout(cfg.dropout),
            nn.Linear(width, cfg.pair_hidden),
            nn.GELU(),
            nn.Dropout(cfg.dropout),
        )
        self.type_head = nn.Linear(cfg.pair_hidden, cfg.n_types)
        self.novelty_head = nn.Linear(cfg.pair_hidden, 2)
        self.direction_head = nn.Linear(cfg.pair_hidden, cfg.n_directions)

    def pair_features(self, b: PairBatch) -> torch.Tensor:
        """(P, 5*hidden + 2*type_dim + N_SCALARS): the vector every head reads."""
        tokens = self.norm(b.states)  # (N, F)
        mentions = nn.functional.gelu(self.mention(self.norm(b.mention_mean)))  # (M, D)
        masked = mentions.unsqueeze(0).masked_fill(~b.entity_mask.unsqueeze(-1), float("-inf"))
        entities = torch.logsumexp(masked, dim=1)  # (E, D)
        e1, e2 = entities[b.pairs[:, 0]], entities[b.pairs[:, 1]]  # (P, D)
        q = self.query(torch.cat([e1, e2], dim=-1))  # (P, K)
        att = (q @ self.key(tokens).T / math.sqrt(self.cfg.key_dim)).softmax(dim=-1)  # (P, N)
        ctx = nn.functional.gelu(self.value(att @ tokens))  # (P, D)
        t = self.type_emb(b.types).flatten(1)  # (P, 2*type_dim)
        return torch.cat([e1, e2, e1 * e2, (e1 - e2).abs(), ctx, t, b.scalars], dim=-1)

    def forward(self, b: PairBatch) -> HeadOutput:
        h = self.pair(self.pair_features(b))
        return HeadOutput(self.type_head(h), self.novelty_head(h), self.direction_head(h))
