"""The multi-task BioRED model: shared encoder, soft prompt, three heads.

Per chunk the encoder reads `[CLS] <8 soft-prompt vectors> chunk tokens [SEP]`. A mention
is represented by its start marker; a mention seen in several chunks and an entity with
several mentions are max-pooled, as is the soft-prompt context across chunks. A pair
(first, second) is classified from [e1; e2; e1*e2; context] by three heads: relation type
(8 + none), novelty (Novel/No) and direction (undirected, first is subject, second is)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from core.exceptions import ExtractionError
from extraction.biored.encoding import EncodedDoc
from extraction.biored.pairs import DIRECTION_LABELS, TYPE_LABELS


@dataclass(frozen=True)
class BioREDConfig:
    """Hyperparameters, saved in the checkpoint so it rebuilds its own model."""

    encoder_id: str
    hidden_size: int
    vocab_size: int
    max_length: int = 256
    soft_prompt_len: int = 8
    frozen_layers: int = 0  # lower encoder layers kept frozen (0: fine-tune all, the paper)
    overlap: int = 32
    dropout: float = 0.1
    n_types: int = len(TYPE_LABELS)
    n_directions: int = len(DIRECTION_LABELS)

    @property
    def window(self) -> int:
        return self.max_length - 2 - self.soft_prompt_len

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class HeadOutput:
    type_logits: torch.Tensor  # (P, n_types)
    novelty_logits: torch.Tensor  # (P, 2)
    direction_logits: torch.Tensor  # (P, n_directions)


class BioREDModel(nn.Module):
    def __init__(
        self, cfg: BioREDConfig, encoder: nn.Module, cls_id: int, sep_id: int, pad_id: int
    ) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = encoder
        self.cls_id, self.sep_id, self.pad_id = cls_id, sep_id, pad_id
        d = cfg.hidden_size
        self.soft_prompt = nn.Parameter(torch.randn(cfg.soft_prompt_len, d) * 0.02)  # (S, D)
        self.pair = nn.Sequential(nn.Linear(4 * d, d), nn.GELU(), nn.Dropout(cfg.dropout))
        self.type_head = nn.Linear(d, cfg.n_types)
        self.novelty_head = nn.Linear(d, 2)
        self.direction_head = nn.Linear(d, cfg.n_directions)

    def chunk_batch(self, doc: EncodedDoc) -> tuple[torch.Tensor, torch.Tensor]:
        """Token ids (C, T) with placeholders where the soft prompt goes, and the mask."""
        s = self.cfg.soft_prompt_len
        rows = [
            [self.cls_id] + [self.pad_id] * s + doc.ids[a:b] + [self.sep_id] for a, b in doc.chunks
        ]
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = torch.tensor(r)
            mask[i, : len(r)] = 1
        return ids, mask

    def _layers(self) -> nn.ModuleList:
        layers = getattr(getattr(self.encoder, "encoder", None), "layer", None)
        if not isinstance(layers, nn.ModuleList):
            raise ExtractionError("the encoder is not BERT-like (no encoder.layer list)")
        return layers

    @staticmethod
    def _additive(mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min  # (C, 1, 1, T)

    def lower(self, doc: EncodedDoc) -> torch.Tensor:
        """Embeddings and the first `frozen_layers` layers: (C, T, D). Without gradients when
        those layers are frozen, so the result can be cached per document."""
        ids, mask = self.chunk_batch(doc)
        with torch.set_grad_enabled(torch.is_grad_enabled() and self.cfg.frozen_layers == 0):
            embeddings: nn.Module = self.encoder.embeddings  # type: ignore[assignment]
            h = embeddings(input_ids=ids)
            add = self._additive(mask, h.dtype)
            for layer in self._layers()[: self.cfg.frozen_layers]:
                h = layer(h, attention_mask=add)
                h = h[0] if isinstance(h, tuple) else h
        out: torch.Tensor = h
        return out

    def encode(
        self, doc: EncodedDoc, lower: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-mention vectors (M, D), max-pooled over chunks, and the context vector (D,).
        The soft prompt enters right after [CLS] at the first trainable layer (the input
        itself when nothing is frozen, as in the paper)."""
        h = self.lower(doc) if lower is None else lower.to(torch.float32)
        _ids, mask = self.chunk_batch(doc)
        s = self.cfg.soft_prompt_len
        prompt = self.soft_prompt.unsqueeze(0).expand(h.shape[0], -1, -1)  # (C, S, D)
        h = torch.cat([h[:, :1], prompt, h[:, 1:]], dim=1)  # (C, T+S, D)
        mask = torch.cat([mask[:, :1], mask.new_ones((mask.shape[0], s)), mask[:, 1:]], dim=1)
        add = self._additive(mask, h.dtype)
        for layer in self._layers()[self.cfg.frozen_layers :]:
            h = layer(h, attention_mask=add)
            h = h[0] if isinstance(h, tuple) else h
        context = h[:, 1 : 1 + s].max(dim=1).values.max(dim=0).values  # (D,)
        # Every (mention, chunk) occurrence, gathered at once and max-pooled per mention.
        occ = [
            (m, c, 1 + s + a - cs)
            for m, (a, _b) in enumerate(doc.spans)
            for c, (cs, ce) in enumerate(doc.chunks)
            if cs <= a < ce
        ]
        d = h.shape[-1]
        if not occ:
            return h.new_zeros((0, d)), context
        idx = torch.tensor(occ)  # (K, 3)
        found = h[idx[:, 1], idx[:, 2]]  # (K, D)
        target = idx[:, 0:1].expand(-1, d)
        mentions = h.new_zeros((len(doc.spans), d)).scatter_reduce(
            0, target, found, reduce="amax", include_self=False
        )  # (M, D)
        return mentions, context

    def forward(
        self, doc: EncodedDoc, pairs: list[tuple[str, str]], lower: torch.Tensor | None = None
    ) -> HeadOutput:
        mentions, context = self.encode(doc, lower)
        index: dict[str, list[int]] = {}
        for m, ids in enumerate(doc.entities):
            for i in ids:
                index.setdefault(i, []).append(m)
        entity = {i: mentions[ms].max(dim=0).values for i, ms in index.items()}  # each (D,)
        e1 = torch.stack([entity[a] for a, _ in pairs])  # (P, D)
        e2 = torch.stack([entity[b] for _, b in pairs])
        ctx = context.unsqueeze(0).expand_as(e1)
        h = self.pair(torch.cat([e1, e2, e1 * e2, ctx], dim=-1))  # (P, D)
        return HeadOutput(self.type_head(h), self.novelty_head(h), self.direction_head(h))


@dataclass(frozen=True)
class LossWeights:
    """Class weights of the three heads (inverse square-root frequency) and task weights."""

    type_weights: list[float]
    novelty_weights: list[float]
    direction_weights: list[float]
    task: tuple[float, float, float] = (1.0, 0.5, 0.5)


def multitask_loss(
    out: HeadOutput, rel: torch.Tensor, novel: torch.Tensor, direction: torch.Tensor, w: LossWeights
) -> torch.Tensor:
    """Weighted cross-entropy of the type head on every pair, of novelty and direction on
    the related pairs only (they are undefined for unrelated ones)."""
    loss = w.task[0] * nn.functional.cross_entropy(
        out.type_logits, rel, weight=torch.tensor(w.type_weights)
    )
    pos = rel > 0
    if bool(pos.any()):
        loss = loss + w.task[1] * nn.functional.cross_entropy(
            out.novelty_logits[pos], novel[pos], weight=torch.tensor(w.novelty_weights)
        )
        loss = loss + w.task[2] * nn.functional.cross_entropy(
            out.direction_logits[pos], direction[pos], weight=torch.tensor(w.direction_weights)
        )
    return loss
