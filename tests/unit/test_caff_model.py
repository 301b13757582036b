from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from core.exceptions import ConfigError, ModelLoadError
from retrieval.caff.config import CaffConfig, load_config
from retrieval.caff.model import Batch, HopScorer

D, R, C = 16, 5, 7


def _batch(z_scale: float = 1.0, n: int = 9, entity: bool = False, member: bool = False) -> Batch:
    g = torch.Generator().manual_seed(0)
    b = Batch(
        q=torch.randn(2, D, generator=g),
        qi=torch.tensor([0, 0, 0, 0, 1, 1, 1, 1, 1])[:n],
        hop=torch.tensor([0, 1, 2, 1, 0, 1, 2, 2, 1])[:n],
        rel=torch.tensor([0, 1, 2, 3, 4, 0, 1, 2, 3])[:n],
        z=torch.randn(2, 3, D, generator=g) * z_scale,
    )
    if entity:
        b.head, b.tail = torch.randn(n, D, generator=g), torch.randn(n, D, generator=g)
        b.tail_cat = torch.randint(0, C, (n,), generator=g)
        b.typed, b.ent_ctx = torch.rand(2, 3, C, generator=g), torch.randn(2, 3, D, generator=g)
    if member:
        b.member = torch.tensor([1.0, 0, 1, 1, 1, 0, 1, 0, 1])[:n]
    return b


def _built(cfg: CaffConfig) -> HopScorer:
    torch.manual_seed(0)
    return HopScorer(cfg, D, torch.randn(R, D), C)


def _model(**kw: object) -> HopScorer:
    return _built(CaffConfig(**kw))  # type: ignore[arg-type]


def _randomised(cfg: CaffConfig) -> HopScorer:
    """Every parameter drawn at random: no zero-initialised term (C, cat_q, cat_ctx, A with
    the lora init) may hide a path from a comparison."""
    model = _built(cfg)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.3)
    return model


@pytest.mark.parametrize(
    "variant",
    ["caff", "depthbilinear", "no_csv", "no_dbm", "caff_entity", "caff_lora", "retained_head"],
)
def test_every_config_scores_one_logit_per_triple(variant: str) -> None:
    cfg = load_config(variant)
    out = _built(cfg)(_batch(entity=cfg.entity_aware, member=cfg.head_retained))
    assert out.shape == (9,) and torch.isfinite(out).all()


@pytest.mark.parametrize("dbm_init", ["lora", "small"])
def test_dbm_reduces_to_the_base_scorer_when_z_is_zero(dbm_init: str) -> None:
    caff, base = _model(dbm_init=dbm_init), _model(use_csv=False, use_dbm=False)
    with torch.no_grad():  # as after training: every DBM factor non-zero
        caff.A.copy_(torch.randn_like(caff.A))
    base.load_state_dict({k: v for k, v in caff.state_dict().items() if k in base.state_dict()})
    zero = _batch(z_scale=0.0)
    assert torch.allclose(caff(zero), base(zero))
    assert not torch.allclose(caff(_batch()), base(_batch()))  # z != 0 changes the scores


def _unit(x: torch.Tensor) -> torch.Tensor:
    out: torch.Tensor = x / x.norm(dim=-1, keepdim=True)
    return out


def _dbm_gradients(dbm_init: str) -> tuple[HopScorer, dict[str, float]]:
    """Gradient norms at init on unit-norm question and relation vectors and |z| = 0.6, as
    with sentence embeddings and a mean of a few relation vectors."""
    d = 64
    torch.manual_seed(0)
    model = HopScorer(CaffConfig(dbm_init=dbm_init), d, _unit(torch.randn(R, d)), C)
    g = torch.Generator().manual_seed(0)
    b = _batch()
    b.q, b.z = _unit(torch.randn(2, d, generator=g)), 0.6 * _unit(torch.randn(2, 3, d, generator=g))
    y = torch.tensor([1.0, 0, 1, 0, 1, 1, 0, 0, 1])
    torch.nn.functional.binary_cross_entropy_with_logits(model(b), y).backward()  # type: ignore[no-untyped-call]
    grads = {n: float(p.grad.norm()) for n, p in model.named_parameters() if p.grad is not None}
    return model, grads


