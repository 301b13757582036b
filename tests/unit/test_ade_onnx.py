"""The ONNX export of a (tiny) pair classifier scores like the PyTorch model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from core.encoders import resolve_model_dir
from core.exceptions import ModelLoadError
from extraction.ade.checkpoint import new_bundle, score_items
from extraction.ade.data import load_corpus, sentence_pairs
from extraction.ade.onnx_infer import JOINT, VIEWS, OnnxScorer, export_onnx, graph_file
from extraction.ade.pair_tokens import pair_items
from tests.ade_tiny import make_tiny_encoder

DATA = Path(__file__).parents[1] / "data" / "ade"
torch.set_num_threads(1)


@pytest.mark.parametrize(
    ("arch", "context"), [("shared", 0), ("dual", 0), ("single", 0), ("single", 20)]
)
def test_onnx_matches_torch(tmp_path: Path, arch: str, context: int) -> None:
    md = resolve_model_dir(make_tiny_encoder(tmp_path))
    bundle = new_bundle(md, arch, "attention", 64, fusion_dim=16, context_chars=context)
    items = pair_items([p for s in load_corpus(DATA).sentences for p in sentence_pairs(s)])
    folder = export_onnx(bundle, tmp_path / "onnx", int8=True)
    reference = score_items(bundle, items, batch_size=8)
    onnx_scores = OnnxScorer(bundle, folder, threads=1).score(items, batch_size=8)
    assert onnx_scores == pytest.approx(reference, abs=1e-4)
    int8 = OnnxScorer(bundle, folder, threads=1, int8=True).score(items, batch_size=8)
    assert int8 == pytest.approx(reference, abs=0.05)  # int8 weights: close, not equal
    assert not np.array_equal(int8, onnx_scores)  # the quantised graphs really ran
    graph = graph_file(folder, JOINT if arch == "single" else VIEWS[True])
    ops = {n.op_type for n in onnx.load(str(graph)).graph.node}
    assert {"Attention", "SkipLayerNormalization"} <= ops  # ONNX Runtime's fusions applied


def test_a_missing_graph_is_a_model_load_error(tmp_path: Path) -> None:
    md = resolve_model_dir(make_tiny_encoder(tmp_path))
    bundle = new_bundle(md, "shared", "attention", 64, fusion_dim=16)
    with pytest.raises(ModelLoadError, match=r"drug_view\.onnx: no ONNX graph"):
        OnnxScorer(bundle, tmp_path / "nothing")
