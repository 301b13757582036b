"""`evigraph extract biored | biored-train | biored-eval`: BioRED relation extraction."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import print_json, settings, store
from extraction.biored.corpus import read_documents

# The model modules (torch) are imported by the commands that use them, so that every other
# command of the CLI starts without loading torch.


def _checkpoint(path: Path | None) -> Path:
    from extraction.biored import checkpoint

    return path or checkpoint.default_path(settings().models.var_dir)


def extract(
    input_file: Path = typer.Option(
        ...,
        "--input",
        exists=True,
        dir_okay=False,
        help="A PubTator file or a BioC JSON collection.",
    ),
    write: bool = typer.Option(False, "--write", help="Write the relations to the graph."),
    model: Path | None = typer.Option(None, help="Checkpoint (default var/biored/biored.pt)."),
) -> None:
    """Extract typed, directed relations between the annotated entities of each document.

    A malformed document (or one the model fails on) is reported under `skipped` and the
    others are still extracted and written."""
    from extraction.biored.service import BioREDService

    cfg = settings().models
    skipped: list[str] = []
    docs = read_documents(input_file, skipped)
    service = BioREDService(_checkpoint(model), cfg.encoder_dir, cfg.torch_threads)
    relations, failed = service.extract_each(docs)
    for line in skipped + failed:
        typer.secho(f"skipped {line}", fg="yellow", err=True)
    out: dict[str, object] = {
        "documents": len(docs),
        "relations": [r.to_dict() for r in relations],
        "skipped": skipped + failed,
    }
    if write:
        with store() as s:
            res = service.write(s, docs, relations, inputs={"file": str(input_file)})
        out["run"] = {
            "id": res.run_id,
            "statements": res.statements,
            "nodes": res.nodes,
            "new_evidence": res.new_evidence,
        }
    print_json(out)


def train_cmd(
    config: str = typer.Option(
        "cpu",
        help="cpu: frozen encoder, cached features, heads trained to convergence (the "
        "default, about 20-60 min on 2 cores); full: the paper's multi-task model with the "
        "encoder fine-tuned (meant for a GPU).",
    ),
    out: Path | None = typer.Option(None, help="Checkpoint path (default var/biored/biored.pt)."),
    epochs: float | None = typer.Option(
        None, min=0.01, help="cpu: at most this many head epochs (40); full: epochs (1)."
    ),
    max_length: int = typer.Option(256, min=32, max=512),
    frozen_layers: int = typer.Option(4, min=0, help="full: lower encoder layers kept frozen."),
    neg_ratio: float = typer.Option(2.0, min=0.0, help="full: negatives per positive pair."),
    time_budget: float = typer.Option(1800.0, help="full: stop training after this many s."),
    patience: int = typer.Option(8, min=1, help="cpu: epochs without a better dev F1."),
    dev_limit: int | None = typer.Option(None, help="Dev documents for the threshold."),
    train_limit: int | None = typer.Option(None, help="Training documents (default all)."),
) -> None:
    """Train the default checkpoint on BioRED train (threshold tuned on dev)."""
    from extraction.biored.frozen import HeadParams
    from extraction.biored.pipeline import CpuTrainConfig, TrainConfig, train_cpu, train_default
    from extraction.biored.train import TrainParams

    s = settings()
    path = _checkpoint(out)
    if config == "cpu":
        params = HeadParams(epochs=int(epochs or 40), patience=patience)
        cpu = CpuTrainConfig(
            max_length=max_length, params=params, dev_limit=dev_limit, train_limit=train_limit
        )
        meta = train_cpu(
            s.ingest.data_dir,
            path,
            s.models.encoder_dir,
            cpu,
            s.models.var_dir,
            s.models.torch_threads,
        )
    elif config == "full":
        full = TrainConfig(
            max_length,
            frozen_layers,
            8,
            TrainParams(
                epochs=epochs or 1.0, lr=1e-4, neg_ratio=neg_ratio, time_budget_s=time_budget
            ),
            dev_limit,
            train_limit,
        )
        meta = train_default(
            s.ingest.data_dir, path, s.models.encoder_dir, full, s.models.torch_threads
        )
    else:
        raise typer.BadParameter(f"--config must be cpu or full, not {config!r}")
    print_json(meta)


def eval_cmd(
    model: Path | None = typer.Option(None, help="Checkpoint (default var/biored/biored.pt)."),
    split: list[str] = typer.Option(["test", "bc8_test"], help="test, bc8_test, biored_dev."),
    output: Path | None = typer.Option(None, help="Also write the JSON here."),
    limit: int | None = typer.Option(None, min=1, help="Only the first N documents per split."),
) -> None:
    """Score the checkpoint with the BioRED metrics, beside the paper and the BC8 best."""
    from extraction.biored.pipeline import evaluate_checkpoint, write_json

    s = settings()
    result = evaluate_checkpoint(
        s.ingest.data_dir,
        _checkpoint(model),
        s.models.encoder_dir,
        split,
        s.models.torch_threads,
        limit,
        s.models.var_dir,
    )
    if output is not None:
        write_json(result, output)
    print_json(result)


def register(app: typer.Typer) -> None:
    app.command("biored")(extract)
    app.command("biored-train")(train_cmd)
    app.command("biored-eval")(eval_cmd)
