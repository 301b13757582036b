"""Pooled encoder features saved to var/, so the frozen-encoder model encodes each narrative
once across CV folds, training and later runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from extraction.maude.transformer import TransformerConfig


def load_feature_cache(path: Path) -> dict[str, np.ndarray]:
    """Pooled features saved by save_feature_cache; empty when the file is absent."""
    if not path.is_file():
        return {}
    with np.load(path, allow_pickle=False) as z:
        return dict(zip(z["texts"].tolist(), z["features"], strict=True))


def save_feature_cache(path: Path, cache: dict[str, np.ndarray]) -> None:
    if not cache:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    texts = list(cache)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, texts=np.array(texts), features=np.stack([cache[t] for t in texts]))
    tmp.replace(path)


def feature_cache_path(var_dir: Path, cfg: TransformerConfig, encoder_id: str) -> Path:
    """Features depend on the encoder weights and the truncation length, so both key the file."""
    safe = encoder_id.replace("/", "_").replace("@", "-")
    return var_dir / "maude" / "features" / f"{safe}-len{cfg.max_length}.npz"
