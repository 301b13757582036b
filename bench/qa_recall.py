"""Answer recall of the served evidence on the QA benchmark's questions, per template, in three
wordings: the template's canonical one, a second written for this benchmark only (never
trained on; the relation cues were tuned while looking at its results) and a third written
after that and never tuned on ("unseen"), as a user's question differs from the templates:

    .venv/bin/python -m bench.qa_recall [--split test] [--seeds-given] [--hops 3]

For each question the evidence service answers in-process as `POST /v1/evidence` would
(linking from the text unless --seeds-given). An answer is retrieved when it is the head or
tail of a retained triple. Prints one JSON object: per template and overall, the mean answer
recall, the share of questions with at least one answer retrieved, the mean answer precision
(gold answers among the entities retrieved beyond the seeds) and the mean number of triples.
Needs the graph loaded (`make run`) and the served CAFF checkpoint."""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections import defaultdict
from typing import Any

import numpy as np

from core.exceptions import EvigraphError
from core.logs import configure_logging
from core.settings import get_settings
from graph.repository import GraphStore
from retrieval.caff.templates import TEMPLATES
from retrieval.service import EvidenceService

TEXTS = {t.name: t.text for t in TEMPLATES}  # each template's canonical wording

# A second wording per template, written for this benchmark only.
PARAPHRASES = {
    "phenotypes": "How does {name} present clinically?",
    "parents": "What kind of disorder is {name}?",
    "gene_diseases": "What disorders result from variants in {name}?",
    "gene_disease_phenotypes": "What clinical features do patients with {name}-related "
    "disorders show?",
    "phenotype_disease_genes": "Mutations in which genes lead to conditions featuring {name}?",
    "gene_disease_inheritance": "What is the inheritance pattern of disorders due to {name}?",
    "grandparents": "What are the grandparent categories of {name}?",
    "disease_gene_diseases": "Which other diseases share a gene with {name}?",
    "sibling_genes": "For the disease family of {name}, which genes cause its members?",
    "phenotype_gene_inheritance": "How are disorders of the genes linked to {name} inherited?",
    "disease_gene_disease_phenotypes": "What features do diseases that share a causal gene with "
    "{name} have?",
}


# A third wording per template, written after the relation cues (retrieval/cues.py) were built
# and tuned on the held-out wordings above, so that they are scored on wordings nobody tuned on.
UNSEEN = {
    "phenotypes": "What clinical characteristics are typical of {name}?",
    "parents": "Which disease group includes {name}?",
    "gene_diseases": "Name the conditions associated with {name} mutations.",
    "gene_disease_phenotypes": "What do patients carrying {name} mutations typically present with?",
    "phenotype_disease_genes": "Which genes have been linked to disorders with {name}?",
    "gene_disease_inheritance": "Are {name}-associated conditions autosomal dominant or recessive?",
    "grandparents": "Two steps up the hierarchy, what categories contain {name}?",
    "disease_gene_diseases": "Besides {name}, which diseases result from defects in the same gene?",
    "sibling_genes": "What are the causal genes of diseases related to {name}?",
    "phenotype_gene_inheritance": "How are genetic conditions presenting with {name} typically "
    "inherited?",
    "disease_gene_disease_phenotypes": "What are the clinical features of other diseases caused "
    "by the same gene as {name}?",
}
WORDINGS = {"template": TEXTS, "paraphrase": PARAPHRASES, "unseen": UNSEEN}


def score(out: dict[str, Any], answers: set[str], seeds: set[str]) -> dict[str, float]:
    got = {x for h in out.get("hops", []) for t in h["triples"] for x in (t["head"], t["tail"])}
    got -= seeds
    hit = answers & got
    return {
        "recall": len(hit) / len(answers),
        "any": float(bool(hit)),
        "precision": len(hit) / len(got) if got else 0.0,
        "triples": float(sum(len(h["triples"]) for h in out.get("hops", []))),
    }


def run(service: EvidenceService, qs: list[dict[str, Any]], wording: str, a: Any) -> dict[str, Any]:
    per: dict[str, list[dict[str, float]]] = defaultdict(list)
    for q in qs:
        text = WORDINGS[wording][q["template"]].format(name=q["seed_name"])
        try:
            out = service.evidence(text, [q["seed"]] if a.seeds_given else None, a.hops)
        except EvigraphError as exc:  # a question the service refuses (no entity linked) scores 0
            out = {"hops": [], "error": str(exc)}
        per[q["template"]].append(score(out, set(q["answers"]), {q["seed"]}))
    return summarise(per)


def summarise(per: dict[str, list[dict[str, float]]]) -> dict[str, Any]:
    def mean(rows: list[dict[str, float]]) -> dict[str, float]:
        return {k: round(float(np.mean([r[k] for r in rows])), 3) for k in rows[0]} | {
            "questions": len(rows)
        }

    out = {name: mean(rows) for name, rows in sorted(per.items())}
    out["all"] = mean([r for rows in per.values() for r in rows])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="test", help="train, val, test or all")
    ap.add_argument("--hops", type=int, default=3)
    ap.add_argument("--seeds-given", action="store_true", help="pass the seed, skip linking")
    a = ap.parse_args()
    settings = get_settings()
    configure_logging("WARNING")
    store = GraphStore.connect(settings.neo4j)
    service = EvidenceService.load(store, settings)
    folder = max(
        (settings.models.var_dir / "qa").glob("*/questions.jsonl"), key=lambda p: p.stat().st_mtime
    ).parent
    qs = [json.loads(x) for x in (folder / "questions.jsonl").open()]
    qs = [q for q in qs if a.split == "all" or q["split"] == a.split]
    t0 = time.perf_counter()
    result = {
        "machine": platform.node(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "qa": str(folder),
        "checkpoint": str(service.checkpoint),
        "split": a.split,
        "seeds_given": a.seeds_given,
        "hops": a.hops,
        **{wording: run(service, qs, wording, a) for wording in WORDINGS},
    }
    result["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
