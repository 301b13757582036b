"""Cross-validation by PMID of the served ADE recipe, for comparisons with the literature's
10-fold figures (published joint models: strict relation F1 79-83).

Round i of k (`data.fold_splits`): test = fold i, dev = fold i + 1, train = the rest. Each
round trains what `ade-train` trains on the fixed split, into <var>/ade/cv/fold-<i>/: the
dictionary, the neural tagger (6 epochs after 1 on BC5CDR, decoder fitted on dev) and the
marker pair model (`pipeline.CPU_MARKER`); then scores the round's test fold: pair F1 and
ROC-AUC, NER F1, strict end-to-end relation F1 on the sentences with relations (the
literature's setting) and with the ADE-NEG sentences included. A round takes about 25-30 min
on 2 idle cores, so rounds run one or a few at a time: each writes results/ade_cv/fold-<i>.json
and is skipped once written (--force redoes it); every run prints the mean and spread of the
rounds written so far.

    .venv/bin/python -m bench.ade_cv --folds 0,1,2 [--k 10] [--tagger-seconds 4800] [--force]

(As a module: run as a file, bench/ would come first on the path and its ingest.py would hide
the ingest package the HPO names are read with.)"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import time
from pathlib import Path
from typing import Any

import torch

from core.settings import PROJECT_ROOT, get_settings
from extraction.ade.checkpoint import load_bundle
from extraction.ade.data import fold_splits, load_corpus
from extraction.ade.e2e import MemoTagger, end_to_end
from extraction.ade.fit import fit_pair_classifier
from extraction.ade.pipeline import CPU_MARKER, build_dictionary, train_neural_tagger
from extraction.ade.service import ade_dir
from extraction.ade.tagger import load_tagger

OUT = PROJECT_ROOT / "results" / "ade_cv"
FIGURES = ("pair_f1", "pair_roc_auc", "ner_f1", "strict_f1", "strict_f1_with_ade_neg")


def run_round(i: int, k: int, tagger_seconds: float) -> dict[str, Any]:
    settings = get_settings()
    corpus = load_corpus(settings.ade.corpus_dir)
    splits = fold_splits(corpus, i, k)
    folder = ade_dir(settings) / "cv" / f"fold-{i}"
    t0 = time.monotonic()
    dictionary = build_dictionary(settings, folder, splits)
    tagger_meta = train_neural_tagger(
        settings, folder / "tagger", tagger_seconds, 6.0, splits, dictionary, 1.0
    )
    pair_meta = fit_pair_classifier(
        settings.ade.corpus_dir,
        folder / "single",
        CPU_MARKER,
        settings.models.encoder_dir,
        settings.models.torch_threads,
        splits=splits,
    )
    tagger = MemoTagger(load_tagger(folder / "tagger", settings.models.encoder_dir))
    pair = load_bundle(folder / "single", settings.models.encoder_dir)
    test = splits.sentences["test"]
    e2e = end_to_end(tagger, pair, test)
    e2e_neg = end_to_end(tagger, pair, test, include_negative=True)
    return {
        "fold": i,
        "k": k,
        "splits_fingerprint": splits.fingerprint,
        "sentences": {name: len(s) for name, s in splits.sentences.items()},
        "pair_f1": pair_meta["test"]["f1"],
        "pair_roc_auc": pair_meta["test"]["roc_auc"],
        "ner_f1": e2e["ner"]["f1"],
        "strict_f1": e2e["relation_strict"]["f1"],
        "strict_f1_with_ade_neg": e2e_neg["relation_strict"]["f1"],
        "end_to_end": e2e,
        "end_to_end_with_ade_neg": e2e_neg,
        "pair": {"dev": pair_meta["dev"], "test": pair_meta["test"], "version": pair.version},
        "tagger": {k: tagger_meta[k] for k in ("dev_ner_f1", "steps", "train_seconds")},
        "seconds": round(time.monotonic() - t0, 1),
    }


def summary(out: Path) -> dict[str, Any]:
    rounds = [json.loads(p.read_text()) for p in sorted(out.glob("fold-*.json"))]
    res: dict[str, Any] = {"rounds": [r["fold"] for r in rounds]}
    for name in FIGURES:
        values = [r[name] for r in rounds]
        if values:
            sd = statistics.stdev(values) if len(values) > 1 else 0.0
            res[name] = {"mean": round(statistics.mean(values), 4), "sd": round(sd, 4)}
    return res


def main() -> None:
    if not __package__:
        raise SystemExit("run it as a module: .venv/bin/python -m bench.ade_cv ...")
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", default="0", help="comma-separated rounds to run (0-based)")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--tagger-seconds", type=float, default=4800.0)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--force", action="store_true", help="redo rounds already written")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    torch.set_num_threads(get_settings().models.torch_threads)
    args.out.mkdir(parents=True, exist_ok=True)
    for i in (int(x) for x in args.folds.split(",") if x.strip()):
        path = args.out / f"fold-{i}.json"
        if path.is_file() and not args.force:
            logging.info("round %d: %s exists; skipped", i, path)
            continue
        result = run_round(i, args.k, args.tagger_seconds)
        path.write_text(json.dumps(result, indent=2, sort_keys=True))
        logging.info("round %d: %s", i, {k: result[k] for k in FIGURES})
    print(json.dumps(summary(args.out), indent=2))


if __name__ == "__main__":
    main()