def test_lora_init_starts_at_the_base_scorer_for_every_z_and_still_learns() -> None:
    caff, base = _model(dbm_init="lora"), _model(use_csv=False, use_dbm=False)
    base.load_state_dict({k: v for k, v in caff.state_dict().items() if k in base.state_dict()})
    assert load_config("caff_lora").dbm_init == "lora"
    assert torch.allclose(caff(_batch()), base(_batch()))  # Delta = 0 at init, z != 0 too
    _, grads = _dbm_gradients("lora")
    dbm = max(grads[k] for k in ("P", "Qr", "U", "A", "B"))
    assert grads["A"] > 0 and dbm > 0.25 * grads["W"]


def test_small_init_gives_the_dbm_path_vanishing_gradients() -> None:
    """The default init: with every factor random and P, Q of std D**-0.5 the DBM gradients
    start an order of magnitude below the base scorer's (Adam still moves P and Q at lr)."""
    assert CaffConfig().dbm_init == "small"
    _, grads = _dbm_gradients("small")
    assert max(grads[k] for k in ("P", "Qr", "U", "A", "B")) < 0.1 * grads["W"]


def test_same_question_relation_hop_and_context_tie_without_entities() -> None:
    b = _batch()
    b.qi, b.hop, b.rel = (
        torch.zeros(9, dtype=torch.long),
        torch.ones(9, dtype=torch.long),
        torch.zeros(9, dtype=torch.long),
    )
    out = _model()(b)
    assert torch.allclose(out, out[0].expand(9))


def test_entity_aware_breaks_the_tie() -> None:
    b = _batch(entity=True)
    b.qi, b.hop, b.rel = (
        torch.zeros(9, dtype=torch.long),
        torch.ones(9, dtype=torch.long),
        torch.zeros(9, dtype=torch.long),
    )
    model = _model(entity_aware=True)
    assert len(set(np.round(model(b).detach().numpy(), 6))) > 1


@pytest.mark.parametrize(
    "variant", ["caff", "depthbilinear", "no_dbm", "caff_entity", "retained_head"]
)
def test_one_hop_batches_score_as_the_general_path(variant: str) -> None:
    cfg = load_config(variant)
    model = _randomised(cfg)
    for hop in range(3):
        b = _batch(entity=cfg.entity_aware, member=cfg.head_retained)
        b.hop = torch.full((9,), hop, dtype=torch.long)
        general = model(b)
        b.one_hop = hop
        assert torch.allclose(model(b), general, atol=1e-5)
        b.one_hop = (hop + 1) % 3  # the fast path really uses the hop it is given
        assert not torch.allclose(model(b), general, atol=1e-5)


@pytest.mark.parametrize(
    "variant",
    ["caff", "depthbilinear", "no_csv", "no_dbm", "caff_entity", "caff_lora", "retained_head"],
)
def test_hop_terms_score_as_forward(variant: str) -> None:
    cfg = load_config(variant)
    model = _randomised(cfg)
    frozen = model.for_inference()
    b = _batch(entity=cfg.entity_aware, member=cfg.head_retained)
    b.qi = torch.zeros(9, dtype=torch.long)  # every triple belongs to question 0
    q = b.q[0].numpy()
    for hop in range(3):
        b.hop = torch.full((9,), hop, dtype=torch.long)
        expected = model(b).detach().numpy()
        kw = {"z": b.z[0, hop].numpy()}
        if cfg.entity_aware:
            assert b.typed is not None and b.ent_ctx is not None
            kw |= {"typed": b.typed[0, hop].numpy(), "ent_ctx": b.ent_ctx[0, hop].numpy()}
        terms = frozen.hop_terms(q, hop, **kw)
        args: list[np.ndarray | None] = [b.rel.numpy()]
        if cfg.entity_aware:
            assert b.head is not None and b.tail is not None and b.tail_cat is not None
            tails, _ = frozen.entity_projections(b.tail.numpy())
            _, heads = frozen.entity_projections(b.head.numpy())
            args += [heads[hop], tails[hop], b.tail_cat.numpy()]
        if cfg.head_retained:
            assert b.member is not None
            args += [None] * (4 - len(args)) + [b.member.numpy()]
        rel, *rest = args
        assert rel is not None
        np.testing.assert_allclose(terms.logits(rel, *rest), expected, rtol=1e-5, atol=1e-5)
        # and the terms are really those of this hop
        other = frozen.hop_terms(q, (hop + 1) % 3, **kw)
        assert not np.allclose(other.logits(rel, *rest), expected, atol=1e-4)


