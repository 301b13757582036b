"""Progress lines carry what `evigraph models status` reads back from a training log."""

from __future__ import annotations

import logging

import pytest

from core.progress import Bars, Progress, duration
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


def test_bars_off_a_terminal_log_the_count_and_rate_in_their_unit(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bars = Bars(enabled=False, unit="names")
    with (
        caplog.at_level(logging.INFO, logger="core.progress"),
        bars.task("embedding entity names", 10) as advance,
    ):
        advance(4)
        advance(6)  # the last one always logs
    lines = [r.getMessage() for r in caplog.records]
    assert lines and lines[-1].startswith("embedding entity names: 10/10 (")
    assert lines[-1].endswith(" names/s)")


def test_bars_on_a_terminal_draw_a_rich_bar(capsys: pytest.CaptureFixture[str]) -> None:
    with Bars(enabled=True, unit="rows").task("hpoa edges", 3) as advance:
        advance(3)
    assert "hpoa edges" in capsys.readouterr().err
