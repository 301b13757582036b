"""Questions through onnxruntime give the PyTorch encoder's vectors; the export is reused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.encoders import resolve_model_dir
from core.exceptions import ModelLoadError
from core.settings import ModelSettings
from retrieval.embeddings import load_encoder
from retrieval.onnx_encoder import OnnxEncoder, onnx_path

QUESTIONS = [
    "Marfan syndrome",
    "Which phenotypes are associated with genes that cause Marfan syndrome type 1?",
    "What are the phenotypic features of the diseases caused by FBN1, and how often?",
]


def test_onnx_questions_match_pytorch_and_the_export_is_reused(tmp_path: Path) -> None:
    encoder = load_encoder(resolve_model_dir(None), ModelSettings(torch_threads=1))
    reference = encoder.encode(QUESTIONS)
    encoder.use_onnx(tmp_path)
    path = onnx_path(tmp_path, encoder.model_dir)
    assert path.is_file() and encoder.onnx is not None
    assert not list(path.parent.glob("*.tmp"))
    got = np.stack([encoder.encode_query(q) for q in QUESTIONS])
    assert np.abs(got - reference).max() < 1e-4
    # a padded batch pools over the real tokens only
    assert np.abs(encoder.onnx.encode(QUESTIONS, 128) - reference).max() < 1e-4
    stamp = path.stat().st_mtime_ns
    encoder.use_onnx(tmp_path)
    assert path.stat().st_mtime_ns == stamp  # exported once per encoder
    # a fresh encoder that finds the export encodes questions without the PyTorch transformer
    # and without the Hugging Face tokenizer (tokenizer.json runs on `tokenizers` directly)
    fresh = load_encoder(resolve_model_dir(None), ModelSettings(torch_threads=1))
    fresh.use_onnx(tmp_path)
    assert np.abs(np.stack([fresh.encode_query(q) for q in QUESTIONS]) - reference).max() < 1e-4
    assert fresh.onnx is not None
    assert np.abs(fresh.onnx.encode(QUESTIONS, 128) - reference).max() < 1e-4  # padded batch
    long = " ".join(QUESTIONS * 20)  # truncated to max_length as the PyTorch path does
    assert np.abs(fresh.onnx.encode([long], 16) - encoder.encode([long], 16)).max() < 1e-4
    assert fresh._model is None and fresh._tokenizer is None


def test_a_damaged_onnx_file_is_a_model_load_error(tmp_path: Path) -> None:
    bad = tmp_path / "encoder.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelLoadError, match=r"encoder\.onnx: cannot load"):
        OnnxEncoder(bad, None, 1)