def test_hop_terms_at_the_first_hop_match_a_zero_context() -> None:
    model = _randomised(CaffConfig(entity_aware=True))
    q, frozen = np.random.default_rng(0).normal(size=D), model.for_inference()
    a = frozen.hop_terms(q, 0)
    b = frozen.hop_terms(q, 0, z=np.zeros(D), typed=np.zeros(C), ent_ctx=np.zeros(D))
    np.testing.assert_allclose(a.by_relation, b.by_relation)
    assert a.head_query is not None and b.head_query is not None
    np.testing.assert_allclose(a.head_query, b.head_query)
    with pytest.raises(ValueError, match="head, tail and tail_cat"):
        a.logits(np.zeros(3, dtype=np.int64))


def test_head_retained_starts_at_zero_and_then_separates_retained_heads() -> None:
    """The retained-head term is zero at init (the scorer starts as CAFF) and, once trained,
    scores a triple differently when its head was retained at the previous hop, which the
    relation-only CSV cannot do; hop_terms needs `member` for such a scorer."""
    plain, with_member = _model(), _model(head_retained=True)
    b = _batch(member=True)
    assert torch.allclose(with_member(b), plain(b))  # same draws, the new term starts at 0
    model = _randomised(CaffConfig(head_retained=True))
    b.qi, b.hop, b.rel = (
        torch.zeros(9, dtype=torch.long),
        torch.ones(9, dtype=torch.long),
        torch.zeros(9, dtype=torch.long),
    )
    out = model(b).detach().numpy()
    assert b.member is not None
    kept, dropped = out[b.member.numpy() == 1], out[b.member.numpy() == 0]
    assert np.allclose(kept, kept[0]) and np.allclose(dropped, dropped[0])
    assert abs(kept[0] - dropped[0]) > 1e-3
    terms = model.for_inference().hop_terms(b.q[0].numpy(), 1, z=b.z[0, 1].numpy())
    with pytest.raises(ValueError, match="needs member"):
        terms.logits(np.zeros(3, dtype=np.int64))


def test_construction_is_deterministic_for_a_seed() -> None:
    a, b = _model(), _model()
    assert all(
        torch.equal(x, y)
        for x, y in zip(a.state_dict().values(), b.state_dict().values(), strict=True)
    )


def test_unknown_config_key_and_variant_are_errors(tmp_path: object) -> None:
    with pytest.raises(ConfigError, match="unknown CAFF config keys: colour"):
        CaffConfig.from_dict({"colour": 1})
    with pytest.raises(ConfigError, match="variant must be one of"):
        CaffConfig.from_dict({"variant": "magic"})
    with pytest.raises(ConfigError, match="dbm_init must be one of lora, small, got 'big'"):
        CaffConfig.from_dict({"dbm_init": "big"})
    with pytest.raises(ConfigError, match="select_on must be one of global, per_hop"):
        CaffConfig.from_dict({"select_on": "test"})
    with pytest.raises(ConfigError, match="no CAFF config 'nope'"):
        load_config("nope")


def test_config_changes_name_what_a_checkpoint_was_trained_without(tmp_path: Path) -> None:
    from retrieval.caff.train import config_changes, save_checkpoint

    cfg = load_config("caff_entity")
    path = tmp_path / "caff.pt"
    save_checkpoint(path, _built(cfg), {})
    assert config_changes(path, cfg) == []
    old = CaffConfig(variant="caff_entity", entity_aware=True)  # before head_retained
    save_checkpoint(path, _built(old), {})
    assert config_changes(path, cfg) == ["epochs", "head_retained", "patience"]
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ModelLoadError, match="not a readable CAFF checkpoint"):
        config_changes(tmp_path / "bad.pt", cfg)
