"""A tiny random encoder (2 layers, hidden 32) with the real tokenizer: both training phases
run on real corpus pairs, the focal loss falls, and a checkpoint rebuilds the same model."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from core.encoders import inference_precision, resolve_model_dir
from extraction.ade.cached import StateCache, train_cached
from extraction.ade.checkpoint import (
    forward_batch,
    load_bundle,
    new_bundle,
    save_bundle,
    score_items,
)
from extraction.ade.data import load_corpus, sentence_pairs
from extraction.ade.losses import focal_loss
from extraction.ade.model import DualEncoder
from extraction.ade.pair_tokens import joint_batches, pair_items
from extraction.ade.train import TrainConfig, param_groups, phase1, phase2
from tests.ade_tiny import make_tiny_encoder

DATA = Path(__file__).parents[1] / "data" / "ade"
torch.set_num_threads(1)  # the tiny model gains nothing from threads on a shared machine


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_encoder(tmp_path_factory.mktemp("tiny-bert"))


def _pairs() -> list:  # type: ignore[type-arg]
    return [p for s in load_corpus(DATA).sentences for p in sentence_pairs(s)]


@pytest.mark.parametrize("arch", ["dual", "shared", "single"])
def test_tiny_model_loss_falls(tiny_dir: Path, arch: str) -> None:
    torch.manual_seed(0)
    bundle = new_bundle(resolve_model_dir(tiny_dir), arch, "attention", 64, fusion_dim=16)
    pairs = _pairs()
    assert {p.label for p in pairs} == {0, 1}
    cfg = TrainConfig(
        arch=arch,
        batch_size=8,
        grad_accum=1,
        phase1_steps=3,
        phase2_epochs=12,
        lr=2e-3,
        head_lr=2e-3,
        warmup=0.0,
        neg_per_pos=10,
        max_minutes=5,
    )
    p1 = phase1(bundle, pairs, cfg, deadline=float("inf"))
    assert (len(p1) == 3) == (arch != "single")
    losses = phase2(bundle, pairs, cfg, deadline=float("inf"))
    assert len(losses) >= 20
    assert sum(losses[-4:]) / 4 < 0.7 * sum(losses[:4]) / 4


def test_layerwise_decay_gives_lower_layers_smaller_rates(tiny_dir: Path) -> None:
    bundle = new_bundle(resolve_model_dir(tiny_dir), "dual", "mean", 64, fusion_dim=16)
    cfg = TrainConfig(lr=1e-4, head_lr=1e-3, layer_decay=0.9)
    rates = sorted({round(float(g["lr"]), 10) for g in param_groups(bundle.model, cfg)})  # type: ignore[arg-type]
    # embeddings 0.9^3, layer 0 0.9^2, layer 1 0.9, pooler 1.0 (x 1e-4), head 1e-3
    assert rates == pytest.approx([1e-4 * 0.9**3, 1e-4 * 0.81, 1e-4 * 0.9, 1e-4, 1e-3])


def test_checkpoint_round_trip_scores_the_same(tiny_dir: Path, tmp_path: Path) -> None:
    bundle = new_bundle(resolve_model_dir(tiny_dir), "dual", "attention", 64, fusion_dim=16)
    bundle.threshold = 0.42
    items = pair_items(_pairs()[:6])
    before = score_items(bundle, items)
    version = save_bundle(bundle, tmp_path / "pair")
    loaded = load_bundle(tmp_path / "pair", tiny_dir)
    assert loaded.version == version and loaded.threshold == 0.42
    assert score_items(loaded, items) == pytest.approx(before, abs=1e-5)


def test_cached_head_training_matches_the_full_model(tiny_dir: Path) -> None:
    torch.manual_seed(0)
    bundle = new_bundle(resolve_model_dir(tiny_dir), "shared", "attention", 64, fusion_dim=16)
    pairs = _pairs()
    cache = StateCache(bundle)
    cache.add(pairs)
    cfg = TrainConfig(
        batch_size=8,
        grad_accum=1,
        phase1_steps=4,
        phase2_epochs=12,
        head_lr=3e-3,
        warmup=0.0,
        freeze_encoder=True,
    )
    before = {k: v.clone() for k, v in cache.encoders()[0].state_dict().items()}
    labels = torch.tensor([p.label for p in pairs])

    def data_loss() -> float:
        probs = torch.tensor(cache.score(pairs)).clamp(1e-6, 1 - 1e-6)
        return float(focal_loss(torch.logit(probs), labels, cfg.focal_gamma, cfg.focal_alpha))

    start = data_loss()
    p1, p2 = train_cached(cache, pairs, cfg)
    assert len(p1) == 4 and len(p2) >= 30
    assert data_loss() < 0.7 * start
    after = cache.encoders()[0].state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # the encoder stayed frozen
    # Scores from cached states equal the full forward pass of the same checkpoint.
    full = score_items(bundle, pair_items(pairs))
    assert cache.score(pairs) == pytest.approx(full, abs=1e-3)


@pytest.mark.parametrize("arch", ["shared", "dual", "single"])
def test_top_layer_training_on_cached_states(tiny_dir: Path, arch: str) -> None:
    """train_layers=1: the lower layer and the embeddings stay fixed, the top layer and the
    heads learn, an epoch hook runs per epoch, and cached scores equal the full model's."""
    torch.manual_seed(0)
    bundle = new_bundle(resolve_model_dir(tiny_dir), arch, "attention", 64, fusion_dim=16)
    pairs = _pairs()
    cache = StateCache(bundle, train_layers=1)
    cache.add(pairs)
    assert cache.score(pairs) == pytest.approx(score_items(bundle, pair_items(pairs)), abs=1e-4)
    cfg = TrainConfig(
        arch=arch,
        batch_size=8,
        grad_accum=1,
        phase1_steps=2,
        phase2_epochs=10,
        lr=3e-3,
        head_lr=3e-3,
        warmup=0.0,
        freeze_encoder=True,
        train_layers=1,
    )
    encoder = cache.encoders()[0]
    before = {k: v.clone() for k, v in encoder.state_dict().items()}
    labels = torch.tensor([p.label for p in pairs])

    def data_loss() -> float:
        probs = torch.tensor(cache.score(pairs)).clamp(1e-6, 1 - 1e-6)
        return float(focal_loss(torch.logit(probs), labels, cfg.focal_gamma, cfg.focal_alpha))

    hooks: list[tuple[int, bool]] = []
    start = data_loss()
    train_cached(cache, pairs, cfg, lambda e, _l, stopped: hooks.append((e, stopped)))
    assert hooks == [(e, False) for e in range(1, 11)]
    assert data_loss() < 0.7 * start
    after = encoder.state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed and all(k.startswith("encoder.layer.1.") for k in changed)
    cached = cache.score(pairs)
    assert cached == pytest.approx(score_items(bundle, pair_items(pairs)), abs=1e-4)


