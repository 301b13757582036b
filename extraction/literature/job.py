"""`extract literature` as stages: read (streamed) -> batches -> extract (an engine) ->
shards on disk -> the single writer (Neo4j). Idempotent: a batch whose documents this model
version already read is skipped, a batch's evidence and read markers commit together, and a
run killed at any point and started again over the same inputs goes on with the same
ExtractionRun and ends with the same graph as one clean run."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.exceptions import IngestError
from extraction import writeback as wb
from extraction.literature import loader, shards
from extraction.literature.documents import Deletion, LitDocument
from extraction.literature.engines import Engine, Task
from extraction.literature.extractors import Extractor, Row
from extraction.literature.readers import files_of, read_file, sniff
from graph.repository import GraphStore

logger = logging.getLogger(__name__)
EXTRACTOR = "literature"
PROGRESS_EVERY_S = 30.0


@dataclass
class Summary:
    run_id: str
    files: int = 0
    documents: int = 0  # read from the files
    skipped: int = 0  # already read by the same model versions
    extracted: int = 0  # documents the models read in this run (per model)
    statements: int = 0
    new_evidence: int = 0
    deleted: int = 0  # statements retracted by DeleteCitation
    shards: int = 0
    failed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    resumed: bool = False
    folder: str = ""


def _inputs(files: Sequence[Path], extractors: Sequence[Extractor], batch: int) -> str:
    """The run's identity: files (name, size), models and batch size. A restart with the same
    identity resumes the unfinished run."""
    files_key = [[str(f.resolve()), f.stat().st_size] for f in files]
    models = [f"{e.model.extractor}:{e.model.name}@{e.model.version}" for e in extractors]
    blob = json.dumps({"files": files_key, "models": models, "batch_size": batch})
    return json.dumps(
        {
            "files": [str(f) for f in files],
            "models": models,
            "batch_size": batch,
            "fingerprint": hashlib.sha256(blob.encode()).hexdigest()[:16],
        },
        sort_keys=True,
    )


def open_run(store: GraphStore, extractors: Sequence[Extractor], inputs: str) -> tuple[str, bool]:
    found = store.read("extraction/find_open_run", extractor=EXTRACTOR, inputs=inputs)
    if found:
        return str(found[0]["id"]), True
    run = wb.new_run_id(EXTRACTOR)
    models = [e.model for e in extractors]
    store.write(
        "extraction/create_run",
        id=run,
        extractor=EXTRACTOR,
        model_name=",".join(f"{m.extractor}:{m.name}" for m in models),
        model_version=",".join(m.version for m in models),
        encoder=",".join(sorted({m.encoder for m in models})),
        inputs=inputs,
        params=json.dumps({"models": [m.__dict__ for m in models]}),
    )
    return run, False


class _Progress:
    def __init__(self, summary: Summary, total_bytes: int) -> None:
        self.s, self.total = summary, max(total_bytes, 1)
        self.t0 = self.last = time.monotonic()
        self.done_bytes = 0

    def tick(self, force: bool = False, waiting: int = 0) -> None:
        """A progress line every PROGRESS_EVERY_S; `waiting`: statements in shards on disk
        that the writer has not loaded yet."""
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY_S:
            return
        self.last, el = now, max(now - self.t0, 1e-9)
        frac = self.done_bytes / self.total
        eta = f"{el * (1 - frac) / frac:.0f} s" if frac > 0 else "?"
        logger.info(
            "literature %s: %d documents read (%.1f/s), %d skipped, %d statements written "
            "(%d more in shards for the writer), files %.0f%% done, ETA %s",
            self.s.run_id,
            self.s.documents,
            self.s.documents / el,
            self.s.skipped,
            self.s.statements,
            waiting,
            100 * frac,
            eta,
        )


class LiteratureJob:
    """One `extract literature` run; `window`: batches handed to the engine at a time."""

    def __init__(
        self,
        extractors: Sequence[Extractor],
        engine: Engine,
        store: GraphStore | None,
        out_root: Path,
        batch_size: int = 128,
        window: int = 1,
        group_statements: int = loader.GROUP_STATEMENTS,
    ) -> None:
        self.extractors, self.engine, self.store = list(extractors), engine, store
        self.out_root, self.batch_size, self.window = out_root, batch_size, max(window, 1)
        self.group = group_statements
        self.seq = 0
        self.waiting: list[Path] = []  # shards written, for the writer to load together
        self.waiting_statements = 0

    def run(self, paths: Sequence[Path]) -> Summary:
        files = files_of(paths)
        for f in files:
            sniff(f)  # a file of no literature format is refused before anything is written
        inputs = _inputs(files, self.extractors, self.batch_size)
        run, resumed = (
            open_run(self.store, self.extractors, inputs)
            if self.store is not None
            else (wb.new_run_id(EXTRACTOR), False)
        )
        self.folder = self.out_root / run
        self.s = Summary(run, files=len(files), resumed=resumed, folder=str(self.folder))
        self.progress = _Progress(self.s, sum(f.stat().st_size for f in files))
        self.waiting = shards.pending(self.folder)  # left by a writer that was stopped
        self._load()
        self.seq = shards.next_seq(self.folder) - 1
        buf: list[Task] = []
        for item in self._stream(files):
            if isinstance(item, Task):
                buf.append(item)
                if len(buf) >= self.window:
                    self._extract(buf)
                    buf = []
                continue
            self._extract(buf)
            buf = []
            self._write([{"delete": item}])
        self._extract(buf)
        self._load()
        self.s.seconds = round(time.monotonic() - self.progress.t0, 3)
        self._finish()
        self.progress.tick(force=True)
        return self.s

    def _stream(self, files: Sequence[Path]) -> Iterator[Task | list[str]]:
        for path in files:
            batch: list[LitDocument] = []
            try:
                for item in read_file(path, self.s.problems):
                    if isinstance(item, Deletion):
                        if (task := self._task(batch)) is not None:
                            yield task
                        batch = []
                        yield [item.id]
                        continue
                    self.s.documents += 1
                    batch.append(item)
                    if len(batch) >= self.batch_size:
                        if (task := self._task(batch)) is not None:
                            yield task
                        batch = []
            except IngestError as e:  # the documents before the bad point are still extracted
                logger.error("%s", e)
                self.s.problems.append(str(e))
            if (task := self._task(batch)) is not None:
                yield task
            self.progress.done_bytes += path.stat().st_size

    def _task(self, docs: list[LitDocument]) -> Task | None:
        """The batch as a task, or None when every model already read all its documents."""
        if not docs:
            return None
        keys = [
            wb.document_key(ex.model, d.id) for ex in self.extractors for d in docs if ex.applies(d)
        ]
        done = loader.done_keys(self.store, keys) if self.store is not None else frozenset()
        if all(k in done for k in keys):
            self.s.skipped += len(docs)
            return None
        self.seq += 1
        return Task(self.seq, tuple(docs), done)

    def _extract(self, tasks: list[Task]) -> None:
        if not tasks:
            return
        for task, rows in self.engine(tasks):
            self.seq = max(self.seq, task.seq)
            self._write(rows, task.seq)

    def _write(self, rows: list[Row], seq: int | None = None) -> None:
        if seq is None:
            self.seq += 1
            seq = self.seq
        path = shards.write_shard(self.folder, seq, rows)
        self.s.shards += 1
        if self.store is not None:
            self.waiting.append(path)
            self.waiting_statements += loader.statements_in(rows)
            if self.waiting_statements >= self.group:
                self._load()
        else:
            self.s.extracted += sum(1 for r in rows if "key" in r and not r.get("error"))
            self.s.statements += loader.statements_in(rows)
            self.s.failed += [str(r["error"]) for r in rows if r.get("error")]
        self.progress.tick(waiting=self.waiting_statements)

    def _load(self) -> None:
        """The writer: the shards waiting, in order, in transactions of up to `group`
        statements. Until it runs they are on disk, so a run stopped meanwhile loses
        nothing: the next run loads them first."""
        if self.store is None:
            return
        for counts in loader.load_shards(self.store, self.s.run_id, self.waiting, self.group):
            self._count(counts)
        self.waiting, self.waiting_statements = [], 0

    def _count(self, c: loader.LoadCounts) -> None:
        self.s.extracted += c.documents
        self.s.statements += c.statements
        self.s.new_evidence += c.new_evidence
        self.s.deleted += c.deleted
        self.s.failed += c.failed

    def _finish(self) -> None:
        if self.store is None:
            return
        counts = {
            "documents": self.s.documents,
            "skipped": self.s.skipped,
            "extracted": self.s.extracted,
            "statements": self.s.statements,
            "new_evidence": self.s.new_evidence,
            "deleted": self.s.deleted,
            "failed": len(self.s.failed),
            "problems": len(self.s.problems),
        }
        self.store.write(
            "extraction/finish_run",
            id=self.s.run_id,
            status="completed",
            counts=json.dumps(counts),
            error="; ".join(self.s.problems[:5]) or None,
        )
