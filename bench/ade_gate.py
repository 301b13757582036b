"""The sentence gate experiment (`extraction/ade/gate.py`): train the gate on the training
split's sentences (with relations: 1, ADE-NEG: 0) into <var>/ade/gate, choose its threshold
on dev by strict end-to-end relation F1 with the dev ADE-NEG sentences included (the saved
tagger and the served pair model), and report dev and test with and without the gate. Prints
JSON.

    .venv/bin/python bench/ade_gate.py [--epochs 1] [--seconds 900] [--eval-only]"""

from __future__ import annotations

import argparse
import json
import logging
import time
from typing import Any

import numpy as np
import torch

from core.models import resolve_model_dir
from core.settings import get_settings
from extraction.ade.checkpoint import load_bundle
from extraction.ade.data import load_corpus, make_splits
from extraction.ade.e2e import MemoTagger, end_to_end
from extraction.ade.evaluate import binary_metrics
from extraction.ade.gate import load_gate, new_gate, save_gate, set_threshold, train_gate
from extraction.ade.service import ade_dir, pair_folder
from extraction.ade.tagger import load_tagger

THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(20))  # 0, 0.05, ..., 0.95


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--seconds", type=float, default=900.0)
    ap.add_argument("--eval-only", action="store_true", help="score the saved gate")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    torch.set_num_threads(settings.models.torch_threads)
    folder = ade_dir(settings)
    splits = make_splits(load_corpus(settings.ade.corpus_dir))
    out: dict[str, Any] = {"splits_fingerprint": splits.fingerprint}
    if args.eval_only:
        gate = load_gate(folder / "gate", settings.models.encoder_dir)
    else:
        gate = new_gate(resolve_model_dir(settings.models.encoder_dir))
        t0 = time.monotonic()
        losses = train_gate(gate, splits.sentences["train"], args.epochs, max_seconds=args.seconds)
        out["train"] = {
            "sentences": len(splits.sentences["train"]),
            "steps": len(losses),
            "loss_first_last_100": [float(np.mean(losses[:100])), float(np.mean(losses[-100:]))],
            "seconds": round(time.monotonic() - t0, 1),
        }
    tagger = MemoTagger(load_tagger(folder / "tagger", settings.models.encoder_dir))
    pair = load_bundle(pair_folder(folder, settings.ade.pair_model), settings.models.encoder_dir)
    out["pair_model"] = pair.version
    scores = {}
    for split in ("dev", "test"):
        sents = splits.sentences[split]
        scores[split] = gate.scores([s.text for s in sents])
        labels = [int(not s.negative) for s in sents]
        out[f"{split}_sentences"] = binary_metrics(labels, scores[split], 0.5)

    def e2e(split: str, threshold: float, negative: bool) -> dict[str, Any]:
        sents = splits.sentences[split]
        skip = {s.key for s, p in zip(sents, scores[split], strict=True) if p < threshold}
        return end_to_end(tagger, pair, sents, negative, skip)

    by_t = {t: e2e("dev", t, True)["relation_strict"]["f1"] for t in THRESHOLDS}
    best = max(THRESHOLDS, key=lambda t: (by_t[t], -t))
    out["dev_f1_with_ade_neg_by_threshold"] = {str(t): f for t, f in by_t.items()}
    out["threshold"] = best
    for split in ("dev", "test"):
        for t, name in ((0.0, "no_gate"), (best, "gate")):
            out[f"{split}_{name}"] = {
                "with_ade_neg": e2e(split, t, True),
                "sentences_with_relations": e2e(split, t, False)["relation_strict"],
            }
    set_threshold(gate, best)
    if not args.eval_only:
        save_gate(gate, folder / "gate", out)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
