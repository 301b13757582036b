"""Score saved ADE pair classifiers (`pair/`, `single/` and variants under <var>/ade) on the
PMID-disjoint dev and test splits with the threshold stored in the checkpoint (tuned on
dev), and each end to end on dev and test with the saved neural tagger (the dictionary
tagger when there is none), with and without the split's ADE-NEG sentences (`--no-e2e`
skips it). Writes <var>/ade/report.json unless --no-write.
Each model is also scored on `--joined` texts of two joined sentences of each split
(`<split>_joined`; `across_accepted`: the share of drug x other sentence's event pairs that
it calls related, which should be near 0), and on as many texts of two sentences joined as
clauses of one (`<split>_clauses`: "; ", ", and ", ...). `<split>_same_sentence_accepted` is
the share of the split's own unrelated pairs inside a sentence with relations (dev 15, test
21) that it calls related.

    .venv/bin/python bench/ade_eval.py [--models pair,single] [--no-e2e] [--no-write] [--joined N]
    .venv/bin/python -m bench.ade_eval --served      # only: what the service runs, end to end

`--served` scores what `evigraph extract ade` runs (AdeService.from_settings: the tagger it
loads and the pair classifier EVIGRAPH_ADE__PAIR_MODEL selects) end to end on test: on the
sentences with relations (the literature's setting), and with the split's ADE-NEG sentences
added, where every relation found is a false one."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from core.settings import Settings, get_settings
from extraction.ade.checkpoint import MODEL_FILE, load_bundle, score_items
from extraction.ade.data import joined_pairs, load_corpus, make_splits
from extraction.ade.dictionary import DictionaryTagger
from extraction.ade.e2e import MemoTagger, end_to_end
from extraction.ade.evaluate import binary_metrics
from extraction.ade.pair_tokens import pair_items
from extraction.ade.pipeline import build_dictionary
from extraction.ade.service import AdeService, ade_dir
from extraction.ade.tagger import SpanTagger, saved_tagger


def _tagger(settings: Settings, folder: Path) -> SpanTagger:
    """The saved neural tagger, else the dictionary tagger (built when missing)."""
    if (neural := saved_tagger(folder / "tagger", settings.models.encoder_dir)) is not None:
        return neural
    path = folder / "dictionary.json"
    return DictionaryTagger.load(path) if path.is_file() else build_dictionary(settings, folder)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="pair,single")
    ap.add_argument("--no-e2e", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--served", action="store_true", help="the served tagger and pair model")
    ap.add_argument(
        "--joined",
        type=int,
        default=300,
        help="also score the pairs of this many texts of two joined sentences of the split "
        "(`joined_pairs`): how often a drug is related to the other sentence's event",
    )
    args = ap.parse_args()
    settings = get_settings()
    torch.set_num_threads(settings.models.torch_threads)
    folder = ade_dir(settings)
    splits = make_splits(load_corpus(settings.ade.corpus_dir))
    if args.served:
        service = AdeService.from_settings(settings)
        t0 = time.monotonic()
        with service.precision():
            e2e = end_to_end(service.tagger, service.pair, splits.sentences["test"])
            with_neg = end_to_end(service.tagger, service.pair, splits.sentences["test"], True)
        served = {
            "splits_fingerprint": splits.fingerprint,
            "pair_model": service.model_info.name,
            "pair_version": service.pair.version,
            "tagger": type(service.tagger).__name__,
            "precision": "bf16" if service.bf16 else "fp32",
            "end_to_end_test": e2e,
            "end_to_end_test_with_ade_neg": with_neg,
            "seconds": round(time.monotonic() - t0, 1),
        }
        print(json.dumps({"served": served}, indent=2))
        return
    report: dict[str, Any] = {"splits_fingerprint": splits.fingerprint}
    tagger: MemoTagger | None = None
    for name in args.models.split(","):
        if not (folder / name / MODEL_FILE).is_file():
            continue
        bundle = load_bundle(folder / name, settings.models.encoder_dir)
        entry: dict[str, Any] = {
            "version": bundle.version,
            "arch": bundle.cfg.arch,
            "train_config": bundle.meta.get("train_config"),
            "epochs": bundle.meta.get("epochs"),
        }
        for split in ("dev", "test"):
            pairs = splits.pairs(split)
            t0 = time.monotonic()
            scores = score_items(bundle, pair_items(pairs))
            entry[split] = binary_metrics([p.label for p in pairs], scores, bundle.threshold)
            entry[f"{split}_score_seconds"] = round(time.monotonic() - t0, 1)
            same = np.array([p.kind == "same_sentence" for p in pairs])
            entry[f"{split}_same_sentence_accepted"] = round(
                float((scores[same] >= bundle.threshold).mean()) if same.any() else 0.0, 4
            )
            for key, share in (("joined", 0.0), ("clauses", 1.0)):
                joined = joined_pairs(splits.sentences[split], args.joined, 0, share)
                if joined:
                    scores = score_items(bundle, pair_items(joined))
                    across = np.array([p.kind == "joined" for p in joined])
                    entry[f"{split}_{key}"] = {
                        **binary_metrics([p.label for p in joined], scores, bundle.threshold),
                        "across_pairs": int(across.sum()),
                        "across_accepted": round(
                            float((scores[across] >= bundle.threshold).mean()), 4
                        ),
                    }
        if not args.no_e2e:
            tagger = tagger or MemoTagger(_tagger(settings, folder))
            for split in ("dev", "test"):
                sents = splits.sentences[split]
                entry[f"end_to_end_{split}"] = end_to_end(tagger, bundle, sents)
                entry[f"end_to_end_{split}_with_ade_neg"] = end_to_end(tagger, bundle, sents, True)
            entry["end_to_end_tagger"] = type(tagger.inner).__name__
        report[name] = entry
        print(json.dumps({name: entry}, indent=2), flush=True)
    if not args.no_write:
        (folder / "report.json").write_text(json.dumps(report, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
