"""The CV comparison table: every model's 5-fold mean +/- std beside the card's figures,
and the model selected on Death-class F1."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

# The Bio_ClinicalBERT card (mukundisb/maude-clinicalbert), 5-fold CV on 154,776 reports.
CARD = {
    "f1_weighted": (0.8691, 0.0010),
    "f1_macro": (0.7727, 0.0020),
    "f1_death": (0.8318, 0.0076),
    "f1_injury": (0.8728, 0.0015),
    "f1_malfunction": (0.9069, 0.0016),
    "f1_other": (0.4794, 0.0069),
}
ROWS = [
    "f1_weighted",
    "f1_macro",
    "f1_death",
    "f1_injury",
    "f1_malfunction",
    "f1_other",
    "death_recall",
    "death_precision",
    "death_brier",
    "death_ece",
]


def load_results(folder: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("maude_cv_*.json"))]


def select(results: Sequence[dict[str, object]]) -> dict[str, object] | None:
    """The model with the highest mean Death-class F1 (ties: higher Death recall)."""

    def key(r: dict[str, object]) -> tuple[float, float]:
        s = r["summary"]
        assert isinstance(s, dict)
        return (s["f1_death"]["mean"], s["death_recall"]["mean"])

    return max(results, key=key) if results else None


def _cell(summary: dict[str, dict[str, float]], metric: str) -> str:
    m = summary.get(metric)
    return f"{m['mean']:.3f} ± {m['std']:.3f}" if m else "-"


def markdown(results: Sequence[dict[str, object]]) -> str:
    names = [str(r["model"]) for r in results]
    lines = [
        "| metric | " + " | ".join(names) + " | card (Bio_ClinicalBERT, 155k) |",
        "|---" * (len(names) + 2) + "|",
    ]
    for metric in ROWS:
        cells = [_cell(r["summary"], metric) for r in results]  # type: ignore[arg-type]
        card = CARD.get(metric)
        lines.append(
            f"| {metric} | "
            + " | ".join(cells)
            + " | "
            + (f"{card[0]:.3f} ± {card[1]:.3f}" if card else "-")
            + " |"
        )
    for r in results:
        cal = r.get("calibration") or {}
        assert isinstance(cal, dict)
        if cal:
            lines.append(
                f"| {r['model']}: Death ECE after temperature scaling | "
                + _cell(cal["temperature_scaled"], "death_ece")
                + " | T = "
                + ", ".join(str(t) for t in cal["temperatures"])
                + " |"
                + " |" * (len(names) - 1)
            )
    for r in results:
        cal = r.get("calibration") or {}
        assert isinstance(cal, dict)
        for pt in cal.get("death_operating_points", []):
            if pt["recall_target"] == 0.9:
                lines.append(
                    f"| {r['model']}: P(Death) threshold for Death recall 0.9 (pooled OOF) | "
                    f"t = {pt['threshold']:.3f}: precision {pt['precision']:.3f}, "
                    f"{100 * pt['flagged_share']:.1f}% of reports flagged |"
                    + " |"
                    * (len(names) - 1)
                )
    best = select(results)
    if best is not None:
        lines.append("")
        lines.append(f"Selected on mean Death-class F1: **{best['model']}**.")
    return "\n".join(lines)
