"""TF-IDF + logistic regression baseline on the same PMID-disjoint splits and the same
training pairs as the default pair classifier. Prints JSON.

    .venv/bin/python bench/ade_baselines.py"""

from __future__ import annotations

import json
import time

from core.settings import get_settings
from extraction.ade.baselines import tfidf_lr
from extraction.ade.data import load_corpus, make_splits
from extraction.ade.pipeline import CPU_DEFAULT
from extraction.ade.train import cap, subsample


def main() -> None:
    cfg = CPU_DEFAULT
    splits = make_splits(load_corpus(get_settings().ade.corpus_dir))
    out = {"splits_fingerprint": splits.fingerprint}
    for name, n in (("same_pairs_as_default", cfg.max_train_pairs), ("all_train_pairs", 0)):
        train = cap(subsample(splits.pairs("train"), cfg.neg_per_pos, cfg.seed), n, cfg.seed)
        t0 = time.monotonic()
        res = tfidf_lr(train, splits.pairs("dev"), splits.pairs("test"))
        out[name] = {"train_pairs": len(train), "seconds": round(time.monotonic() - t0, 1), **res}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
