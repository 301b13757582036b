"""ADE pair-classifier throughput: PyTorch and ONNX Runtime on CPU, batch 64, on the test
split's pairs; also checks that the paths give the same probabilities.

- `torch`: both views of every pair (a marker model has one view, so it equals the next row);
- `torch_distinct_views`: each distinct drug and ADR view encoded once (the service's path);
- `torch_bf16`: that path in bfloat16 autocast (the service's default on a CPU with native
  bf16, `EVIGRAPH_ADE__PRECISION=auto`);
- `onnx`, `onnx_int8`: ONNX Runtime on the fused graphs (fp32, and int8 dynamically quantised
  encoder weights), distinct views, threads spinning between batches.

    .venv/bin/python bench/extract_ade.py [--threads 2] [--batch 64] [--repeat 1] [--pairs 512]
        [--model auto|pair|single] [--untrained]

Times the pair classifier the service serves (`--model auto`, the default: the trained one with
the higher dev F1, as `EVIGRAPH_ADE__PAIR_MODEL=auto` picks it), or the one named. A marker
(`single`) model has one graph, so its "distinct views" rows are the same path as `torch`.
Needs a trained checkpoint (`evigraph extract ade-train`), or `--untrained`: the default
architecture (TrainConfig: dual encoder, attention pooling, 96 tokens) with the pretrained
encoder and untrained heads, for speed only (the speed does not depend on the weights; no
quality figure is printed then). Prints JSON."""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable

import numpy as np
import torch

from core.encoders import cpu_bf16, inference_precision, resolve_model_dir
from core.settings import get_settings
from extraction.ade.checkpoint import Item, PairBundle, load_bundle, new_bundle, score_items
from extraction.ade.data import load_corpus, make_splits
from extraction.ade.evaluate import binary_metrics
from extraction.ade.onnx_infer import OnnxScorer, export_onnx
from extraction.ade.pair_tokens import pair_items
from extraction.ade.service import ade_dir, pair_folder
from extraction.ade.train import TrainConfig


def bf16_scores(bundle: PairBundle, items: list[Item], batch: int) -> np.ndarray:
    """The service's PyTorch path in bfloat16 autocast (what `EVIGRAPH_ADE__PRECISION=auto`
    runs on a CPU with native bf16)."""
    with inference_precision(True):
        return score_items(bundle, items, batch)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--pairs", type=int, default=512, help="test pairs to time (0: all)")
    ap.add_argument(
        "--model", choices=("auto", "pair", "single"), default="auto", help="pair model to time"
    )
    ap.add_argument("--untrained", action="store_true", help="default architecture, speed only")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    settings = get_settings()
    if args.untrained:
        cfg = TrainConfig()
        folder = settings.models.var_dir / "ade-bench-untrained"
        model_dir = resolve_model_dir(settings.models.encoder_dir)
        bundle = new_bundle(model_dir, cfg.arch, cfg.pooling, cfg.max_length)
        bundle.model.eval()
    else:
        folder = pair_folder(ade_dir(settings), args.model)
        bundle = load_bundle(folder, settings.models.encoder_dir)
    pairs = make_splits(load_corpus(settings.ade.corpus_dir)).pairs("test")
    if args.pairs:
        pairs = pairs[: args.pairs]
    items = pair_items(pairs)
    labels = [p.label for p in pairs]
    t0 = time.perf_counter()
    onnx_dir = export_onnx(bundle, folder / "onnx", int8=True)
    export_s = time.perf_counter() - t0
    scorer = OnnxScorer(bundle, onnx_dir, args.threads)
    scorer8 = OnnxScorer(bundle, onnx_dir, args.threads, int8=True)
    for sc in (scorer, scorer8):
        sc.score(items[: args.batch], args.batch)  # warm-up
    timings: dict[str, float] = {}
    scores: dict[str, np.ndarray] = {}
    runs: list[tuple[str, Callable[[], np.ndarray]]] = [
        ("torch", lambda: score_items(bundle, items, args.batch, distinct_views=False)),
        ("torch_distinct_views", lambda: score_items(bundle, items, args.batch)),
        ("torch_bf16", lambda: bf16_scores(bundle, items, args.batch)),
        ("onnx", lambda: scorer.score(items, args.batch)),
        ("onnx_int8", lambda: scorer8.score(items, args.batch)),
    ]
    for name, fn in runs:
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            scores[name] = fn()
            best = min(best, time.perf_counter() - t0)
        timings[name] = best
    out = {
        "pairs": len(items),
        "batch": args.batch,
        "threads": args.threads,
        "cpu": platform.processor() or platform.machine(),
        "cpus_visible": os.cpu_count(),
        "load_1min": os.getloadavg()[0],
        "model_version": bundle.version,
        "arch": bundle.cfg.arch,
        "onnx_export_s": round(export_s, 1),
        "pairs_per_s": {k: round(len(items) / v, 1) for k, v in timings.items()},
        "max_abs_prob_diff_vs_torch": {
            k: float(np.abs(scores[k] - scores["torch"]).max())
            for k in ("torch_bf16", "onnx", "onnx_int8")
        },
        "cpu_native_bf16": cpu_bf16("auto"),
        "metrics_on_timed_pairs": None
        if args.untrained
        else {k: binary_metrics(labels, v, bundle.threshold) for k, v in scores.items()},
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
