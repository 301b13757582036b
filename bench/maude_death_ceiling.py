"""How much Death recall a model that reads the narrative can reach on the MAUDE CV folds
(issue 8), given the labelled Death reports whose narrative never says the patient died.

Lists every report labelled Death whose narrative has none of a death lexicon's words, for
a reader to check. Of those, the ones in NO_DEATH_IN_NARRATIVE were read in full and judged
to describe no death at all (the reporter's label is the only sign). A model can flag such a
report only by flagging reports at random, so for any model that flags reports from what
their text says, the best fold-mean Death recall on these folds is the mean over folds of
(deaths - unreadable deaths) / deaths. Prints JSON.

    .venv/bin/python -m bench.maude_death_ceiling [CSV]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np

from core.settings import get_settings
from extraction.maude.death_rule import wilson
from extraction.maude.folds import make_folds, split_fingerprint
from extraction.maude.readers import read_reports

# Wider than bench.maude_references' rule: every word here can mean a death in a narrative.
LEXICON = re.compile(
    r"\b(died|dies|death|deaths|deceased|expired|passed away|fatal|demise|autopsy|decedent"
    r"|funeral|succumbed|passing|killed|suicide|lost (?:my|his|her) (?:wife|husband|mother"
    r"|father|son|daughter|life)|is (?:now )?gone)\b",
    re.I,
)

# Read in full (2026-11-22). Each is labelled Death; none says that anyone died.
NO_DEATH_IN_NARRATIVE = {
    "2108082": "the patient writes in the first person about continuing symptoms and a "
    "surgery still to be scheduled",
    "2614795": "years of infections and surgeries after a hernia mesh; ends with where the "
    "medical records are",
    "4055923": "the patient 'remains there on a respirator' in a long-term acute care hospital",
}


def main() -> None:
    default = get_settings().ingest.data_dir / "maude" / "mesh_p_data.csv"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    reports = read_reports([path]).labelled()
    deaths = {r.mdr_report_key: r for r in reports if r.label == "Death"}
    missing = sorted(k for k in NO_DEATH_IN_NARRATIVE if k not in deaths)
    if missing:
        raise SystemExit(f"{path}: no report labelled Death with key {missing}; other data?")
    no_word = {k: r.text for k, r in deaths.items() if not LEXICON.search(r.text)}
    folds = make_folds(reports)
    per_fold = []
    for f in folds:
        keys = [reports[i].mdr_report_key for i in f.test]
        n = sum(k in deaths for k in keys)
        unreadable = sum(k in NO_DEATH_IN_NARRATIVE for k in keys)
        per_fold.append(
            {"deaths": n, "no_death_in_text": unreadable, "best_recall": 1 - unreadable / n}
        )
    readable = len(deaths) - len(NO_DEATH_IN_NARRATIVE)
    out = {
        "file": str(path),
        "split_fingerprint": split_fingerprint(folds),
        "deaths": len(deaths),
        "deaths_without_a_lexicon_word": {k: t[:300] for k, t in sorted(no_word.items())},
        "judged_no_death_in_narrative": NO_DEATH_IN_NARRATIVE,
        "per_fold": per_fold,
        "best_fold_mean_recall": round(float(np.mean([f["best_recall"] for f in per_fold])), 4),
        "best_pooled_recall": round(readable / len(deaths), 4),
        "best_pooled_recall_wilson_95": [round(x, 3) for x in wilson(readable, len(deaths))],
        "others_with_a_lexicon_word": sum(
            1 for r in reports if r.label != "Death" and LEXICON.search(r.text)
        ),
        "deaths_with_a_lexicon_word": len(deaths) - len(no_word),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
