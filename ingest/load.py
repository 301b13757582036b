"""An ingest of some sources, planned end to end: under the ingest lock, the sources whose
inputs are unchanged since their last completed run are recorded as such and skipped; the rest
go through the bulk first load when the local database is empty and suitable (ingest/bulk.py),
otherwise through the transactional diff (ingest/job.py), every file of every source parsed
(and so validated) before the first write. The CLI and any other caller run it the same way."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from core.progress import Bars
from core.settings import Settings
from graph import schema
from graph.repository import GraphStore
from graph.vocabulary import Source
from ingest import bulk, runs
from ingest.job import RunResult, run_source
from ingest.lock import ingest_lock, lock_path
from ingest.sources import NEEDS_GENE_MAP, Input, parse_source

logger = logging.getLogger(__name__)

Notify = Callable[[str], None]


def load_sources(
    cfg: Settings,
    sources: list[Source],
    inputs: list[Input],
    gene_map: Path | None,
    *,
    batch_size: int | None = None,
    force: bool = False,
    progress: Bars | None = None,
    notify: Notify = logger.info,
) -> list[RunResult]:
    """Load `sources` from `inputs`; one RunResult per source loaded (none for unchanged)."""
    results = []
    # connect first: an unreachable server is reported before parsing
    with ingest_lock(lock_path(cfg)), GraphStore.connect(cfg.neo4j) as s:
        todo = [src for src in sources if force or not unchanged(s, src, inputs, gene_map, notify)]
        why_not = bulk.unsuitable(s, cfg) if todo else "nothing to load"
        if why_not is None:
            notify("empty local database: loading it with neo4j-admin import")
            # parses (validates) every file before the database is touched
            return bulk.load_empty(cfg, todo, inputs, gene_map)
        logger.info("transactional ingest: %s", why_not)
        parsed = {src: parse_source(src, inputs, gene_map) for src in todo}
        schema.apply_schema(s)  # constraints must exist before MERGE
        for src in todo:
            size = batch_size or cfg.ingest.batch_size
            results.append(run_source(s, src, parsed[src], size, progress or Bars()))
    return results


def changed_inputs(s: GraphStore, sources: list[Source], inputs: list[Input]) -> list[Source]:
    """The sources whose input files changed since their last completed run (a newer export
    of the HPO supplement, new data files): `ingest all --if-empty` loads them again. The
    files compared are the source's own inputs, those its runs record."""
    return [
        src
        for src in sources
        if runs.files_changed(s, src, [runs.file_info(i.path) for i in inputs if i.source is src])
    ]


def unchanged(
    s: GraphStore, src: Source, inputs: list[Input], gene_map: Path | None, notify: Notify
) -> bool:
    """Same input files and ingest code as the source's last completed run: nothing to do
    (recorded as an 'unchanged' run)."""
    paths = [i.path for i in inputs if i.source is src]
    if src in NEEDS_GENE_MAP and gene_map and not any(i.kind == "mim2gene" for i in inputs):
        paths.append(gene_map)
    files = [runs.file_info(p) for p in paths]
    fp = runs.fingerprint(files)
    if not runs.is_unchanged(s, src, fp):
        return False
    run_id = runs.record_unchanged(s, src, files, fp)
    notify(
        f"{src.value}: inputs unchanged since its last completed run; nothing written "
        f"(run {run_id}; --force re-checks every statement against the graph)"
    )
    return True
