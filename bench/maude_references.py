"""Reference points for the MAUDE severity CV (issue 8), on the same folds as `evigraph extract
maude-cv`: always predicting Injury, and a death-word rule (Death when the narrative says
died / death / deceased / expired / passed away / dies / fatal, else Injury).

    .venv/bin/python -m bench.maude_references [CSV]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

from core.settings import get_settings
from extraction.maude.folds import make_folds, split_fingerprint
from extraction.maude.metrics import fold_metrics, summarise
from extraction.maude.readers import read_reports
from extraction.maude.records import DEATH, LABELS

DEATH_WORDS = re.compile(r"\b(DIED|DEATH|DECEASED|EXPIRED|PASSED AWAY|DIES|FATAL)\b", re.I)
INJURY = LABELS.index("Injury")
SHOWN = ("f1_weighted", "f1_macro", "f1_death", "death_recall", "death_precision")


def main() -> None:
    default = get_settings().ingest.data_dir / "maude" / "mesh_p_data.csv"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    reports = read_reports([path]).labelled()
    y = np.array([LABELS.index(str(r.label)) for r in reports])
    folds = make_folds(reports)
    print(f"{len(reports)} labelled reports, split {split_fingerprint(folds)}")
    rules = {
        "always Injury": lambda text: INJURY,
        "death-word rule": lambda text: DEATH if DEATH_WORDS.search(text) else INJURY,
    }
    print("| reference | " + " | ".join(SHOWN) + " |")
    print("|---" * (len(SHOWN) + 1) + "|")
    for name, rule in rules.items():
        per_fold = []
        for f in folds:
            pred = [rule(reports[i].text) for i in f.test]
            per_fold.append(fold_metrics(y[f.test], np.eye(len(LABELS))[pred]))
        s = summarise(per_fold)
        cells = [f"{s[k]['mean']:.3f} ± {s[k]['std']:.3f}" for k in SHOWN]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
