"""Progress for long work: a rich bar with rows/s on a terminal, periodic log lines otherwise."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)

Advance = Callable[[int], None]


class Progress:
    """`with progress.task("hpoa edges", total) as advance: advance(n)`."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.interactive = sys.stderr.isatty() if enabled is None else enabled

    @contextmanager
    def task(self, description: str, total: int) -> Iterator[Advance]:
        if self.interactive:
            with self._rich(description, total) as advance:
                yield advance
            return
        yield from self._plain(description, total)

    @contextmanager
    def _rich(self, description: str, total: int) -> Iterator[Advance]:
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
            TextColumn("{task.fields[rate]} rows/s"),
            TimeRemainingColumn(),
        )
        with RichProgress(*columns, transient=False) as bar:
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
                logger.info("%s: %d/%d (%.0f rows/s)", description, done, total, rate)

        yield advance
