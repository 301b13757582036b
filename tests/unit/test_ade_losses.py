"""Focal loss and InfoNCE against values computed by hand."""

from __future__ import annotations

import math

import pytest
import torch

from extraction.ade.losses import focal_loss, info_nce


def test_focal_loss_matches_hand_computation() -> None:
    logits = torch.tensor([0.0, 2.0, -1.0])
    labels = torch.tensor([1, 0, 0])
    gamma, alpha = 2.0, 0.75
    expected = []
    for z, y in zip([0.0, 2.0, -1.0], [1, 0, 0], strict=True):
        p = 1 / (1 + math.exp(-z))
        pt = p if y else 1 - p
        at = alpha if y else 1 - alpha
        expected.append(-at * (1 - pt) ** gamma * math.log(pt))
    # logit 0, label 1: -0.75 * 0.25 * log(0.5) = 0.129965...
    assert expected[0] == pytest.approx(0.75 * 0.25 * math.log(2))
    got = focal_loss(logits, labels, gamma, alpha)
    assert float(got) == pytest.approx(sum(expected) / 3, rel=1e-6)


def test_focal_with_gamma_zero_and_half_alpha_is_half_bce() -> None:
    logits, labels = torch.tensor([0.3, -1.2]), torch.tensor([1, 0])
    bce = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels.float())
    assert float(focal_loss(logits, labels, 0.0, 0.5)) == pytest.approx(0.5 * float(bce), rel=1e-6)


def test_info_nce_matches_hand_computation() -> None:
    d = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    a = torch.tensor([[1.0, 0.0], [0.6, 0.8]])
    hard = torch.tensor([[0.0, -1.0]])
    tau = 0.5
    # row 0: sims 1, 0.6 and hard 0 -> -log(e^2 / (e^2 + e^1.2 + e^0))
    r0 = -math.log(math.exp(2) / (math.exp(2) + math.exp(1.2) + 1))
    # row 1: sims 0, 0.8 and hard -1 -> -log(e^1.6 / (e^0 + e^1.6 + e^-2))
    r1 = -math.log(math.exp(1.6) / (1 + math.exp(1.6) + math.exp(-2)))
    got = info_nce(d, a, tau, hard_adr=hard)
    assert float(got) == pytest.approx((r0 + r1) / 2, rel=1e-6)


def test_info_nce_mask_drops_a_same_sentence_positive() -> None:
    d = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    a = torch.tensor([[1.0, 0.0], [0.6, 0.8]])
    mask = torch.tensor([[True, True], [True, True]])
    # every off-diagonal column masked: each row's only candidate is its positive
    assert float(info_nce(d, a, 0.5, mask=mask)) == pytest.approx(0.0, abs=1e-6)


def test_attention_pooling_equals_multihead_attention() -> None:
    from extraction.ade.model import AttentionPooling

    torch.manual_seed(0)
    pool = AttentionPooling(32, 4)
    x = torch.randn(3, 7, 32)
    mask = torch.ones(3, 7, dtype=torch.long)
    mask[1, 4:] = 0
    query = pool.query.expand(3, -1, -1)
    ref, _ = pool.attention(query, x, x, key_padding_mask=mask == 0)
    assert torch.allclose(pool(x, mask), ref.squeeze(1), atol=1e-6)
