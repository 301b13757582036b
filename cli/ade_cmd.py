"""`evigraph extract ade` and `evigraph extract ade-train` (registered in cli/extract_cmd.py)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer

from cli.common import print_json, settings, store


def register(app: typer.Typer) -> None:
    app.command("ade")(ade)
    app.command("ade-train")(ade_train)


def ade(
    input: Path = typer.Option(..., "--input", help="A .txt document or a .jsonl of {id, text}."),
    write: bool = typer.Option(False, "--write", help="Write the relations to the graph."),
    gate: bool | None = typer.Option(
        None,
        "--gate/--no-gate",
        help="Drop the relations of sentences the sentence gate judges to report no adverse "
        "event (default: the setting ade.sentence_gate).",
    ),
) -> None:
    """Extract Drug -> adverse event relations from FILE; print them as JSON, --write to store.

    A bad line or document is reported (`skipped`, a document's `error`) and the others are
    still extracted and written."""
    from extraction.ade.service import AdeService
    from extraction.ade.text import read_documents

    docs, skipped = read_documents(input)
    service = AdeService.from_settings(settings())
    results = service.extract(docs, gate)
    problems = skipped + [r.error for r in results if r.error]
    for line in problems:
        typer.secho(f"skipped {line}", fg="yellow", err=True)
    out: dict[str, object] = {
        "documents": [asdict(r) for r in results],
        "model": asdict(service.model_info),
        "skipped": problems,
    }
    if write:
        with store() as s:
            res = service.write(s, results, inputs={"file": str(input)})
        out["run"] = asdict(res)
    print_json(out)


def ade_train(
    tagger_seconds: float = typer.Option(
        0.0, min=0.0, help="Also train the neural span tagger for this long (0: dictionary only)."
    ),
    if_missing: bool = typer.Option(False, "--if-missing", help="Do nothing if a model exists."),
    config: str = typer.Option(
        "finetune",
        help="The CRAG model's recipe (--pair crag|both): finetune: the whole encoder is "
        "trained (about 40 min on 2 idle cores); frozen: the encoder stays frozen and only "
        "the heads train on cached states.",
    ),
    max_minutes: float = typer.Option(
        0.0, min=0.0, help="Training budget of each pair classifier (0: its config's)."
    ),
    pair: str = typer.Option(
        "marker",
        help="The pair classifier(s) to train: marker (the single-encoder marker model, into "
        "single/; 8-21 min on 2 idle cores), crag (the CRAG dual-view model of --config, "
        "into pair/) or both. The service serves the one with the higher dev F1.",
    ),
    tagger_epochs: float = typer.Option(6.0, min=0.1, help="Epochs of the neural tagger."),
    tagger_only: bool = typer.Option(
        False, "--tagger-only", help="Keep the saved pair classifier; retrain the tagger(s)."
    ),
    tagger_pretrain_epochs: float = typer.Option(
        1.0,
        min=0.0,
        help="First train the neural tagger this many epochs on BC5CDR chemical and disease "
        "mentions (EVIGRAPH_ADE__PRETRAIN_CORPUS_DIR); 0: none.",
    ),
    gate_seconds: float = typer.Option(
        0.0,
        min=0.0,
        help="Also train the sentence gate (one epoch at most, for this long; about 8 min on "
        "2 idle cores) into gate/, its threshold set on dev with the served models; 0: none.",
    ),
) -> None:
    """Train the default ADE pair classifier and tagger into <var>/ade and print the report."""
    from core.exceptions import ConfigError
    from extraction.ade.plan import AdeTrainOptions, train

    opts = AdeTrainOptions(
        tagger_seconds,
        if_missing,
        config,
        max_minutes,
        pair,
        tagger_epochs,
        tagger_only,
        tagger_pretrain_epochs,
        gate_seconds,
    )
    try:
        report = train(settings(), opts, typer.echo)
    except ConfigError as e:  # an option that cannot work: a usage error, before training
        raise typer.BadParameter(str(e)) from e
    if report is not None:
        print_json(report)
