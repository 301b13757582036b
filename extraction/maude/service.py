"""The trained severity model behind one object: load the checkpoint once, then
`predict(reports)` and `write(store, reports)`. The CLI and the API both use it."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.exceptions import ExtractionError, ModelLoadError
from core.settings import get_settings
from extraction import writeback as wb
from extraction.maude.baseline import TfidfLR
from extraction.maude.death_rule import DeathRule, apply_rule
from extraction.maude.metrics import softmax
from extraction.maude.records import LABELS, MaudeReport
from extraction.maude.statements import all_statements
from extraction.maude.transformer import KIND, KIND_FROZEN, TransformerClassifier
from extraction.phenotype_linker import PhenotypeLinker
from graph.repository import GraphStore

logger = logging.getLogger(__name__)


def _death_rule(meta: dict[str, Any]) -> DeathRule | None:
    """The checkpoint's Death rule; None for a checkpoint trained without one (argmax)."""
    raw = meta.get("death_rule")
    if raw is None:
        return None
    try:
        return DeathRule.from_dict(raw)
    except (TypeError, ValueError) as e:
        raise ModelLoadError(f"meta.json of {meta.get('model_name')}: bad death_rule: {e}") from e


def default_checkpoint_dir() -> Path:
    return get_settings().models.var_dir / "maude" / "severity"


class MaudeService:
    def __init__(self, meta: dict[str, Any], model: TfidfLR | TransformerClassifier) -> None:
        self.meta = meta
        self.model = model
        self.temperature = float(meta.get("temperature") or 1.0)
        self.rule = _death_rule(meta)
        if self.rule is not None:
            # The threshold is a probability at the rule's own temperature.
            self.temperature = self.rule.temperature
        self._linker: PhenotypeLinker | None = None
        self.info = wb.ModelInfo(
            "maude", str(meta["model_name"]), str(meta["version"]), str(meta.get("encoder") or "")
        )

    @classmethod
    def load(cls, folder: Path | None = None) -> MaudeService:
        folder = folder or default_checkpoint_dir()
        meta_file = folder / "meta.json"
        if not meta_file.is_file():
            raise ModelLoadError(
                f"no MAUDE severity checkpoint in {folder}; train one with "
                "`evigraph extract maude-train`"
            )
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ModelLoadError(f"{meta_file}: unreadable: {e}") from e
        path = folder / str(meta["file"])
        model: TfidfLR | TransformerClassifier
        if meta["kind"] == TfidfLR.kind:
            model = TfidfLR.load(path)
        elif meta["kind"] in (KIND, KIND_FROZEN):
            model = TransformerClassifier.load(path)
        else:
            raise ModelLoadError(f"{meta_file}: unknown model kind {meta['kind']!r}")
        logger.info("loaded MAUDE severity model %s %s", meta["model_name"], meta["version"])
        return cls(meta, model)

    def predict(self, reports: Sequence[MaudeReport]) -> list[dict[str, object]]:
        """One dict per report: predicted severity and the (temperature-scaled) probabilities."""
        empty = [r.mdr_report_key for r in reports if not r.text]
        if empty:
            raise ExtractionError(f"reports without an event narrative: {', '.join(empty[:10])}")
        if not reports:
            return []
        proba = softmax(self.model.logits([r.text for r in reports]), self.temperature)
        decided = apply_rule(proba, self.rule.threshold) if self.rule else proba.argmax(axis=1)
        return [self._row(r, p, int(c)) for r, p, c in zip(reports, proba, decided, strict=True)]

    def _row(self, r: MaudeReport, p: np.ndarray, decided: int) -> dict[str, object]:
        return {
            "id": r.id,
            "mdr_report_key": r.mdr_report_key,
            "event_type_reported": r.event_type,
            "severity_reported": r.label,
            "severity_predicted": LABELS[decided],
            "severity_argmax": LABELS[int(p.argmax())],
            "death_threshold": self.rule.threshold if self.rule else None,
            "scores": {label: round(float(p[i]), 6) for i, label in enumerate(LABELS)},
            "model": f"{self.info.name}@{self.info.version}",
        }

    def write(
        self,
        store: GraphStore,
        reports: Sequence[MaudeReport],
        predictions: Sequence[dict[str, object]] | None = None,
        *,
        link_phenotypes: bool = True,
        inputs: dict[str, str] | None = None,
    ) -> wb.WriteResult:
        """Write reports, their devices and linked phenotype mentions as one ExtractionRun."""
        preds = list(predictions) if predictions is not None else self.predict(reports)
        linker = None
        if link_phenotypes:
            # Read once per service: the HPO dictionary changes only with an HPO ingest.
            self._linker = self._linker or PhenotypeLinker.from_graph(store)
            linker = self._linker
        run_id = wb.new_run_id("maude")
        statements = all_statements(reports, preds, run_id, linker)
        params: dict[str, object] = {
            "temperature": self.temperature,
            "decision": "death_rule" if self.rule else "argmax",
            "death_threshold": self.rule.threshold if self.rule else None,
            "death_target_recall": self.rule.target_recall if self.rule else None,
            "linker": "exact+synonym" if linker else "off",
        }
        return wb.write_statements(
            store,
            self.info,
            statements,
            inputs=inputs or {},
            params=params,
            run_id=run_id,
            batch_size=get_settings().ingest.batch_size,
        )
