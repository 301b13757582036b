from __future__ import annotations

from typing import Any

from retrieval.caff.pipeline import markdown_table, summarize


def _report(variant: str, seed: int, f1: float, dev: float | None) -> dict[str, Any]:
    test: dict[str, Any] = {
        "f1_per_hop": f1,
        "f1_autoregressive": f1,
        "map": f1,
        "ndcg10": f1,
        "recall100": f1,
        "hop_precision": {"1": 0.5, "2": 0.25, "3": 0.0},
        "per_query_ap": [f1, f1, 0.5],
    }
    if dev is not None:
        test["dev"] = {"f1_per_hop": dev, "f1_autoregressive": dev - 0.1}
    return {"config": {"variant": variant, "seed": seed}, "train_seconds": 1.0, "test": test}


def test_summary_carries_dev_f1_for_choosing_between_configs() -> None:
    reports = [
        _report("depthbilinear", 1, 0.4, 0.3),
        _report("depthbilinear", 2, 0.4, 0.5),
        _report("caff", 1, 0.6, 0.6),
        _report("caff", 2, 0.6, 0.8),
    ]
    out = summarize(reports)
    assert out["caff"]["dev_f1_per_hop"]["mean"] == 0.7
    assert abs(out["depthbilinear"]["dev_f1_autoregressive"]["mean"] - 0.3) < 1e-9
    assert [b["seed"] for b in out["caff"]["bootstrap_vs_depthbilinear"]] == [1, 2]
    assert "| caff | 0.7000 / 0.6000 | 0.6000 +/- 0.0000 |" in markdown_table(out)


def test_reports_without_dev_f1_summarise_without_it() -> None:
    out = summarize([_report("caff", 1, 0.6, None), _report("caff", 2, 0.6, 0.5)])
    assert "dev_f1_per_hop" not in out["caff"]
    assert "| caff | - | 0.6000" in markdown_table(out)
