"""A sentence gate: does this sentence report a drug-related adverse event at all?

The pair classifier sees a drug, an event and a few words around them; in sentences that
report no ADE (ADE-NEG: indications, history, disease courses) it still relates one pair in
five sentences. The gate reads the whole sentence (encoder, mean pooling, one logit) and is
trained on the corpus' own sentence labels: a sentence with relations is positive, an ADE-NEG
sentence negative. Its threshold is set on dev (`pipeline.evaluate_gate`). Relations found in
a sentence whose gate score is under the threshold are dropped: the service does so when a
request asks for it (`gate`), or for every request with the setting `ade.sentence_gate`.
`ade-train --gate-seconds N` trains it; so does `bench/ade_gate.py`."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from core.encoders import ModelDir, load_tokenizer, load_transformer
from extraction.ade.data import Sentence
from extraction.ade.encoder_head import load_head, save_head, train_steps

logger = logging.getLogger(__name__)
GATE_FILE = "gate.pt"


@dataclass(frozen=True)
class GateConfig:
    encoder_id: str
    hidden: int
    max_length: int = 128
    dropout: float = 0.1
    threshold: float = 0.5  # set on dev


class SentenceGate(nn.Module):
    def __init__(self, cfg: GateConfig, encoder: nn.Module) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = encoder
        self.dropout = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(cfg.hidden, 1)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state  # (B, T, H)
        m = mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * m).sum(1) / m.sum(1).clamp(min=1.0)
        logit: torch.Tensor = self.head(self.dropout(pooled)).squeeze(-1)  # (B,)
        return logit


@dataclass
class GateBundle:
    model: SentenceGate
    tokenizer: object
    version: str = "untrained"  # loaded: the first 12 hex digits of gate.pt's sha256

    @property
    def threshold(self) -> float:
        return self.model.cfg.threshold

    def _encode(self, texts: Sequence[str]) -> dict[str, torch.Tensor]:
        enc: dict[str, torch.Tensor] = self.tokenizer(  # type: ignore[operator]
            list(texts),
            padding=True,
            truncation=True,
            return_tensors="pt",
            max_length=self.model.cfg.max_length,
        )
        return enc

    def scores(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """P(the sentence reports an ADE) for each text."""
        out = []
        self.model.eval()
        with torch.inference_mode():
            for k in range(0, len(texts), batch_size):
                enc = self._encode(texts[k : k + batch_size])
                logit = self.model(enc["input_ids"], enc["attention_mask"])
                out.append(torch.sigmoid(logit.float()).numpy())
        return np.concatenate(out) if out else np.zeros(0)


def new_gate(model_dir: ModelDir, max_length: int = 128) -> GateBundle:
    cfg = GateConfig(model_dir.encoder_id, model_dir.hidden_size, max_length)
    return GateBundle(SentenceGate(cfg, load_transformer(model_dir)), load_tokenizer(model_dir))


def train_gate(
    bundle: GateBundle,
    sentences: Sequence[Sentence],
    epochs: float = 1.0,
    batch_size: int = 32,
    lr: float = 5e-5,
    seed: int = 13,
    max_seconds: float = 900.0,
    report: dict[str, Any] | None = None,
) -> list[float]:
    """Binary cross-entropy of `sentences`' labels (relations: 1, ADE-NEG: 0), linear decay;
    stops after `epochs` or `max_seconds`. Returns the loss of each step."""
    torch.manual_seed(seed)

    def batch_loss(batch: Sequence[Sentence]) -> torch.Tensor:
        enc = bundle._encode([s.text for s in batch])
        labels = torch.tensor([float(not s.negative) for s in batch])
        logit = bundle.model(enc["input_ids"], enc["attention_mask"])
        return nn.functional.binary_cross_entropy_with_logits(logit, labels)

    return train_steps(
        bundle.model,
        sentences,
        batch_loss,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        seed=seed,
        max_seconds=max_seconds,
        name="gate",
        log=logger,
        report=report,
        log_every=100,
    )


def set_threshold(bundle: GateBundle, threshold: float) -> None:
    # a plain float: a numpy scalar in the config would not load with weights_only
    bundle.model.cfg = replace(bundle.model.cfg, threshold=float(threshold))


def save_gate(bundle: GateBundle, folder: Path, meta: dict[str, object]) -> None:
    save_head(bundle.model, bundle.model.cfg, folder / GATE_FILE, meta, "gate.json")


def saved_gate(folder: Path, encoder_dir: Path | None = None) -> GateBundle | None:
    """The gate saved in `folder`, or None where none was trained."""
    return load_gate(folder, encoder_dir) if (folder / GATE_FILE).is_file() else None


def load_gate(folder: Path, encoder_dir: Path | None = None) -> GateBundle:
    how = "`evigraph extract ade-train --gate-seconds 900`"
    state, enc, model_dir = load_head(folder / GATE_FILE, "gate", how, encoder_dir)
    model = SentenceGate(GateConfig(**state["config"]), enc)
    model.load_state_dict(state["state_dict"])
    version = hashlib.sha256((folder / GATE_FILE).read_bytes()).hexdigest()[:12]
    return GateBundle(model.eval(), load_tokenizer(model_dir), version)
