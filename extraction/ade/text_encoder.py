"""A frozen sentence encoder (mean pooled, L2-normalised) for linking mentions to HPO names."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.encoders import ModelDir, encode_texts, load_tokenizer, load_transformer


class TextEncoder:
    def __init__(self, model_dir: ModelDir, batch_size: int = 128, max_length: int = 32) -> None:
        self.tokenizer = load_tokenizer(model_dir)
        self.model = load_transformer(model_dir)
        self.model.train(False)
        self.batch_size = batch_size
        self.max_length = max_length

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        return encode_texts(self.tokenizer, self.model, texts, self.batch_size, self.max_length)
