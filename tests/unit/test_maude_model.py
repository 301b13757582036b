"""The transformer severity classifier: a tiny run's loss falls, a checkpoint rebuilds the
same model, and the service predicts from a saved checkpoint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from extraction.maude.cv import CVInput
from extraction.maude.readers import read_reports
from extraction.maude.records import LABELS
from extraction.maude.service import MaudeService
from extraction.maude.train import train_checkpoint
from extraction.maude.transformer import TransformerClassifier, TransformerConfig, class_weights

CSV = Path(__file__).resolve().parents[1] / "data" / "maude" / "mesh_p_data_sample.csv"


def _data() -> CVInput:
    reports = read_reports([CSV]).labelled()
    return CVInput(reports, str(CSV), "x", 0, 0)


def test_class_weights_are_inverse_frequency() -> None:
    w = class_weights(np.array([1, 1, 1, 0]), 4)
    assert w.tolist() == pytest.approx([1.0, 1 / 3, 0.0, 0.0])


def test_a_tiny_model_learns_and_round_trips(tmp_path: Path) -> None:
    torch.set_num_threads(1)
    reports = _data().reports
    texts = [r.text for r in reports]
    y = np.array([LABELS.index(str(r.label)) for r in reports])
    cfg = TransformerConfig(max_length=48, batch_size=len(texts), epochs=12, lr=3e-4, warmup=0.0)
    clf = TransformerClassifier(cfg)
    losses = clf.fit(texts, y)
    assert len(losses) == 12
    assert np.mean(losses[-3:]) < 0.5 * np.mean(losses[:3])
    clf.save(tmp_path / "m.pt")
    again = TransformerClassifier.load(tmp_path / "m.pt")
    np.testing.assert_allclose(again.logits(texts), clf.logits(texts), atol=1e-5)


def test_service_predicts_from_a_saved_checkpoint(tmp_path: Path) -> None:
    meta = train_checkpoint(_data(), "tfidf-lr", tmp_path / "ckpt")
    svc = MaudeService.load(tmp_path / "ckpt")
    assert svc.info.version == meta["version"]
    reports = read_reports([CSV]).reports
    preds = svc.predict(reports)
    assert [p["mdr_report_key"] for p in preds] == [r.mdr_report_key for r in reports]
    for p in preds:
        scores = p["scores"]
        assert isinstance(scores, dict) and abs(sum(scores.values()) - 1.0) < 1e-4
        assert p["severity_predicted"] == max(scores, key=scores.__getitem__)


def test_frozen_encoder_head_learns_caches_features_and_round_trips(tmp_path: Path) -> None:
    from extraction.maude.encoder_cache import load_feature_cache, save_feature_cache

    reports = _data().reports
    texts = [r.text for r in reports]
    y = np.array([LABELS.index(str(r.label)) for r in reports])
    cache: dict[str, np.ndarray] = {}
    cfg = TransformerConfig(max_length=48, train_encoder=False, head_epochs=30, dropout=0.0)
    clf = TransformerClassifier(cfg, feature_cache=cache)
    losses = clf.fit(texts, y)
    assert np.mean(losses[-3:]) < 0.5 * np.mean(losses[:3])
    assert set(cache) == set(texts) and cache[texts[0]].shape == (2 * 384,)
    save_feature_cache(tmp_path / "f.npz", cache)
    loaded = load_feature_cache(tmp_path / "f.npz")
    np.testing.assert_array_equal(loaded[texts[0]], cache[texts[0]])
    clf.save(tmp_path / "m.pt")
    state = torch.load(tmp_path / "m.pt", weights_only=True)
    assert not any(k.startswith("encoder.") for k in state["state_dict"])  # rebuilt from disk
    again = TransformerClassifier.load(tmp_path / "m.pt")
    assert again.kind == "transformer-frozen"
    np.testing.assert_allclose(again.logits(texts), clf.logits(texts), atol=1e-4)
