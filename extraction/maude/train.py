"""Train the default severity checkpoint on every labelled report and save it with its
metadata: kind, version (a hash of the weights file and the Death rule), data hash,
temperature, and the Death rule chosen by an inner CV on the same reports."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from core.exceptions import ExtractionError
from extraction.maude.baseline import TfidfLR
from extraction.maude.cv import CVInput, labels_of
from extraction.maude.death_rule import RuleSpec, fit_rule
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
    rule: RuleSpec | None = None,
) -> dict[str, object]:
    """Fit `kind` on all of `data` and write out_dir/{meta.json, model.*}; returns the meta.
    With `rule`, an inner CV on `data` chooses the Death rule first; its temperature then
    replaces `temperature`, since the threshold is a probability at that temperature."""
    texts = [r.text for r in data.reports]
    y = labels_of(data.reports)
    new_model, file = _factory(kind, cfg, feature_cache)
    death_rule = fit_rule(data.reports, new_model, rule) if rule is not None else None
    if death_rule is not None:
        temperature = death_rule.temperature
    model = new_model()
    encoder = model.model_dir.encoder_id if isinstance(model, TransformerClassifier) else ""
    losses = model.fit(texts, y)
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save(tmp / file)
    rule_json = json.dumps(death_rule.as_dict() if death_rule else None, sort_keys=True)
    # The decisions depend on the rule as well as the weights, so both key the version.
    version = hashlib.sha256((tmp / file).read_bytes() + rule_json.encode()).hexdigest()[:12]
    meta: dict[str, object] = {
        "kind": kind,
        "file": file,
        "model_name": f"maude-severity-{kind}",
        "version": version,
        "encoder": encoder,
        "labels": list(LABELS),
        "params": model.params,
        "temperature": temperature or 1.0,
        "death_rule": death_rule.as_dict() if death_rule is not None else None,
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


def _factory(
    kind: str, cfg: TransformerConfig | None, feature_cache: dict[str, np.ndarray] | None
) -> tuple[Callable[[], TfidfLR | TransformerClassifier], str]:
    """A fresh-model factory for `kind` (the inner CV needs several) and its weights file."""
    if kind == TfidfLR.kind:
        return TfidfLR, "model.pkl"
    if kind in (KIND, KIND_FROZEN):
        base = asdict(cfg or TransformerConfig())
        tcfg = TransformerConfig(**{**base, "train_encoder": kind == KIND})
        return (lambda: TransformerClassifier(tcfg, feature_cache=feature_cache)), "model.pt"
    raise ExtractionError(f"unknown model {kind!r}; use {TfidfLR.kind}, {KIND_FROZEN} or {KIND}")
