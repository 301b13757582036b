"""The TF-IDF + logistic regression baseline (class-balanced), the card's Phase 1 model."""

from __future__ import annotations

import pickle
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.exceptions import ModelLoadError

KIND = "tfidf-lr"


class TfidfLR:
    kind = KIND

    def __init__(self, c: float = 4.0, seed: int = 13) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.params = {"C": c, "ngram_range": [1, 2], "min_df": 2, "sublinear_tf": True}
        self.vectorizer: Any = TfidfVectorizer(
            lowercase=True, ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=100_000
        )
        # Balanced weights are inverse class frequency, as in the transformer's loss.
        self.model: Any = LogisticRegression(
            C=c, class_weight="balanced", max_iter=3000, random_state=seed
        )
        self.train_seconds = 0.0

    def fit(self, texts: Sequence[str], y: np.ndarray) -> list[float]:
        start = time.perf_counter()
        x = self.vectorizer.fit_transform(texts)
        self.model.fit(x, y)
        self.train_seconds = time.perf_counter() - start
        return []

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """(N, C) multinomial logits; softmax gives predict_proba."""
        scores: np.ndarray = self.model.decision_function(self.vectorizer.transform(texts))
        return scores

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            pickle.dump({"kind": KIND, "vectorizer": self.vectorizer, "model": self.model}, fh)

    @classmethod
    def load(cls, path: Path) -> TfidfLR:
        # A pickle evigraph wrote itself into var/; never load one from elsewhere.
        try:
            with path.open("rb") as fh:
                state = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError) as e:
            raise ModelLoadError(f"{path}: cannot load the TF-IDF model: {e}") from e
        obj = cls()
        obj.vectorizer, obj.model = state["vectorizer"], state["model"]
        return obj
