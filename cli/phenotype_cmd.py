"""`evigraph phenotype train`: the phenotype re-ranker, trained on real published cases."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import typer

from cli.common import print_json, settings, store

logger = logging.getLogger(__name__)
phenotype_app = typer.Typer(help="Phenotype-driven ranking of diseases and genes.")


_STORE = Path("phenopackets") / "phenopacket-store-dev.tar.gz"


def register(app: typer.Typer) -> None:
    app.add_typer(phenotype_app, name="phenotype")


@phenotype_app.command("train")
def train(
    packets: Path | None = typer.Option(
        None, help="phenopacket-store .tar.gz (default: <data_dir>/phenopackets/...-dev.tar.gz)."
    ),
    out: Path | None = typer.Option(
        None, help="Model path (default: var/phenotype/reranker.json)."
    ),
    per_disease: int = typer.Option(8, min=1, help="At most this many cases per diagnosis."),
    seed: int = typer.Option(13, help="Seed of the disease-disjoint folds."),
    if_missing: bool = typer.Option(
        False, "--if-missing", help="Do nothing when out holds a model for the current features."
    ),
    lr: bool = typer.Option(
        False, "--lr", help="Add the likelihood-ratio score to the features (not better in CV)."
    ),
) -> None:
    """Train the listwise re-ranker on phenopackets; its L2 strength is chosen by
    disease-disjoint 5-fold CV on the same (dev) cases. With --lr, the likelihood-ratio
    score is among its features (its constants chosen from a small grid on the same cases)."""
    from retrieval.phenotype.kb import build_kb, load_rows
    from retrieval.phenotype.lr import build_index
    from retrieval.phenotype.lrtune import choose, grid_ranks
    from retrieval.phenotype.phenopacket import iter_tar
    from retrieval.phenotype.ranker import model_path
    from retrieval.phenotype.train import gold_entry, train_served, training_cases, with_copies

    cfg = settings()
    path = out or model_path(cfg)
    if if_missing and _current(path):
        typer.echo(f"{path} exists; nothing to do")
        return
    t0 = time.perf_counter()
    with store() as s:
        kb = build_kb(load_rows(s))
    cases = training_cases(
        list(iter_tar(packets or cfg.ingest.data_dir / _STORE)), kb.member, per_disease
    )
    logger.info("training on %d cases", len(cases))
    if lr:
        idx = build_index(kb)
        params = choose(grid_ranks(kb, idx, cases, [gold_entry(kb, c) for c in cases]))
        model = train_served(with_copies(kb, cases, lr=(idx, params)), seed=seed, lr=params)
    else:
        model = train_served(with_copies(kb, cases), seed=seed)
    model.save(path)
    print_json(
        {
            "model": str(path),
            "l2": model.l2,
            "lr": model.lr,
            **model.trained_on,
            "weights": dict(zip(model.features, model.weights, strict=True)),
            "observed_only_l2": (model.observed_only or {}).get("l2"),
            "seconds": round(time.perf_counter() - t0, 1),
        }
    )


def _current(path: Path) -> bool:
    """Whether `path` holds a re-ranker the ranker can serve (one trained for other features,
    by an older evigraph, is trained again)."""
    from core.exceptions import ModelLoadError
    from retrieval.phenotype.rerank import Reranker

    if not path.is_file():
        return False
    try:
        Reranker.load(path)
    except ModelLoadError as e:
        typer.echo(f"{e}: training it again")
        return False
    return True
