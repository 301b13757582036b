from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

from core.encoders import (
    PACKAGED_WEIGHTS_SHA256,
    cpu_bf16,
    inference_precision,
    packaged_encoder_path,
    resolve_model_dir,
)
from core.exceptions import ModelLoadError


def test_packaged_encoder_resolves_with_pinned_hash() -> None:
    md = resolve_model_dir(None)
    assert md.packaged and md.hidden_size == 384
    assert md.weights_sha256 == PACKAGED_WEIGHTS_SHA256
    assert md.encoder_id == f"all-MiniLM-L6-v2@{PACKAGED_WEIGHTS_SHA256[:12]}"


def test_local_directory_missing_weights_is_named(tmp_path: Path) -> None:
    src = packaged_encoder_path()
    for name in ("config.json", "tokenizer.json", "vocab.txt"):
        shutil.copy(src / name, tmp_path / name)
    with pytest.raises(ModelLoadError, match=r"no weights \(model.safetensors"):
        resolve_model_dir(tmp_path)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="does not exist"):
        resolve_model_dir(tmp_path / "nope")


def test_local_copy_gets_its_own_id(tmp_path: Path) -> None:
    dst = tmp_path / "my-encoder"
    shutil.copytree(packaged_encoder_path(), dst)
    md = resolve_model_dir(dst)
    assert not md.packaged and md.encoder_id.startswith("my-encoder@")


def test_cpu_bf16_choice() -> None:
    assert cpu_bf16("bf16") is True
    assert cpu_bf16("fp32") is False
    assert isinstance(cpu_bf16("auto"), bool)
    with pytest.raises(ValueError, match="precision 'fp16'"):
        cpu_bf16("fp16")


def test_inference_precision_runs_linear_layers_in_bf16() -> None:
    layer = torch.nn.Linear(4, 2)
    x = torch.randn(3, 4)
    with inference_precision(True):
        assert layer(x).dtype == torch.bfloat16
    with inference_precision(False):
        assert layer(x).dtype == torch.float32
