"""Scoring a checkpoint on BioRED test and the BioCreative VIII test, beside the published
figures, and tuning the relation threshold on the dev set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extraction.biored.corpus import Document, read_pubtator
from extraction.biored.metrics import Predicted, score
from extraction.biored.pairs import SHORT_TYPE
from extraction.biored.predictor import Predictor
from extraction.biored.service import decode
from extraction.biored.train import PairPrediction

# Published figures with gold entities (F1). The paper (BioREDirect, arXiv 2501.14079) gives
# 48.62 for relation type with direction on BioRED test; BioCreative VIII track 1 best.
REFERENCE = {
    "paper_bioredirect_test": {"direction": 48.62},
    "bc8_best_gold_entities": {
        "pair": 77.17,
        "type": 58.95,
        "novelty": 59.22,
        "type_novelty": 44.55,
    },
}
SPLITS = {
    "train_dev": "bioredirect/bioredirect_train_dev.pubtator",
    "test": "bioredirect/bioredirect_test.pubtator",
    "bc8_test": "bioredirect/bioredirect_bc8_test.pubtator",
    "biored_train": "biored/Train.PubTator.txt",
    "biored_dev": "biored/Dev.PubTator.txt",
}


def load_split(data_dir: Path, name: str) -> list[Document]:
    return read_pubtator(data_dir / SPLITS[name])


def train_dev_split(data_dir: Path) -> tuple[list[Document], list[Document]]:
    """BioREDirect train_dev split back into BioRED train and dev by PMID (the direction
    lines are only in the BioREDirect file)."""
    both = load_split(data_dir, "train_dev")
    dev_ids = {d.pmid for d in load_split(data_dir, "biored_dev")}
    return [d for d in both if d.pmid not in dev_ids], [d for d in both if d.pmid in dev_ids]


def gold_relations(docs: list[Document]) -> list[Predicted]:
    out = []
    for d in docs:
        types = d.entity_types()
        for r in d.relations:
            names = (SHORT_TYPE.get(types.get(i, ""), "Unmentioned") for i in (r.id1, r.id2))
            pt = "-".join(sorted(names))
            out.append(Predicted(d.pmid, r.id1, r.id2, r.type, r.novel, r.subject, pt))
    return out


def predicted_relations(preds: list[PairPrediction], threshold: float) -> list[Predicted]:
    return [r.as_predicted() for r in (decode(p, threshold) for p in preds) if r is not None]


def tune_threshold(preds: list[PairPrediction], gold: list[Predicted]) -> tuple[float, float]:
    """The threshold on P(some relation) that maximises pair+type F1: (threshold, F1)."""
    best = (0.5, -1.0)
    for k in range(5, 96, 5):
        t = k / 100
        f1 = float(score(gold, predicted_relations(preds, t))["overall"]["type"]["f1"])
        if f1 > best[1]:
            best = (t, f1)
    return best


def evaluate(predictor: Predictor, docs: list[Document], threshold: float) -> dict[str, Any]:
    preds = predictor.predict(docs)
    result = score(gold_relations(docs), predicted_relations(preds, threshold))
    result["documents"] = len(docs)
    result["threshold"] = threshold
    return result


def side_by_side(results: dict[str, dict[str, Any]]) -> list[dict[str, object]]:
    """Rows of (level, ours on each split, paper, BC8 best) for the report."""
    rows = []
    for level in ("pair", "type", "novelty", "direction", "type_novelty", "all"):
        row: dict[str, object] = {"level": level}
        for split, res in results.items():
            row[split] = res["overall"][level]["f1"]
        row["paper"] = REFERENCE["paper_bioredirect_test"].get(level)
        row["bc8_best"] = REFERENCE["bc8_best_gold_entities"].get(level)
        rows.append(row)
    return rows
