"""One interface over both configurations: the full multi-task model (GPU) and the frozen
encoder with trained heads (CPU). The checkpoint says which it is."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from extraction.biored import checkpoint, frozen
from extraction.biored.corpus import Document
from extraction.biored.train import PairPrediction, predict, prepare


class Predictor(Protocol):
    model_name: str
    meta: dict[str, object]

    @property
    def version(self) -> str: ...

    @property
    def encoder_id(self) -> str: ...

    @property
    def threshold(self) -> float: ...

    def predict(self, docs: list[Document]) -> list[PairPrediction]: ...


class FullPredictor:
    """The full multi-task model (shared encoder fine-tuned, soft prompt, three heads)."""

    model_name = checkpoint.MODEL_NAME

    def __init__(self, loaded: checkpoint.Loaded) -> None:
        self.loaded = loaded
        self.meta = loaded.meta

    @property
    def version(self) -> str:
        return self.loaded.version

    @property
    def encoder_id(self) -> str:
        return self.loaded.encoder.encoder_id

    @property
    def threshold(self) -> float:
        return float(self.meta.get("threshold", 0.5))  # type: ignore[arg-type]

    def predict(self, docs: list[Document]) -> list[PairPrediction]:
        return predict(self.loaded, prepare(docs, self.loaded))


def load_predictor(
    path: Path, encoder_dir: Path | None, cache_root: Path | None = None
) -> Predictor:
    """The checkpoint at `path` as a Predictor; `cache_root` keeps frozen-encoder features
    on disk (evaluation), None computes them in memory only (the service)."""
    blob = checkpoint.read_blob(path)
    if blob.get("kind") == frozen.KIND:
        return frozen.load_blob(path, blob, encoder_dir, cache_root)
    return FullPredictor(checkpoint.from_blob(path, blob, encoder_dir))
