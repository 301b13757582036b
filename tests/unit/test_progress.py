"""Progress lines carry what `evigraph models status` reads back from a training log."""

from __future__ import annotations

import logging

import pytest

from core.progress import Progress, duration
from extraction.readiness import _progress


def test_duration() -> None:
    assert [duration(s) for s in (5, 65, 3725)] == ["5s", "1m05s", "1h02m"]


def test_a_line_names_step_epoch_loss_rate_and_eta(
    caplog: pytest.LogCaptureFixture, tmp_path: object
) -> None:
    log = logging.getLogger("test.progress")
    p = Progress("tagger", 200, log, steps_per_epoch=100, every_s=0)
    with caplog.at_level(logging.INFO, logger="test.progress"):
        p.update(50, 0.25)
    (line,) = [r.getMessage() for r in caplog.records]
    assert line.startswith("progress tagger: step 50/200 (25%), epoch 0.50/2, loss 0.2500, ")
    assert "steps/s" in line and "ETA " in line


def test_quiet_between_intervals(caplog: pytest.LogCaptureFixture) -> None:
    p = Progress("x", 10, logging.getLogger("test.progress"), every_s=3600)
    with caplog.at_level(logging.INFO, logger="test.progress"):
        for i in range(10):
            p.update(i)
    assert caplog.records == []


def test_status_reads_the_line_back(tmp_path: object) -> None:
    from pathlib import Path

    log = Path(str(tmp_path)) / "ade.log"
    line = Progress("tagger", 200, logging.getLogger("t"), steps_per_epoch=100).line(50, 0.25, 25)
    log.write_text(f"--- header progress step 9/9\nINFO {line}\nsome later line\n")
    got = _progress(log, {"started": 0})
    assert (got["step"], got["epoch"], got["loss"], got["eta"]) == (
        "50/200",
        "0.50/2",
        "0.2500",
        "1m15s",
    )
    assert got["last_line"] == "some later line"
