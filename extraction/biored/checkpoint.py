"""Building the model from an encoder directory, saving it, and loading it back."""

from __future__ import annotations

import json
import logging
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from core.encoders import ModelDir, load_tokenizer, load_transformer, resolve_model_dir
from core.exceptions import ModelLoadError
from extraction.biored.encoding import add_marker_tokens
from extraction.biored.model import BioREDConfig, BioREDModel

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

logger = logging.getLogger(__name__)
MODEL_NAME = "biored-multitask"
CHECKPOINT_FILE = "biored.pt"


@dataclass
class Loaded:
    model: BioREDModel
    tokenizer: PreTrainedTokenizerBase
    encoder: ModelDir
    meta: dict[str, object]

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "untrained"))


def build(
    encoder_dir: Path | None, max_length: int, *, frozen_layers: int = 0, soft_prompt_len: int = 8
) -> Loaded:
    """A fresh model: encoder weights from disk, markers added, heads initialised."""
    encoder = resolve_model_dir(encoder_dir)
    tokenizer = load_tokenizer(encoder)
    transformer = load_transformer(encoder)
    vocab = add_marker_tokens(tokenizer)
    transformer.resize_token_embeddings(vocab)
    limit = int(getattr(transformer.config, "max_position_embeddings", max_length))
    cfg = BioREDConfig(
        encoder.encoder_id,
        encoder.hidden_size,
        vocab,
        min(max_length, limit),
        soft_prompt_len=soft_prompt_len,
        frozen_layers=frozen_layers,
    )
    model = BioREDModel(
        cfg,
        transformer,
        int(tokenizer.cls_token_id),
        int(tokenizer.sep_token_id),
        int(tokenizer.pad_token_id),
    )
    return Loaded(model, tokenizer, encoder, {"version": "untrained"})


def default_path(var_dir: Path) -> Path:
    return var_dir / "biored" / CHECKPOINT_FILE


def save(loaded: Loaded, path: Path, meta: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(
        {
            "config": loaded.model.cfg.to_dict(),
            "state_dict": loaded.model.state_dict(),
            "encoder": loaded.encoder.describe(),
            "meta": meta,
        },
        tmp,
    )
    tmp.replace(path)
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    loaded.meta = meta


def read_blob(path: Path) -> dict[str, object]:
    """The raw checkpoint dictionary (either configuration)."""
    if not path.is_file():
        raise ModelLoadError(f"no BioRED checkpoint at {path}; run `evigraph extract biored-train`")
    try:
        blob = torch.load(path, map_location="cpu", weights_only=False)
    except (OSError, RuntimeError, EOFError, ValueError, pickle.UnpicklingError) as e:
        raise ModelLoadError(f"{path}: not a BioRED checkpoint: {e}") from e
    if not isinstance(blob, dict):
        raise ModelLoadError(f"{path}: not a BioRED checkpoint (no dictionary inside)")
    return blob


def load(path: Path, encoder_dir: Path | None) -> Loaded:
    """The full-model checkpoint at `path`, rebuilt on the encoder it was trained with."""
    return from_blob(path, read_blob(path), encoder_dir)


def from_blob(path: Path, blob: dict[str, object], encoder_dir: Path | None) -> Loaded:
    try:
        cfg = BioREDConfig(**blob["config"])  # type: ignore[arg-type]
    except (KeyError, TypeError) as e:
        raise ModelLoadError(f"{path}: not a BioRED checkpoint: {e}") from e
    loaded = build(encoder_dir, cfg.max_length)
    if loaded.encoder.encoder_id != cfg.encoder_id:
        raise ModelLoadError(
            f"{path} was trained on {cfg.encoder_id}, but the configured "
            f"encoder is {loaded.encoder.encoder_id}"
        )
    m = loaded.model
    loaded.model = BioREDModel(cfg, m.encoder, m.cls_id, m.sep_id, m.pad_id)
    loaded.model.load_state_dict(blob["state_dict"])  # type: ignore[arg-type]
    loaded.model.eval()
    loaded.meta = dict(blob.get("meta", {}))  # type: ignore[call-overload]
    return loaded
