"""The frozen encoder as an ONNX graph on onnxruntime, for encoding one question at a time.

A single short question is where PyTorch's per-call overhead dominates: on 2 cores MiniLM-L6
takes about 11 ms a question in PyTorch and about 5 ms in onnxruntime, with the same vectors
(max difference ~1e-6; the tests compare them). The graph is exported once per encoder (its id
carries the weights' sha256) into `<var>/onnx/<encoder id>/encoder.onnx` and reused; batches
(the entity and relation index) stay in PyTorch."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.encoders import ModelDir, onnx_session
from core.exceptions import ModelLoadError

logger = logging.getLogger(__name__)


def onnx_path(var_dir: Path, model: ModelDir) -> Path:
    return var_dir / "onnx" / model.encoder_id.replace("/", "_") / "encoder.onnx"


def export_encoder(model: Any, tokenizer: Any, path: Path) -> Path:
    """Trace the transformer's last hidden state; batch and sequence axes stay dynamic. Written
    under a temporary name and renamed, so a failed export leaves no file behind."""
    import torch

    names = list(tokenizer.model_input_names)

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            out: torch.Tensor = self.inner(**dict(zip(names, inputs, strict=True)))[0]
            return out

    sample = tokenizer(["a question", "another longer question"], padding=True, return_tensors="pt")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    wrapper = Hidden().eval()
    try:
        with torch.inference_mode(), warnings.catch_warnings():
            # tracer and deprecation notes about the legacy exporter: not for the user
            warnings.simplefilter("ignore")
            torch.onnx.export(
                wrapper,
                tuple(sample[n] for n in names),
                str(tmp),
                input_names=names,
                output_names=["hidden"],
                dynamic_axes={n: {0: "batch", 1: "seq"} for n in [*names, "hidden"]},
                opset_version=17,
                dynamo=False,
            )
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
        model.eval()  # the exporter may restore the wrapper's training flag on the model
    return path


class OnnxEncoder:
    """Mean-pooled, unit-norm sentence vectors from the exported graph (as encode_texts)."""

    def __init__(self, path: Path, tokenizer: Any, threads: int) -> None:
        self.session = onnx_session(path, threads, "encoder")
        self.tokenizer = tokenizer
        self.names = [i.name for i in self.session.get_inputs()]

    def encode(self, texts: Sequence[str], max_length: int) -> np.ndarray:
        batch = self.tokenizer(
            list(texts), padding=True, truncation=True, max_length=max_length, return_tensors="np"
        )
        feed = {n: batch[n].astype(np.int64) for n in self.names}
        hidden = self.session.run(["hidden"], feed)[0]  # (B, T, D)
        mask = batch["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        out: np.ndarray = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return out


class FastTokenizer:
    """The model's tokenizer.json run by the `tokenizers` library, as the Hugging Face fast
    tokenizer runs it, called like one (padding to the longest, truncation to max_length),
    without importing transformers (about 2 s of a CLI call)."""

    def __init__(self, path: Path) -> None:
        from tokenizers import Tokenizer

        self.tok = Tokenizer.from_file(str(path))
        pad = self.tok.padding or {}
        self.pad_id, self.pad_token = int(pad.get("pad_id", 0)), str(pad.get("pad_token", "[PAD]"))

    def __call__(self, texts: list[str], *, max_length: int, **_: Any) -> dict[str, np.ndarray]:
        self.tok.enable_truncation(max_length)
        self.tok.enable_padding(pad_id=self.pad_id, pad_token=self.pad_token)  # to the longest
        encs = self.tok.encode_batch(texts)
        return {
            "input_ids": np.array([e.ids for e in encs], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encs], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encs], dtype=np.int64),
        }


def load_onnx_encoder(
    model_dir: ModelDir,
    model: Callable[[], Any],
    tokenizer: Callable[[], Any],
    var_dir: Path,
    threads: int,
) -> OnnxEncoder:
    """The encoder's ONNX graph, exported first (from `model()`, the PyTorch transformer, and
    `tokenizer()`, both loaded only then) if this encoder has none yet. Questions are
    tokenized by the model's tokenizer.json directly where it has one."""
    path = onnx_path(var_dir, model_dir)
    if not path.is_file():
        logger.info("exporting %s to ONNX for question encoding: %s", model_dir.encoder_id, path)
        try:
            export_encoder(model(), tokenizer(), path)
        except Exception as e:  # the exporter raises many kinds of error
            raise ModelLoadError(f"cannot export {model_dir.encoder_id} to ONNX: {e}") from e
    fast = model_dir.path / "tokenizer.json"
    return OnnxEncoder(path, FastTokenizer(fast) if fast.is_file() else tokenizer(), threads)
