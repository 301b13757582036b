"""ONNX export of the pair classifier and an onnxruntime scorer with the same interface.

A two-view model is exported as three graphs, so that ONNX Runtime scores like the PyTorch
service path (each distinct drug view and ADR view encoded once, then every candidate pair
classified): `drug_view.onnx` and `adr_view.onnx` (token ids -> pooled, projected vector) and
`classify.onnx` (the two vectors -> logit). With `int8`, the view graphs are also written with
dynamically quantised int8 weights (`*.int8.onnx`); the classifier stays fp32. The marker
baseline is one graph, `pair.onnx` (token ids with both markers -> logit)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from core.exceptions import ModelLoadError
from core.models import onnx_session
from extraction.ade.checkpoint import Item, PairBundle, score_distinct_views, view_batches
from extraction.ade.features import encode_joint
from extraction.ade.model import DualEncoder

VIEWS = {False: "drug_view", True: "adr_view"}
CLASSIFY, JOINT = "classify", "pair"


class _View(nn.Module):
    def __init__(self, model: DualEncoder, adr: bool) -> None:
        super().__init__()
        self.model, self.adr = model, adr

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.model.view(ids, mask, self.adr)


class _Classify(nn.Module):
    def __init__(self, model: DualEncoder) -> None:
        super().__init__()
        self.model = model

    def forward(self, d: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        return self.model.classify(d, a)


def _export(
    module: nn.Module, args: tuple[torch.Tensor, ...], names: list[str], path: Path, seq: bool
) -> None:
    axes: dict[str, dict[int, str]] = {
        n: {0: "batch", 1: "seq"} if seq else {0: "batch"} for n in names
    }
    torch.onnx.export(
        module,
        args,
        str(path),
        input_names=names,
        output_names=["out"],
        dynamic_axes=axes | {"out": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )


def graph_file(folder: Path, name: str, int8: bool = False) -> Path:
    return folder / f"{name}{'.int8' if int8 else ''}.onnx"


def export_onnx(bundle: PairBundle, folder: Path, int8: bool = False) -> Path:
    """Write the graphs of `bundle` into `folder` (batch and sequence axes dynamic)."""
    folder.mkdir(parents=True, exist_ok=True)
    model = bundle.model
    model.eval()
    sample: Sequence[Item] = [("Aspirin caused bleeding.", (0, 7), (15, 23))] * 2
    if not isinstance(model, DualEncoder):
        enc = encode_joint(bundle.tokenizer, sample, bundle.cfg.max_length)
        _export(model, (enc["ids"], enc["mask"]), ["ids", "mask"], graph_file(folder, JOINT), True)
        if int8:
            _quantize(graph_file(folder, JOINT), graph_file(folder, JOINT, True))
        return folder
    enc = bundle.tokenizer(["Aspirin caused [ADR] bleeding [/ADR]."] * 2, return_tensors="pt")
    for adr, name in VIEWS.items():
        args = (enc["input_ids"], enc["attention_mask"])
        _export(_View(model, adr), args, ["ids", "mask"], graph_file(folder, name), True)
        if int8:
            _quantize(graph_file(folder, name), graph_file(folder, name, True))
    vec = torch.zeros(2, bundle.cfg.fusion_dim)
    _export(_Classify(model), (vec, vec), ["d", "a"], graph_file(folder, CLASSIFY), False)
    return folder


def _quantize(src: Path, dst: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)


class OnnxScorer:
    """Scores items like `checkpoint.score_items` from the graphs `export_onnx` wrote."""

    def __init__(
        self, bundle: PairBundle, folder: Path, threads: int = 2, int8: bool = False
    ) -> None:
        self.bundle = bundle
        self.dual = isinstance(bundle.model, DualEncoder)
        names = [VIEWS[False], VIEWS[True]] if self.dual else [JOINT]
        self.sessions = {n: self._session(graph_file(folder, n, int8), threads) for n in names}
        if self.dual:
            self.sessions[CLASSIFY] = self._session(graph_file(folder, CLASSIFY), threads)

    @staticmethod
    def _session(path: Path, threads: int) -> Any:
        if not path.is_file():
            raise ModelLoadError(f"{path}: no ONNX graph; export it with bench/extract_ade.py")
        return onnx_session(path, threads, "ADE graph")

    def score(self, items: Sequence[Item], batch_size: int = 64) -> np.ndarray:
        if self.dual:
            return score_distinct_views(
                items,
                lambda texts, adr: self._embed(texts, adr, batch_size),
                lambda d, a: self.sessions[CLASSIFY].run(["out"], {"d": d, "a": a})[0],
                np.stack,
            )
        order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
        out = np.zeros(len(items), dtype=np.float32)
        for k in range(0, len(order), batch_size):
            idx = order[k : k + batch_size]
            enc = encode_joint(
                self.bundle.tokenizer, [items[i] for i in idx], self.bundle.cfg.max_length
            )
            feeds = {n: enc[n].numpy().astype(np.int64) for n in ("ids", "mask")}
            (logit,) = self.sessions[JOINT].run(["out"], feeds)
            out[idx] = 1 / (1 + np.exp(-logit))
        return out

    def _embed(self, texts: Sequence[str], adr: bool, batch_size: int) -> dict[str, np.ndarray]:
        session = self.sessions[VIEWS[adr]]
        out: dict[str, np.ndarray] = {}
        cfg = self.bundle.cfg
        for chunk, ids, mask in view_batches(
            self.bundle.tokenizer, texts, cfg.max_length, batch_size
        ):
            feeds = {"ids": ids.numpy().astype(np.int64), "mask": mask.numpy().astype(np.int64)}
            (vecs,) = session.run(["out"], feeds)
            out.update(zip(chunk, vecs, strict=True))
        return out
