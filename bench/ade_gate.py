"""The sentence gate (`extraction/ade/gate.py`): train it on the training split's sentences
(with relations: 1, ADE-NEG: 0) into <var>/ade/gate, choose its threshold on dev by strict
end-to-end relation F1 with the dev ADE-NEG sentences included (the served tagger and pair
model), and report dev and test with and without the gate
(`pipeline.train_sentence_gate`, which `ade-train --gate-seconds` runs). Prints JSON.

    .venv/bin/python bench/ade_gate.py [--epochs 1] [--seconds 900] [--eval-only]"""

from __future__ import annotations

import argparse
import json
import logging

import torch

from core.settings import get_settings
from extraction.ade.checkpoint import load_bundle
from extraction.ade.data import load_corpus, make_splits
from extraction.ade.gate import load_gate
from extraction.ade.pipeline import evaluate_gate, train_sentence_gate
from extraction.ade.service import ade_dir, pair_folder, served_tagger


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--seconds", type=float, default=900.0)
    ap.add_argument(
        "--eval-only", action="store_true", help="score the saved gate (nothing is saved)"
    )
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    torch.set_num_threads(settings.models.torch_threads)
    folder = ade_dir(settings)
    splits = make_splits(load_corpus(settings.ade.corpus_dir))
    tagger = served_tagger(folder, settings.models.encoder_dir)
    pair = load_bundle(pair_folder(folder, settings.ade.pair_model), settings.models.encoder_dir)
    if args.eval_only:
        out = evaluate_gate(
            load_gate(folder / "gate", settings.models.encoder_dir), tagger, pair, splits
        )
    else:
        out = train_sentence_gate(
            settings, folder / "gate", splits, tagger, pair, args.epochs, args.seconds
        )
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
