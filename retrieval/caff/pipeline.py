"""Glue for the CLI: frozen features for a QA set (cached beside it), training runs per
variant and seed with their evaluation, and the default checkpoint used for evidence."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import torch

from core.exceptions import RetrievalError
from retrieval.caff.config import CaffConfig
from retrieval.caff.data import CATEGORIES, Features, QAData, category_index
from retrieval.caff.evaluate import evaluate
from retrieval.caff.metrics import paired_bootstrap
from retrieval.caff.train import save_checkpoint, train
from retrieval.embeddings import EmbeddingIndex, FrozenEncoder

logger = logging.getLogger(__name__)


def features(data: QAData, encoder: FrozenEncoder, index: EmbeddingIndex) -> Features:
    """Question, relation and entity vectors of a QA set; questions cached per encoder."""
    cache = data.folder / f"questions_{encoder.encoder_id.replace('@', '_')}.npy"
    if cache.is_file():
        qvec = np.load(cache)
    else:
        qvec = encoder.encode([q["text"] for q in data.questions])
        np.save(cache, qvec)
    missing = [k for k in data.relations if k not in index.relation_position]
    if missing:
        raise RetrievalError(
            f"the embedding index lacks relations {missing}; rebuild the QA set for this graph"
        )
    rvec = index.relation_vectors[[index.relation_position[k] for k in data.relations]]
    cats = [
        category_index(index.categories[index.position[e]])
        if e in index.position
        else len(CATEGORIES) - 1
        for e in data.entities
    ]
    return Features(
        torch.as_tensor(qvec),
        torch.as_tensor(rvec),
        torch.as_tensor(index.entity_vectors(data.entities)),
        torch.as_tensor(cats, dtype=torch.long),
        len(CATEGORIES),
    )


def run_variant(
    cfg: CaffConfig,
    data: QAData,
    feats: Features,
    encoder_id: str,
    out_dir: Path,
    checkpoint: Path | None,
) -> dict[str, Any]:
    result = train(cfg, data, feats)
    metrics = evaluate(result.model, data, feats)
    report = {
        "config": cfg.to_dict(),
        "encoder": encoder_id,
        "qa_fingerprint": data.meta["fingerprint"],
        "train_seconds": round(result.seconds, 1),
        "best_epoch": result.best_epoch,
        "history": result.history,
        "test": metrics,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"caff_{cfg.variant}_seed{cfg.seed}.json").write_text(json.dumps(report, indent=1))
    if checkpoint is not None:
        save_checkpoint(
            checkpoint,
            result.model,
            {
                "encoder": encoder_id,
                "relations": data.relations,
                "thresholds": metrics["thresholds_autoregressive"],
                "thresholds_per_hop": metrics["thresholds"],
                "qa_fingerprint": data.meta["fingerprint"],
                "test": {k: metrics[k] for k in ("f1_per_hop", "f1_autoregressive", "map")},
            },
        )
    return report


def summarize(reports: list[dict[str, Any]], baseline: str = "depthbilinear") -> dict[str, Any]:
    """Mean +/- std per variant over seeds, and the paired bootstrap of per-query AP of each
    variant against the baseline trained with the same seed."""
    by_variant: dict[str, list[dict[str, Any]]] = {}
    for r in reports:
        by_variant.setdefault(r["config"]["variant"], []).append(r)
    keys = ("f1_per_hop", "f1_autoregressive", "map", "ndcg10", "recall100")
    out: dict[str, Any] = {}
    for variant, runs in sorted(by_variant.items()):
        row: dict[str, Any] = {"seeds": [r["config"]["seed"] for r in runs]}
        for k in keys:
            vals = np.asarray([r["test"][k] for r in runs])
            row[k] = {"mean": float(vals.mean()), "std": float(vals.std(ddof=0))}
        for h in ("1", "2", "3"):
            vals = np.asarray(
                [
                    r["test"]["hop_precision"].get(h, r["test"]["hop_precision"].get(int(h), 0.0))
                    for r in runs
                ]
            )
            row[f"hop{h}_precision"] = {"mean": float(vals.mean()), "std": float(vals.std())}
        for k in ("f1_per_hop", "f1_autoregressive"):  # reports from before dev F1 lack it
            dev = np.asarray([r["test"]["dev"][k] for r in runs if "dev" in r["test"]])
            if len(dev) == len(runs):
                row[f"dev_{k}"] = {"mean": float(dev.mean()), "std": float(dev.std())}
        row["train_seconds"] = float(np.mean([r["train_seconds"] for r in runs]))
        base = {r["config"]["seed"]: r for r in by_variant.get(baseline, [])}
        if variant != baseline and base:
            row["bootstrap_vs_" + baseline] = [
                {
                    "seed": r["config"]["seed"],
                    **paired_bootstrap(
                        np.asarray(r["test"]["per_query_ap"]),
                        np.asarray(base[r["config"]["seed"]]["test"]["per_query_ap"]),
                    ),
                }
                for r in runs
                if r["config"]["seed"] in base
            ]
        out[variant] = row
    return out


def markdown_table(summary: dict[str, Any]) -> str:
    def ms(row: dict[str, Any], k: str) -> str:
        return f"{row[k]['mean']:.4f} +/- {row[k]['std']:.4f}"

    lines = [
        "| variant | dev F1 per-hop / AR | F1 per-hop | F1 autoregressive | MAP | NDCG@10 | "
        "recall@100 | hop-1/2/3 precision | delta AP vs DepthBilinear (p) | train s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for variant, row in summary.items():
        boot = row.get("bootstrap_vs_depthbilinear") or []
        b = "-"
        if boot:
            delta = np.mean([x["delta"] for x in boot])
            b = f"{delta:+.4f} (max p {max(x['p_value'] for x in boot):.4f})"
        hp = "/".join(f"{row[f'hop{h}_precision']['mean']:.3f}" for h in ("1", "2", "3"))
        dev = "-"
        if "dev_f1_per_hop" in row:
            d1, d2 = row["dev_f1_per_hop"]["mean"], row["dev_f1_autoregressive"]["mean"]
            dev = f"{d1:.4f} / {d2:.4f}"
        lines.append(
            f"| {variant} | {dev} | {ms(row, 'f1_per_hop')} | {ms(row, 'f1_autoregressive')} | "
            f"{ms(row, 'map')} | {ms(row, 'ndcg10')} | {ms(row, 'recall100')} | {hp} | {b} | "
            f"{row['train_seconds']:.0f} |"
        )
    return "\n".join(lines)
