"""The QA set as tensors: triples grouped by question, frozen embeddings, teacher-forced
contexts (the CSV of hop l is built from the gold triples of hop l-1)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from core.exceptions import RetrievalError
from graph.vocabulary import NodeLabel
from retrieval.caff.config import CaffConfig
from retrieval.caff.model import Batch


@dataclass
class QAData:
    folder: Path
    meta: dict[str, Any]
    questions: list[dict[str, Any]]
    entities: list[str]
    q: np.ndarray  # (M,) question of each triple, sorted
    hop: np.ndarray  # (M,) 1-based
    head: np.ndarray
    rel: np.ndarray
    tail: np.ndarray
    y: np.ndarray
    offsets: np.ndarray  # (NQ + 1,) triples of question i are offsets[i]:offsets[i+1]

    @property
    def relations(self) -> list[str]:
        return list(self.meta["relations"])

    def split_ids(self, split: str) -> list[int]:
        return [i for i, q in enumerate(self.questions) if q["split"] == split]


def load_qa(folder: Path) -> QAData:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        questions = [
            json.loads(line) for line in (folder / "questions.jsonl").open(encoding="utf-8")
        ]
        entities = json.loads((folder / "entities.json").read_text(encoding="utf-8"))
        arrays = np.load(folder / "triples.npz")
    except (OSError, ValueError, KeyError) as e:
        raise RetrievalError(f"QA set {folder} is missing or unreadable: {e}") from e
    order = np.argsort(arrays["q"], kind="stable")
    q = arrays["q"][order]
    offsets = np.searchsorted(q, np.arange(len(questions) + 1))
    return QAData(
        folder,
        meta,
        questions,
        entities,
        q,
        arrays["hop"][order],
        arrays["head"][order],
        arrays["rel"][order],
        arrays["tail"][order],
        arrays["y"][order],
        offsets,
    )


@dataclass
class Features:
    """Frozen vectors for the whole QA set."""

    questions: torch.Tensor  # (NQ, D)
    relations: torch.Tensor  # (R, D)
    entities: torch.Tensor  # (NE, D)
    categories: torch.Tensor  # (NE,) category index
    n_categories: int
    # Teacher-forced contexts of every question, computed once: (NQ, L, D), (NQ, L, C), (NQ, L, D)
    teacher: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None


def contexts(
    data: QAData,
    feats: Features,
    qids: list[int],
    hops: int,
    retained: dict[int, np.ndarray] | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(z, typed, ent_ctx), each (len(qids), L, .): summaries of the retained set of the
    previous hop. `retained` maps a question to a boolean mask over its triples; by
    default the gold labels (teacher forcing)."""
    dim, n_cat = feats.relations.shape[1], feats.n_categories
    z = torch.zeros(len(qids), hops, dim)
    typed = torch.zeros(len(qids), hops, n_cat)
    ent = torch.zeros(len(qids), hops, dim)
    for row, qid in enumerate(qids):
        lo, hi = data.offsets[qid], data.offsets[qid + 1]
        keep = data.y[lo:hi].astype(bool) if retained is None else retained[qid]
        hop = data.hop[lo:hi]
        for h in range(1, hops):
            m = keep & (hop == h)
            if not m.any():
                continue
            rels = torch.as_tensor(data.rel[lo:hi][m], dtype=torch.long)
            tails = torch.as_tensor(data.tail[lo:hi][m], dtype=torch.long)
            z[row, h] = feats.relations[rels].mean(0)
            ent[row, h] = feats.entities[tails].mean(0)
            cats = torch.bincount(feats.categories[tails], minlength=n_cat).float()
            typed[row, h] = cats / cats.sum()
    return z, typed, ent


def head_retained(
    data: QAData, qids: list[int], retained: dict[int, np.ndarray] | None = None
) -> np.ndarray:
    """(N,) 1.0 where a triple's head is a tail retained at the previous hop, for the triples
    of `qids` in data order; every hop-1 triple starts at a seed, so it counts as retained.
    `retained` as in contexts() (default: the gold labels, teacher forcing)."""
    out = []
    for qid in qids:
        lo, hi = data.offsets[qid], data.offsets[qid + 1]
        keep = data.y[lo:hi].astype(bool) if retained is None else retained[qid]
        hop, head, tail = data.hop[lo:hi], data.head[lo:hi], data.tail[lo:hi]
        member = hop == 1
        for h in np.unique(hop[hop > 1]).tolist():
            at = hop == h
            member[at] = np.isin(head[at], tail[keep & (hop == h - 1)])
        out.append(member)
    return np.concatenate(out).astype(np.float32) if out else np.zeros(0, dtype=np.float32)


def make_batch(
    data: QAData,
    feats: Features,
    qids: list[int],
    cfg: CaffConfig,
    retained: dict[int, np.ndarray] | None = None,
) -> tuple[Batch, torch.Tensor]:
    """The triples of `qids` as one Batch, and their labels."""
    hops = cfg.hops
    idx = np.concatenate([np.arange(data.offsets[i], data.offsets[i + 1]) for i in qids])
    counts = torch.as_tensor([data.offsets[i + 1] - data.offsets[i] for i in qids])
    qi = torch.repeat_interleave(torch.arange(len(qids)), counts)
    if retained is None:
        if feats.teacher is None:
            feats.teacher = contexts(data, feats, list(range(len(data.questions))), hops)
        rows = torch.as_tensor(qids, dtype=torch.long)
        z, typed, ent = (t[rows] for t in feats.teacher)
    else:
        z, typed, ent = contexts(data, feats, qids, hops, retained)
    batch = Batch(
        q=feats.questions[torch.as_tensor(qids, dtype=torch.long)],
        qi=qi,
        hop=torch.as_tensor(data.hop[idx] - 1, dtype=torch.long),
        rel=torch.as_tensor(data.rel[idx], dtype=torch.long),
        z=z,
    )
    if cfg.head_retained:
        batch.member = torch.as_tensor(head_retained(data, qids, retained))
    if cfg.entity_aware:
        heads = torch.as_tensor(data.head[idx], dtype=torch.long)
        tails = torch.as_tensor(data.tail[idx], dtype=torch.long)
        batch.head, batch.tail = feats.entities[heads], feats.entities[tails]
        batch.tail_cat = feats.categories[tails]
        batch.typed, batch.ent_ctx = typed, ent
    return batch, torch.as_tensor(data.y[idx], dtype=torch.float32)


# The node categories the model tells apart (their order is part of a checkpoint).
CATEGORIES = (
    *(
        label.category
        for label in (
            NodeLabel.DISEASE,
            NodeLabel.PHENOTYPIC_FEATURE,
            NodeLabel.GENE,
            NodeLabel.DRUG,
            NodeLabel.CHEMICAL_ENTITY,
            NodeLabel.SEQUENCE_VARIANT,
        )
    ),
    "other",
)


def category_index(category: str | None) -> int:
    try:
        return CATEGORIES.index(category or "")
    except ValueError:
        return len(CATEGORIES) - 1
