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
    """The model with the highest mean Death-class F1 (ties: higher Death recall), compared
    under the Death rule when every run has one (the checkpoint decides with the rule),
    otherwise at the argmax."""
    ruled = all(isinstance(r.get("death_rule"), dict) for r in results)

    def key(r: dict[str, object]) -> tuple[float, float]:
        block = r["death_rule"] if ruled else r
        assert isinstance(block, dict)
        s = block["summary"]
        assert isinstance(s, dict)
        return (s["f1_death"]["mean"], s["death_recall"]["mean"])

    return max(results, key=key) if results else None


def selection_basis(results: Sequence[dict[str, object]]) -> str:
    ruled = results and all(isinstance(r.get("death_rule"), dict) for r in results)
    return "under the Death rule" if ruled else "at the argmax"


def _cell(summary: dict[str, dict[str, float]], metric: str) -> str:
    m = summary.get(metric)
    return f"{m['mean']:.3f} ± {m['std']:.3f}" if m else "-"


def with_rule_columns(results: Sequence[dict[str, object]]) -> list[dict[str, object]]:
    """Each model's argmax column, followed by its Death-rule column when the run had one."""
    out: list[dict[str, object]] = []
    for r in results:
        out.append(r)
        rule = r.get("death_rule")
        if isinstance(rule, dict):
            target = rule["spec"]["target_recall"]
            out.append({"model": f"{r['model']} + Death rule (recall {target})", **rule})
    return out


def pooled_line(r: dict[str, object]) -> str:
    p = r.get("pooled_death_recall")
    if not isinstance(p, dict):
        return ""
    lo, hi = p["wilson95"]
    blo, bhi = p["bootstrap95"]
    return (
        f"- {r['model']}: {p['detected']}/{p['deaths']} deaths found over the held-out folds "
        f"(recall {p['recall']:.3f}; Wilson 95% {lo:.3f}-{hi:.3f}; bootstrap 95% "
        f"{blo:.3f}-{bhi:.3f}), {p['flagged']} reports flagged Death (precision "
        f"{p['precision']:.3f})"
    )


def markdown(results: Sequence[dict[str, object]]) -> str:
    plain = list(results)
    selected = select(plain)
    results = with_rule_columns(plain)
    names = [str(r["model"]) for r in results]
    lines = [
        "| metric | " + " | ".join(names) + " | card (Bio_ClinicalBERT, 155k) |",
        "|---" * (len(names) + 2) + "|",
    ]
    for metric in [*ROWS, "threshold"]:
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
    lines += ["", "Pooled Death recall:"] + [x for r in results if (x := pooled_line(r))]
    if selected is not None:
        lines.append("")
        basis = selection_basis(plain)
        lines.append(f"Selected on mean Death-class F1 {basis}: **{selected['model']}**.")
    return "\n".join(lines)


def per_fold_markdown(r: dict[str, object]) -> str:
    """One row per fold and decision (argmax, Death rule): fingerprint, threshold, per-class,
    macro and weighted F1, Death recall and precision, and the confusion matrix (rows true,
    columns predicted, order Death / Injury / Malfunction / Other)."""
    rows: list[tuple[str, dict[str, object]]] = [("argmax", m) for m in _dicts(r["per_fold"])]
    rule = r.get("death_rule")
    if isinstance(rule, dict):
        rows += [("Death rule", m) for m in _dicts(rule["per_fold"])]
    rows.sort(key=lambda x: int(str(x[1]["fold"])))
    lines = [
        f"{r['model']}, per fold:",
        "",
        "| fold | fingerprint | decision | threshold | F1 D | F1 I | F1 M | F1 O | F1 macro "
        "| F1 weighted | Death recall | Death precision | confusion D / I / M / O |",
        "|---" * 13 + "|",
    ]
    for how, m in rows:
        matrix = m["confusion"]
        assert isinstance(matrix, list)
        conf = " / ".join(" ".join(str(v) for v in row) for row in matrix)
        thr = m.get("threshold")
        lines.append(
            f"| {m['fold']} | {str(m['fingerprint'])[:12]} | {how} | "
            + (f"{float(str(thr)):.4f}" if thr is not None else "-")
            + " | "
            + " | ".join(
                f"{float(str(m[k])):.3f}"
                for k in (
                    "f1_death",
                    "f1_injury",
                    "f1_malfunction",
                    "f1_other",
                    "f1_macro",
                    "f1_weighted",
                    "death_recall",
                    "death_precision",
                )
            )
            + f" | {conf} |"
        )
    return "\n".join(lines)


def _dicts(x: object) -> list[dict[str, object]]:
    assert isinstance(x, list)
    return [d for d in x if isinstance(d, dict)]
