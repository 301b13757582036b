"""A training run follows its recipe (epochs); a time budget that stops it early says so in a
warning and in the report."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import pytest
import torch

from extraction.ade.encoder_head import train_steps

LOG = logging.getLogger("test.budget")


def _run(max_seconds: float, report: dict[str, Any]) -> list[float]:
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    items = [torch.randn(3) for _ in range(8)]

    def batch_loss(batch: Sequence[torch.Tensor]) -> torch.Tensor:
        return model(torch.stack(list(batch))).pow(2).mean()

    return train_steps(
        model, items, batch_loss, epochs=2, batch_size=2, lr=0.01, seed=1,
        max_seconds=max_seconds, name="toy", log=LOG, report=report,
    )  # fmt: skip


def test_the_recipe_runs_whole_within_its_budget(caplog: pytest.LogCaptureFixture) -> None:
    report: dict[str, Any] = {}
    with caplog.at_level(logging.INFO, logger="test.budget"):
        losses = _run(600, report)
    assert len(losses) == 8
    assert report["planned_steps"] == 8 and report["stopped_by_budget"] is False
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_budget_cut_is_warned_and_reported(caplog: pytest.LogCaptureFixture) -> None:
    report: dict[str, Any] = {}
    with caplog.at_level(logging.INFO, logger="test.budget"):
        losses = _run(0, report)
    assert len(losses) < 8
    assert report["stopped_by_budget"] is True and report["steps"] == len(losses)
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "time budget" in warning and f"{8 - len(losses)} steps" in warning