def test_deadline_stops_training_and_still_calls_the_hook(tiny_dir: Path) -> None:
    bundle = new_bundle(resolve_model_dir(tiny_dir), "shared", "mean", 64, fusion_dim=16)
    pairs = _pairs()
    cache = StateCache(bundle)
    cache.add(pairs)
    hooks: list[tuple[int, bool]] = []
    cfg = TrainConfig(batch_size=8, phase1_steps=0, phase2_epochs=5, freeze_encoder=True)
    _p1, p2 = train_cached(cache, pairs, cfg, lambda e, _l, s: hooks.append((e, s)), deadline=0)
    assert p2 == [] and hooks == [(1, True)]


def test_dual_scoring_encodes_each_view_once_and_equals_pairwise(
    tiny_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    torch.manual_seed(1)
    bundle = new_bundle(resolve_model_dir(tiny_dir), "dual", "attention", 64, fusion_dim=16)
    items = pair_items(_pairs())
    calls: list[int] = []
    model = bundle.model
    assert isinstance(model, DualEncoder)
    original = model.view

    def counting(ids: torch.Tensor, mask: torch.Tensor, adr: bool) -> torch.Tensor:
        calls.append(len(ids))
        return original(ids, mask, adr)

    monkeypatch.setattr(model, "view", counting)
    scores = score_items(bundle, items, batch_size=4)
    distinct = len({(t, d) for t, d, _ in items}) + len({(t, a) for t, _, a in items})
    assert sum(calls) == distinct < 2 * len(items)
    monkeypatch.undo()
    with torch.inference_mode():
        pairwise = torch.sigmoid(forward_batch(bundle, items)).numpy()
    assert scores == pytest.approx(pairwise, abs=1e-5)


@pytest.mark.parametrize("context", [0, 20])
def test_marker_scoring_batches_by_token_count_and_equals_one_batch(
    tiny_dir: Path, context: int
) -> None:
    torch.manual_seed(2)
    bundle = new_bundle(
        resolve_model_dir(tiny_dir), "single", "attention", 64, 16, context_chars=context
    )
    items = pair_items(_pairs())
    batches = list(joint_batches(bundle.tokenizer, items, 64, context, 3))
    assert sorted(i for idx, _ in batches for i in idx) == list(range(len(items)))
    lengths = [int(n) for _, b in batches for n in b["mask"].sum(1)]
    assert lengths == sorted(lengths)  # shortest first: each batch pads as little as it can
    for _, b in batches:
        assert b["mask"].sum(1).max() == b["ids"].size(1)  # padded to its longest item only
        assert (b["ids"][b["mask"] == 0] == bundle.tokenizer.pad_token_id).all()
    bundle.model.eval()  # no dropout, as in score_items
    with torch.inference_mode():
        one = torch.sigmoid(forward_batch(bundle, items)).numpy()
    assert score_items(bundle, items, batch_size=3) == pytest.approx(one, abs=1e-5)


@pytest.mark.parametrize("arch", ["single", "shared"])
def test_heads_stay_fp32_under_bf16_autocast(tiny_dir: Path, arch: str) -> None:
    """The encoder may run in bf16; the logits must not be rounded to bf16's coarse grid."""
    torch.manual_seed(3)
    bundle = new_bundle(resolve_model_dir(tiny_dir), arch, "attention", 64, fusion_dim=16)
    bundle.model.eval()
    items = pair_items(_pairs())
    with torch.inference_mode(), inference_precision(True):
        logits = forward_batch(bundle, items)
    assert logits.dtype == torch.float32
    with torch.inference_mode():
        fp32 = forward_batch(bundle, items)
    assert logits.numpy() == pytest.approx(fp32.numpy(), abs=0.05)  # close to fp32
