"""The ONNX export of a (tiny) pair classifier scores like the PyTorch model."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from core.models import resolve_model_dir
from extraction.ade.checkpoint import new_bundle, score_items
from extraction.ade.data import load_corpus, sentence_pairs
from extraction.ade.features import pair_items
from extraction.ade.onnx_infer import OnnxScorer, export_onnx
from tests.ade_tiny import make_tiny_encoder

DATA = Path(__file__).parents[1] / "data" / "ade"
torch.set_num_threads(1)


def test_onnx_matches_torch(tmp_path: Path) -> None:
    md = resolve_model_dir(make_tiny_encoder(tmp_path))
    bundle = new_bundle(md, "shared", "attention", 64, fusion_dim=16)
    items = pair_items([p for s in load_corpus(DATA).sentences for p in sentence_pairs(s)])
    path = export_onnx(bundle, tmp_path / "pair.onnx")
    onnx_scores = OnnxScorer(bundle, path, threads=1).score(items, batch_size=8)
    assert onnx_scores == pytest.approx(score_items(bundle, items, batch_size=8), abs=1e-4)
