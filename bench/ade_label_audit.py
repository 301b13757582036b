"""How much of the pair classifier's test error is the corpus' own labels?

`bench/ade_label_audit.tsv` is one reading (by a developer, 2026-11-23, not by the corpus'
annotators) of the 81 test pairs the served marker model (`bcae49e1c478`) called related
although the corpus calls them unrelated: `ade` where the sentence states that this drug
caused this event (an ADE-NEG sentence that does, or another mention pair of an annotated
statement), `not` where it does not (a treatment, a negation, another drug's event), `unclear`
otherwise; each row has a note. This script scores a pair model on the test pairs with the
corpus' labels, then with the `ade` readings (and then the `unclear` ones too) counted as
related, and says how many of the model's false positives the audit does not cover (a model
other than the audited one has some). Prints JSON. The official figures stay the corpus' own.

    .venv/bin/python bench/ade_label_audit.py [--model var/ade/single] [--audit FILE]"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np
import torch

from core.settings import get_settings
from extraction.ade.checkpoint import load_bundle, score_items
from extraction.ade.data import load_corpus, make_splits
from extraction.ade.evaluate import binary_metrics
from extraction.ade.pair_tokens import pair_items
from extraction.ade.service import ade_dir, pair_folder

AUDIT = Path(__file__).with_name("ade_label_audit.tsv")
READINGS = ("ade", "not", "unclear")
HEADER = [
    "pmid",
    "sentence_key",
    "drug_span",
    "event_span",
    "kind",
    "score",
    "drug",
    "event",
    "reading",
    "note",
]


def read_audit(path: Path) -> dict[tuple[str, str, str], str]:
    """(sentence key, drug span, event span) -> reading; a bad row names its line."""
    out = {}
    with path.open(newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        header = next(rows)
        if header != HEADER:
            raise SystemExit(f"{path}:1: expected the columns {HEADER}")
        for n, row in enumerate(rows, 2):
            if len(row) != len(header) or row[8] not in READINGS:
                raise SystemExit(
                    f"{path}:{n}: expected {len(header)} fields, reading in {READINGS}"
                )
            out[(row[1], row[2], row[3])] = row[8]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=None, help="default: the served pair model")
    ap.add_argument("--audit", type=Path, default=AUDIT)
    args = ap.parse_args()
    settings = get_settings()
    torch.set_num_threads(settings.models.torch_threads)
    folder = args.model or pair_folder(ade_dir(settings), settings.ade.pair_model)
    bundle = load_bundle(folder, settings.models.encoder_dir)
    pairs = make_splits(load_corpus(settings.ade.corpus_dir)).pairs("test")
    audit = read_audit(args.audit)
    keys = [(p.sentence.key, f"{p.drug[0]}-{p.drug[1]}", f"{p.ae[0]}-{p.ae[1]}") for p in pairs]
    index = {k: i for i, k in enumerate(keys)}
    for k in audit:
        if k not in index or pairs[index[k]].label != 0:
            raise SystemExit(f"{args.audit}: {k} is not an unrelated pair of the test split")
    scores = score_items(bundle, pair_items(pairs))
    labels = np.array([p.label for p in pairs])
    false_pos = [
        k for k, y, s in zip(keys, labels, scores, strict=True) if not y and s >= bundle.threshold
    ]
    out = {
        "model": str(folder),
        "version": bundle.version,
        "threshold": bundle.threshold,
        "audit": str(args.audit),
        "readings": {r: sum(v == r for v in audit.values()) for r in READINGS},
        "false_positives": len(false_pos),
        "false_positives_not_audited": sum(k not in audit for k in false_pos),
        "corpus_labels": binary_metrics(labels.tolist(), scores, bundle.threshold),
    }
    for name, related in (
        ("ade_read_as_related", {"ade"}),
        ("ade_and_unclear", {"ade", "unclear"}),
    ):
        relabelled = [int(y or audit.get(k) in related) for k, y in zip(keys, labels, strict=True)]
        out[name] = binary_metrics(relabelled, scores, bundle.threshold)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
