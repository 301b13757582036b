"""BioRED relation extraction: F1 of the trained checkpoint on BioRED test and the
BioCreative VIII test, beside the paper and the BC8 best, and per entity-pair type.

Usage: .venv/bin/python -m bench.biored [--eval-json FILE ...] [--split test --split bc8_test]
With --eval-json it prints tables from `evigraph extract biored-eval --output FILE` results;
otherwise it evaluates the default checkpoint (var/biored/biored.pt) itself.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from core.logs import configure_logging
from core.settings import get_settings
from extraction.biored.checkpoint import default_path
from extraction.biored.evaluate import REFERENCE
from extraction.biored.pipeline import evaluate_checkpoint

LEVELS = ("pair", "type", "novelty", "direction", "type_novelty", "all")


def _table(results: dict[str, Any]) -> str:
    splits = list(results)
    head = "| level | " + " | ".join(splits) + " | paper (test) | BC8 best |"
    lines = [head, "|" + " --- |" * (len(splits) + 3)]
    for lv in LEVELS:
        ours = [f"{results[s]['overall'][lv]['f1']:.2f}" for s in splits]
        paper = REFERENCE["paper_bioredirect_test"].get(lv)
        bc8 = REFERENCE["bc8_best_gold_entities"].get(lv)
        lines.append(f"| {lv} | " + " | ".join(ours) + f" | {paper or ''} | {bc8 or ''} |")
    return "\n".join(lines)


def _per_type(name: str, result: dict[str, Any]) -> str:
    lines = [
        f"{name}: F1 per entity-pair type (gold relations in brackets)",
        "| pair type | pair | +type | +direction | all |",
        "| --- | --- | --- | --- | --- |",
    ]
    for t, lv in result["by_pair_type"].items():
        if lv["pair"]["gold"] == 0:
            continue
        cells = " | ".join(f"{lv[k]['f1']:.2f}" for k in ("pair", "type", "direction", "all"))
        lines.append(f"| {t} ({lv['pair']['gold']}) | {cells} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval-json", type=Path, action="append", default=[])
    ap.add_argument("--split", action="append", default=[])
    args = ap.parse_args()
    configure_logging(get_settings().log_level)
    results: dict[str, Any] = {}
    for f in args.eval_json:
        results.update(json.loads(f.read_text())["results"])
    if not args.eval_json:
        s = get_settings()
        out = evaluate_checkpoint(
            s.ingest.data_dir,
            default_path(s.models.var_dir),
            s.models.encoder_dir,
            args.split or ["test", "bc8_test"],
            s.models.torch_threads,
            var_dir=s.models.var_dir,
        )
        results = out["results"]
    print(_table(results))
    for name, res in results.items():
        print()
        print(_per_type(name, res))


if __name__ == "__main__":
    main()
