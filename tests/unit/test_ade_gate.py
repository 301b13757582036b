"""The sentence gate: a tiny one learns the corpus' sentence labels, survives save and load
with its threshold, and refuses a checkpoint of another encoder; end_to_end drops the
relations of the sentences it rejects."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from core.encoders import resolve_model_dir
from core.exceptions import ModelLoadError
from extraction.ade.data import load_corpus
from extraction.ade.gate import load_gate, new_gate, save_gate, set_threshold, train_gate
from tests.ade_tiny import make_tiny_encoder

ADE = Path(__file__).resolve().parents[1] / "data" / "ade"


def test_a_tiny_gate_learns_the_sentence_labels_and_survives_save_and_load(
    tmp_path: Path,
) -> None:
    sents = load_corpus(ADE).sentences
    labels = np.array([int(not s.negative) for s in sents])
    assert 0 < labels.sum() < len(labels)  # both kinds in the fixture
    model_dir = make_tiny_encoder(tmp_path)
    gate = new_gate(resolve_model_dir(model_dir), max_length=64)
    torch.manual_seed(0)
    losses = train_gate(gate, sents, epochs=15, batch_size=4, lr=3e-3, max_seconds=120)
    assert len(losses) == int(len(sents) / 4 * 15)
    assert np.mean(losses[-3:]) < 0.5 * np.mean(losses[:3])
    scores = gate.scores([s.text for s in sents])
    assert scores.shape == (len(sents),) and ((scores >= 0) & (scores <= 1)).all()
    assert scores[labels == 1].mean() > scores[labels == 0].mean()  # it learnt which is which
    set_threshold(gate, np.float64(0.35))  # as a threshold grid in numpy gives it
    save_gate(gate, tmp_path / "gate", {"note": "test"})
    back = load_gate(tmp_path / "gate", model_dir)
    assert back.model.cfg.threshold == 0.35
    assert np.allclose(back.scores([s.text for s in sents]), scores, atol=1e-6)


def test_loading_a_gate_names_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match=r"no gate\.pt"):
        load_gate(tmp_path)
    (tmp_path / "enc").mkdir()
    model_dir = make_tiny_encoder(tmp_path / "enc")
    gate = new_gate(resolve_model_dir(model_dir), max_length=32)
    save_gate(gate, tmp_path / "gate", {})
    with pytest.raises(ModelLoadError, match="gate trained on"):
        load_gate(tmp_path / "gate")  # the packaged encoder, not the tiny one
