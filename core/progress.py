"""Progress of long loops as log lines: step, share done, epoch, loss, rate, elapsed and ETA,
at most every `every_s` seconds (30 when stderr is not a terminal, 10 on one), so no step of
a training run is silent for minutes. extraction/readiness.py reads these lines back from
the training job's logs for `evigraph models status`. `Bars`: a rich bar on a terminal (rows,
names, steps per second and ETA) for the long steps of `make run` (ingest, embeddings)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)


def duration(seconds: float) -> str:
    """1h02m, 3m05s, 42s."""
    s = max(0, round(seconds))
    if s >= 3600:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s}s"


class Progress:
    """`update(done, loss)` after each step; logs when `every_s` passed since the last line."""

    def __init__(
        self,
        name: str,
        total: int,
        log: logging.Logger,
        *,
        steps_per_epoch: float = 0.0,
        every_s: float | None = None,
    ) -> None:
        self.name, self.total, self.log = name, total, log
        self.steps_per_epoch = steps_per_epoch
        self.every_s = every_s if every_s is not None else (10.0 if sys.stderr.isatty() else 30.0)
        self.start = self.last = time.monotonic()

    def update(self, done: int, loss: float | None = None) -> None:
        now = time.monotonic()
        if now - self.last >= self.every_s:
            self.last = now
            self.log.info("%s", self.line(done, loss, now - self.start))

    def line(self, done: int, loss: float | None, elapsed: float) -> str:
        rate = done / elapsed if elapsed > 0 else 0.0
        parts = [f"step {done}/{self.total} ({100 * done / max(1, self.total):.0f}%)"]
        if self.steps_per_epoch:
            epochs = self.total / self.steps_per_epoch
            parts.append(f"epoch {done / self.steps_per_epoch:.2f}/{epochs:g}")
        if loss is not None:
            parts.append(f"loss {loss:.4f}")
        parts.append(f"{rate:.2f} steps/s")
        parts.append(f"elapsed {duration(elapsed)}")
        if rate > 0:
            parts.append(f"ETA {duration((self.total - done) / rate)}")
        return f"progress {self.name}: " + ", ".join(parts)


Advance = Callable[[int], None]


class Bars:
    """`with bars.task("hpoa edges", total) as advance: advance(n)`: a rich bar with the rate
    and ETA on a terminal, a log line at most every 5 s otherwise."""

    def __init__(self, enabled: bool | None = None, unit: str = "rows") -> None:
        self.interactive = sys.stderr.isatty() if enabled is None else enabled
        self.unit = unit

    @contextmanager
    def task(self, description: str, total: int) -> Iterator[Advance]:
        if self.interactive:
            with self._rich(description, total) as advance:
                yield advance
            return
        yield from self._plain(description, total)

    @contextmanager
    def _rich(self, description: str, total: int) -> Iterator[Advance]:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]} " + self.unit + "/s"),
            TimeRemainingColumn(),
        )
        with RichProgress(*columns, transient=False, console=Console(stderr=True)) as bar:
            tid = bar.add_task(description, total=total, rate="-")
            start = time.monotonic()
            done = 0

            def advance(n: int) -> None:
                nonlocal done
                done += n
                rate = done / max(time.monotonic() - start, 1e-6)
                bar.update(tid, advance=n, rate=f"{rate:,.0f}")

            yield advance

    def _plain(self, description: str, total: int) -> Iterator[Advance]:
        start = last = time.monotonic()
        done = 0

        def advance(n: int) -> None:
            nonlocal done, last
            done += n
            now = time.monotonic()
            if now - last >= 5 or done >= total:
                last = now
                rate = done / max(now - start, 1e-6)
                logger.info("%s: %d/%d (%.0f %s/s)", description, done, total, rate, self.unit)

        yield advance
