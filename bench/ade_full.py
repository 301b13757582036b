"""The full-size ADE configuration (CRAG card: phase 1 five epochs, phase 2 eight epochs,
batch 16 x 4 accumulation, lr 2e-5, dual encoders, attention pooling, max_length 128) and the
baselines, for a machine with a GPU; the CPU default lives in `evigraph extract ade-train`.

    python bench/ade_full.py --corpus DIR --encoder DIR --out results.json [--device cuda]

Prints and writes one JSON report: pair classifier, single-encoder marker baseline,
TF-IDF + LR, tagger NER and strict end-to-end relation F1 on the PMID-disjoint test split."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import torch

from core.encoders import resolve_model_dir
from extraction.ade.baselines import tfidf_lr
from extraction.ade.checkpoint import load_bundle
from extraction.ade.data import load_corpus, make_splits
from extraction.ade.e2e import end_to_end
from extraction.ade.fit import fit_pair_classifier
from extraction.ade.tagger import new_tagger, train_tagger
from extraction.ade.train import TrainConfig, subsample

FULL = TrainConfig(
    arch="dual",
    pooling="attention",
    max_length=128,
    batch_size=16,
    grad_accum=4,
    phase1_steps=1700,
    phase1_lr=2e-5,
    phase2_epochs=8,
    lr=5e-5,
    head_lr=5e-4,
    focal_gamma=2.0,
    focal_alpha=0.75,
    max_minutes=3.5,
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--encoder", type=Path, default=None)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--tagger-epochs", type=float, default=8.0)
    ap.add_argument("--only", default="pair,single,tfidf,tagger")
    args = ap.parse_args()
    only = set(args.only.split(","))
    work = args.out.parent / "ade_full"
    report: dict[str, Any] = {"device": args.device, "full_config": FULL.to_dict()}
    splits = make_splits(load_corpus(args.corpus))
    if "tfidf" in only:
        train = subsample(splits.pairs("train"), FULL.neg_per_pos, FULL.seed)
        report["tfidf_lr"] = tfidf_lr(train, splits.pairs("dev"), splits.pairs("test"))
    single = TrainConfig(**{**FULL.to_dict(), "arch": "single", "max_minutes": 2.0})
    runs = {"pair": FULL, "single": single}
    for name, cfg in runs.items():
        if name in only:
            report[name] = fit_pair_classifier(
                args.corpus, work / name, cfg, args.encoder, threads=8, device=args.device
            )
            _dump(report, args.out)
    if "tagger" in only:
        tagger = new_tagger(resolve_model_dir(args.encoder))
        tagger.model.to(args.device)
        t0 = time.monotonic()
        sents = [s for s in splits.sentences["train"] if not s.negative]
        losses = train_tagger(
            tagger, sents, epochs=args.tagger_epochs, lr=5e-5 * 2, max_seconds=120
        )
        report["tagger_train"] = {"steps": len(losses), "seconds": round(time.monotonic() - t0, 1)}
        pair = load_bundle(work / "pair", args.encoder)
        pair.model.to(args.device)
        report["end_to_end_test"] = end_to_end(tagger, pair, splits.sentences["test"])
    _dump(report, args.out)


def _dump(report: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, sort_keys=True))
    print(json.dumps(report, indent=2, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
