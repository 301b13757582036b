"""`evigraph extract maude / maude-train / maude-cv`: MAUDE device-report severity."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.common import print_json, settings, store
from core.exceptions import ExtractionError

if TYPE_CHECKING:
    import numpy as np

    from extraction.maude.cv import CVInput
    from extraction.maude.death_rule import RuleSpec
    from extraction.maude.transformer import TransformerConfig

logger = logging.getLogger(__name__)

DEFAULT_RESULTS = Path("results")
MODELS = ("tfidf-lr", "transformer-frozen", "transformer")


def register(app: typer.Typer) -> None:
    app.command("maude")(extract_maude)
    app.command("maude-train")(train)
    app.command("maude-cv")(cross_validate)


def _default_data() -> Path:
    return settings().ingest.data_dir / "maude" / "mesh_p_data.csv"


def _threads() -> None:
    import torch

    torch.set_num_threads(settings().models.torch_threads)


def _cv_input(path: Path) -> CVInput:
    from extraction.maude.cv import CVInput, file_sha256
    from extraction.maude.readers import read_reports

    res = read_reports([path])
    labelled = res.labelled()
    unlabelled = len(res.reports) - len(labelled)
    return CVInput(labelled, str(path), file_sha256(path), res.rows, unlabelled)


def _config(epochs: int, max_length: int, model: str) -> TransformerConfig:
    from extraction.maude.transformer import TransformerConfig

    if model not in MODELS:
        raise ExtractionError(f"unknown model {model!r}; use one of {', '.join(MODELS)}")
    return TransformerConfig(epochs=epochs, max_length=max_length, train_encoder=model == MODELS[2])


DEATH_RECALL_HELP = (
    "Death recall the P(Death) threshold keeps on an inner CV of the training reports "
    "(default: settings maude.death_recall_target, 0.9); 0: plain argmax."
)


def _rule_spec(target: float | None, inner_folds: int | None) -> RuleSpec | None:
    from extraction.maude.death_rule import RuleSpec

    cfg = settings().maude
    target = cfg.death_recall_target if target is None else target
    if target <= 0:
        return None
    return RuleSpec(target, inner_folds or cfg.inner_folds)


def _feature_cache(cfg: TransformerConfig) -> tuple[Path, dict[str, np.ndarray]]:
    from core.encoders import resolve_model_dir
    from extraction.maude.encoder_cache import feature_cache_path, load_feature_cache

    enc = resolve_model_dir(settings().models.encoder_dir)
    path = feature_cache_path(settings().models.var_dir, cfg, enc.encoder_id)
    return path, load_feature_cache(path)


def extract_maude(
    inputs: list[Path] = typer.Option(
        ...,
        "--input",
        "-i",
        help="A joined .csv, an openFDA .json, or the mdrfoi + foitext (+ foidev) .txt files.",
    ),
    write: bool = typer.Option(
        False, "--write", help="Write reports, devices and phenotype mentions to the graph."
    ),
    checkpoint: Path | None = typer.Option(
        None, help="Checkpoint folder (default var/maude/severity)."
    ),
    link: bool = typer.Option(True, help="Link phenotype mentions to HPO terms when writing."),
) -> None:
    """Predict the severity of each report: JSON lines, or one ExtractionRun with --write."""
    from extraction.maude.readers import read_reports
    from extraction.maude.service import MaudeService

    _threads()
    res = read_reports(inputs)  # logs each skipped row as "skipped FILE:LINE: reason"
    reports = [r for r in res.reports if r.text]
    if len(reports) < len(res.reports):
        typer.echo(
            f"{len(res.reports) - len(reports)} reports have no event narrative; not classified",
            err=True,
        )
    if not reports:
        raise ExtractionError(f"no report with a narrative in {', '.join(map(str, inputs))}")
    svc = MaudeService.load(checkpoint)
    preds = svc.predict(reports)
    if not write:
        for p in preds:
            typer.echo(json.dumps(p, sort_keys=True))
        return
    with store() as s:
        result = svc.write(
            s,
            reports,
            preds,
            link_phenotypes=link,
            inputs={str(p): str(p.resolve()) for p in inputs},
        )
    print_json(
        {
            "run": result.run_id,
            "reports": len(reports),
            "nodes": result.nodes,
            "statements": result.statements,
            "new_evidence": result.new_evidence,
            "skipped_rows": len(res.issues),
        }
    )


def train(
    data: Path | None = typer.Option(
        None, "--input", help="Labelled joined CSV (default: the shared MAUDE extract)."
    ),
    model: str = typer.Option(
        "auto",
        help="auto (the CV's selection, else transformer-frozen), " + ", ".join(MODELS) + ".",
    ),
    epochs: int = typer.Option(2, min=1, help="Fine-tuning epochs (model transformer)."),
    max_length: int = typer.Option(256, min=16),
    if_missing: bool = typer.Option(False, help="Do nothing when a checkpoint exists."),
    results: Path = typer.Option(DEFAULT_RESULTS, help="Where the CV results are."),
    death_recall: float | None = typer.Option(None, min=0.0, max=1.0, help=DEATH_RECALL_HELP),
    inner_folds: int | None = typer.Option(None, min=2, help="Inner CV splits for the rule."),
) -> None:
    """Train the default checkpoint into var/maude/severity on every labelled report, with the
    Death threshold chosen by an inner CV on those reports."""
    from extraction.maude.encoder_cache import save_feature_cache
    from extraction.maude.report import load_results, select
    from extraction.maude.service import default_checkpoint_dir
    from extraction.maude.train import cv_temperature, train_checkpoint

    out = default_checkpoint_dir()
    if if_missing and (out / "meta.json").is_file():
        typer.echo(f"checkpoint present in {out}; not retraining")
        return
    if model == "auto":
        best = select(load_results(results)) if results.is_dir() else None
        model = str(best["model"]) if best else MODELS[1]
    _threads()
    cfg = _config(epochs, max_length, model)
    cache_file, cache = _feature_cache(cfg)
    temp = cv_temperature(results / f"maude_cv_{model}.json")
    rule = _rule_spec(death_recall, inner_folds)
    data_in = _cv_input(data or _default_data())
    meta = train_checkpoint(data_in, model, out, cfg, temp, cache, rule)
    if model == MODELS[1]:
        save_feature_cache(cache_file, cache)
    print_json(meta)


def cross_validate(
    data: Path | None = typer.Option(None, "--input", help="Labelled joined CSV."),
    model: str = typer.Option("tfidf-lr", help=", ".join(MODELS) + "."),
    epochs: int = typer.Option(2, min=1, help="Fine-tuning epochs (model transformer)."),
    max_length: int = typer.Option(256, min=16),
    folds: str = typer.Option("", help="Only these folds, e.g. 1,2 (default: all five)."),
    results: Path = typer.Option(DEFAULT_RESULTS, help="Folder for maude_cv_<model>.json."),
    report_only: bool = typer.Option(False, help="Only print the table of saved results."),
    per_fold: bool = typer.Option(False, help="Also print per-fold tables."),
    death_recall: float | None = typer.Option(None, min=0.0, max=1.0, help=DEATH_RECALL_HELP),
    inner_folds: int | None = typer.Option(None, min=2, help="Inner CV splits for the rule."),
) -> None:
    """5-fold stratified CV: per-class F1, macro/weighted F1, Death recall, calibration; with
    the argmax and with the Death rule (threshold chosen inside each training fold)."""
    from extraction.maude.baseline import TfidfLR
    from extraction.maude.cv import SeverityModel, run_cv, save_results
    from extraction.maude.encoder_cache import save_feature_cache
    from extraction.maude.report import load_results, markdown, per_fold_markdown
    from extraction.maude.transformer import TransformerClassifier

    if not report_only:
        _threads()
        cfg = _config(epochs, max_length, model)
        cache_file, cache = _feature_cache(cfg)

        def new_model() -> SeverityModel:
            if model == "tfidf-lr":
                return TfidfLR()
            return TransformerClassifier(cfg, feature_cache=cache)

        only = [int(x) for x in folds.split(",") if x.strip()]
        out = run_cv(
            _cv_input(data or _default_data()),
            new_model,
            only_folds=only or None,
            rule=_rule_spec(death_recall, inner_folds),
        )
        if model == MODELS[1]:
            save_feature_cache(cache_file, cache)
        typer.echo(f"wrote {save_results(out, results)}")
    saved = load_results(results)
    typer.echo(markdown(saved))
    if per_fold:
        for r in saved:
            typer.echo("\n" + per_fold_markdown(r))
