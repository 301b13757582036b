"""Train the default severity checkpoint on every labelled report and save it with its
metadata (kind, version = hash of the weights file, data hash, temperature from the CV)."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from core.exceptions import ExtractionError
from extraction.maude.baseline import TfidfLR
from extraction.maude.cv import CVInput, labels_of
from extraction.maude.records import LABELS
from extraction.maude.transformer import KIND, KIND_FROZEN, TransformerClassifier, TransformerConfig

logger = logging.getLogger(__name__)


def cv_temperature(results_file: Path) -> float | None:
    """The mean cross-fitted temperature of a CV results file, if there is one."""
    if not results_file.is_file():
        return None
    temps = json.loads(results_file.read_text()).get("calibration", {}).get("temperatures")
    return round(float(sum(temps) / len(temps)), 4) if temps else None


def train_checkpoint(
    data: CVInput,
    kind: str,
    out_dir: Path,
    cfg: TransformerConfig | None = None,
    temperature: float | None = None,
    feature_cache: dict[str, np.ndarray] | None = None,
) -> dict[str, object]:
    """Fit `kind` on all of `data` and write out_dir/{meta.json, model.*}; returns the meta."""
    texts = [r.text for r in data.reports]
    y = labels_of(data.reports)
    model: TfidfLR | TransformerClassifier
    if kind == TfidfLR.kind:
        model, file, encoder = TfidfLR(), "model.pkl", ""
    elif kind in (KIND, KIND_FROZEN):
        base = asdict(cfg or TransformerConfig())
        tcfg = TransformerConfig(**{**base, "train_encoder": kind == KIND})
        model = TransformerClassifier(tcfg, feature_cache=feature_cache)
        file, encoder = "model.pt", model.model_dir.encoder_id
    else:
        raise ExtractionError(
            f"unknown model {kind!r}; use {TfidfLR.kind}, {KIND_FROZEN} or {KIND}"
        )
    losses = model.fit(texts, y)
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save(tmp / file)
    version = hashlib.sha256((tmp / file).read_bytes()).hexdigest()[:12]
    meta: dict[str, object] = {
        "kind": kind,
        "file": file,
        "model_name": f"maude-severity-{kind}",
        "version": version,
        "encoder": encoder,
        "labels": list(LABELS),
        "params": model.params,
        "temperature": temperature or 1.0,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": {"source": data.source, "sha256": data.source_sha256, "reports": len(texts)},
        "train_seconds": round(getattr(model, "train_seconds", 0.0), 1),
        "loss_first_last": [losses[0], losses[-1]] if losses else None,
    }
    (tmp / "meta.json").write_text(json.dumps(meta, indent=1, default=str) + "\n")
    # Swap in the finished folder, so an interrupted training never leaves half a checkpoint.
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    logger.info("saved %s checkpoint %s to %s", kind, version, out_dir)
    return meta
