"""A frozen sentence encoder (mean pooled, L2-normalised) for linking mentions to HPO names."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch.nn import functional

from core.models import ModelDir, load_tokenizer, load_transformer, mean_pool


class TextEncoder:
    def __init__(self, model_dir: ModelDir, batch_size: int = 128, max_length: int = 32) -> None:
        self.tokenizer = load_tokenizer(model_dir)
        self.model = load_transformer(model_dir)
        self.model.train(False)
        self.batch_size = batch_size
        self.max_length = max_length

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for k in range(0, len(order), self.batch_size):
                idx = order[k : k + self.batch_size]
                enc = self.tokenizer(
                    [texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                states = self.model(**enc).last_hidden_state  # (B, T, D)
                pooled = functional.normalize(mean_pool(states, enc["attention_mask"]), dim=-1)
                out[idx] = pooled.numpy()
        return out
