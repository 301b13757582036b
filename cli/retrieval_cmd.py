"""`evigraph qa ...`, `evigraph caff ...` and `evigraph evidence`: the retrieval commands."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cli.common import print_json, settings, store
from core.encoders import resolve_model_dir
from core.exceptions import ModelLoadError
from core.settings import PROJECT_ROOT
from graph.repository import GraphStore
from interop.rdf import FORMATS, serialize_evidence
from retrieval import bfs
from retrieval.caff.config import CaffConfig, load_config
from retrieval.relations import Relation

if TYPE_CHECKING:  # torch, faiss and the models load in the commands that need them
    from retrieval.caff.data import QAData
    from retrieval.embeddings import EmbeddingIndex, FrozenEncoder

logger = logging.getLogger(__name__)
qa_app = typer.Typer(help="The multi-hop QA benchmark sampled from the graph.")
caff_app = typer.Typer(help="Train and evaluate the CAFF hop filter.")


def register(app: typer.Typer) -> None:
    app.add_typer(qa_app, name="qa")
    app.add_typer(caff_app, name="caff")
    app.command("evidence")(evidence)
    app.command("embeddings")(embeddings_build)


@dataclass
class Context:
    encoder: FrozenEncoder
    index: EmbeddingIndex
    data: QAData


def _qa_folder(s: GraphStore, relations: list[Relation], n: int, seed: int) -> Path:
    from retrieval.caff import qa

    cfg = settings()
    r = cfg.retrieval
    bcfg = bfs.BfsConfig(3, r.k_per_relation, r.max_frontier)
    return qa.build(
        s, relations, bcfg, qa.QAConfig(n_questions=n, seed=seed), cfg.models.var_dir / "qa"
    )


def _context(s: GraphStore, n: int, seed: int, with_entities: bool) -> Context:
    from retrieval.caff.data import load_qa
    from retrieval.embeddings import build_or_load, load_encoder
    from retrieval.service import load_relations

    cfg = settings()
    relations = load_relations(s, cfg)
    folder = _qa_folder(s, relations, n, seed)
    encoder = load_encoder(resolve_model_dir(cfg.models.encoder_dir), cfg.models)
    index = build_or_load(s, encoder, relations, cfg.models.var_dir, with_entities)
    return Context(encoder, index, load_qa(folder))


def _schedule(
    cfg: CaffConfig, epochs: int | None, patience: int | None, select_on: str | None
) -> CaffConfig:
    """The config with the schedule options given on the command line."""
    if epochs is not None:
        cfg = replace(cfg, epochs=epochs)
    if patience is not None:
        cfg = replace(cfg, patience=patience)
    if select_on is not None:
        cfg = CaffConfig.from_dict({**cfg.to_dict(), "select_on": select_on})
    return cfg


_EPOCHS = typer.Option(None, min=1, help="Override the config's epochs.")
_PATIENCE = typer.Option(None, min=1, help="Override the config's early-stopping patience.")
_SELECT_ON = typer.Option(None, help="Override the config's select_on: global | per_hop.")


@qa_app.command("build")
def qa_build(
    n: int = typer.Option(1500, min=10, help="Number of questions."),
    seed: int = typer.Option(13, help="Sampling seed (the set is deterministic for it)."),
) -> None:
    """Sample questions over real 1-3 hop paths, label BFS candidates, write var/qa/<fp>/."""
    from retrieval.service import load_relations

    with store() as s:
        folder = _qa_folder(s, load_relations(s, settings()), n, seed)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    print_json({"folder": str(folder), "fingerprint": meta["fingerprint"], **meta["stats"]})


@caff_app.command("train")
def caff_train(
    config: str = typer.Option("caff", help="Config name (retrieval/caff/configs) or YAML path."),
    seed: int = typer.Option(42, help="Training seed."),
    out: Path | None = typer.Option(None, help="Checkpoint path (default: var/caff/default.pt)."),
    n: int = typer.Option(1500, min=10, help="QA questions (built when missing)."),
    if_missing: bool = typer.Option(
        False,
        "--if-missing",
        help="Do nothing when out exists and was trained with this config (else retrain).",
    ),
    epochs: int | None = _EPOCHS,
    patience: int | None = _PATIENCE,
    select_on: str | None = _SELECT_ON,
) -> None:
    """Train one scorer on the QA set, evaluate it on test, save the checkpoint."""
    from retrieval.caff import pipeline
    from retrieval.caff.train import config_changes
    from retrieval.service import default_checkpoint

    path = out or default_checkpoint(settings())
    cfg = _schedule(load_config(config), epochs, patience, select_on).with_seed(seed)
    if if_missing and path.is_file():
        try:
            changed = config_changes(path, cfg)
        except ModelLoadError as e:
            changed = [f"unreadable: {e}"]
        if not changed:
            typer.echo(f"checkpoint {path} exists; not training")
            return
        typer.echo(f"checkpoint {path} was trained with another config ({', '.join(changed)})")
        typer.echo("retraining it")
    with store() as s:
        ctx = _context(s, n, 13, cfg.entity_aware)
        feats = pipeline.features(ctx.data, ctx.encoder, ctx.index)
        report = pipeline.run_variant(
            cfg, ctx.data, feats, ctx.encoder.encoder_id, PROJECT_ROOT / "results", path
        )
    test = report["test"]
    typer.echo(
        f"{cfg.variant} seed {seed}: test F1 per-hop {test['f1_per_hop']:.4f}, autoregressive "
        f"{test['f1_autoregressive']:.4f}, MAP {test['map']:.4f}, NDCG@10 {test['ndcg10']:.4f} "
        f"({report['train_seconds']:.0f} s); checkpoint {path}"
    )


@caff_app.command("eval")
def caff_eval(
    configs: str = typer.Option(
        "depthbilinear,caff,no_csv,no_dbm,caff_entity,retained_head",
        help="Comma-separated config names.",
    ),
    seeds: str = typer.Option("42,1337,2024", help="Comma-separated training seeds."),
    n: int = typer.Option(1500, min=10, help="QA questions (built when missing)."),
    out: Path = typer.Option(PROJECT_ROOT / "results", help="Folder for the JSON results."),
    epochs: int | None = _EPOCHS,
    patience: int | None = _PATIENCE,
    select_on: str | None = _SELECT_ON,
) -> None:
    """Train and test every config on every seed; mean +/- std and paired bootstrap of
    per-query AP against DepthBilinear; writes results/caff_summary.json and prints a table."""
    from retrieval.caff import pipeline

    reports: list[dict[str, Any]] = []
    cfgs = [
        _schedule(load_config(name.strip()), epochs, patience, select_on)
        for name in configs.split(",")
    ]
    with store() as s:
        ctx = _context(s, n, 13, any(c.entity_aware for c in cfgs))
        feats = pipeline.features(ctx.data, ctx.encoder, ctx.index)
        for base in cfgs:
            for sd in seeds.split(","):
                cfg = base.with_seed(int(sd))
                reports.append(
                    pipeline.run_variant(cfg, ctx.data, feats, ctx.encoder.encoder_id, out, None)
                )
    summary = pipeline.summarize(reports)
    summary_doc = {"qa": ctx.data.meta, "encoder": ctx.encoder.encoder_id, "variants": summary}
    (out / "caff_summary.json").write_text(json.dumps(summary_doc, indent=1), encoding="utf-8")
    typer.echo(pipeline.markdown_table(summary))


def evidence(
    question: str = typer.Argument("", help="The question, in words (optional with phenotypes)."),
    seed: list[str] | None = typer.Option(None, "--seed", help="Seed CURIE (repeatable)."),
    phenotype: list[str] | None = typer.Option(
        None, "--phenotype", help="An observed phenotype, HPO id or name (repeatable)."
    ),
    excluded: list[str] | None = typer.Option(
        None, "--excluded", help="A phenotype the patient does not have (repeatable)."
    ),
    phenopacket: Path | None = typer.Option(None, help="A GA4GH phenopacket v2 JSON file."),
    hops: int = typer.Option(3, help="Hops to expand (1-3)."),
    mode: str = typer.Option("autoregressive", help="autoregressive | per_hop"),
    threshold: float | None = typer.Option(None, help="One threshold for every hop."),
    top_k: int | None = typer.Option(
        None, help="At most this many triples per hop; ranked diseases and genes (default 20)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full JSON answer."),
    rdf: str | None = typer.Option(
        None, "--rdf", help="Print the retained statements as RDF: turtle | json-ld | nt."
    ),
) -> None:
    """Link the question, expand hop by hop, keep the triples the CAFF filter retains; with
    phenotypes (or a phenopacket, or a question naming them) rank diseases and genes."""
    packet = _read_packet(phenopacket) if phenopacket is not None else None
    if not question and not (phenotype or excluded or packet is not None):
        raise typer.BadParameter("give a QUESTION, --phenotype/--excluded or --phenopacket")
    if rdf is not None and rdf not in FORMATS:
        raise typer.BadParameter(f"--rdf {rdf!r}: expected one of {', '.join(FORMATS)}")
    from retrieval.service import EvidenceService

    with store() as s:
        service = EvidenceService.load(s, settings())
        result = service.evidence(
            question,
            seed or None,
            hops,
            mode,
            threshold,
            top_k,
            raw_props=rdf is not None,
            phenotypes=phenotype or None,
            excluded_phenotypes=excluded or None,
            phenopacket=packet,
        )
    if rdf is not None:
        typer.echo(serialize_evidence(result, rdf))
        return
    if as_json:
        print_json(result)
        return
    seeds = ", ".join(f"{x['id']} {x['name']} ({x['match']})" for x in result["seeds"])
    typer.echo(f"seeds: {seeds}")
    for h in result["hops"]:
        typer.echo(f"hop {h['hop']}: {len(h['triples'])} triples")
        for t in h["triples"]:
            src = t["provenance"].get("primary_knowledge_source")
            typer.echo(
                f"  {t['score']:.3f}  {t['subject']['name']} [{t['subject']['id']}] "
                f"-{t['predicate']}{' (NOT)' if t['negated'] else ''}-> "
                f"{t['object']['name']} [{t['object']['id']}]  {src}"
            )
    _echo_ranking(result)
    typer.echo(f"timings (ms): {result['timings_ms']}")


def _read_packet(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise typer.BadParameter(f"--phenopacket {path}: not a readable JSON file: {e}") from e


def _echo_ranking(result: dict[str, Any]) -> None:
    for note in result.get("notes") or []:
        typer.echo(f"note: {note}")
    for key in ("ranking", "gene_ranking"):
        for e in result.get(key) or []:
            same = f" = {', '.join(e['equivalent_ids'])}" if e["equivalent_ids"] else ""
            typer.echo(
                f"{key} {e['rank']:>3}  {e['score']:.4f}  {e['id']}{same}  {e['name']}  "
                f"explains {len(e['explained'])}, excluded but annotated "
                f"{len(e['excluded_hits'])} ({sum(h['frequent'] for h in e['excluded_hits'])} "
                "frequent), "
                f"unexplained {len(e['unexplained'])}"
            )


def embeddings_build() -> None:
    """Embed every entity name and relation with the configured encoder into the FAISS cache
    (var/index/<encoder>/<graph version>/); a no-op when the cache for this graph exists."""
    from retrieval.embeddings import build_or_load, load_encoder
    from retrieval.service import load_relations

    cfg = settings()
    with store() as s:
        encoder = load_encoder(resolve_model_dir(cfg.models.encoder_dir), cfg.models)
        index = build_or_load(s, encoder, load_relations(s, cfg), cfg.models.var_dir)
    typer.echo(
        f"embedding cache {index.folder}: {len(index.ids)} entities, "
        f"{len(index.relation_keys)} relations ({encoder.encoder_id})"
    )


@caff_app.command("summary")
def caff_summary(
    results: Path = typer.Option(PROJECT_ROOT / "results", help="Folder of caff_*.json reports."),
) -> None:
    """Summarise the per-run JSON reports of `caff eval` runs (mean +/- std, bootstrap vs
    DepthBilinear) into results/caff_summary.json and a table."""
    from retrieval.caff import pipeline

    reports = [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted(results.glob("caff_*_seed*.json"))
    ]
    if not reports:
        raise typer.BadParameter(f"no caff_*_seed*.json reports in {results}")
    summary = pipeline.summarize(reports)
    doc = {"qa_fingerprint": reports[0]["qa_fingerprint"], "variants": summary}
    (results / "caff_summary.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    typer.echo(pipeline.markdown_table(summary))
