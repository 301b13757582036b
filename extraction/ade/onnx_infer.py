"""ONNX export of the pair classifier and an onnxruntime scorer with the same interface.

A two-view model is exported as three graphs, so that ONNX Runtime scores like the PyTorch
service path (each distinct drug view and ADR view encoded once, then every candidate pair
classified): `drug_view.onnx` and `adr_view.onnx` (token ids -> pooled, projected vector) and
`classify.onnx` (the two vectors -> logit). The marker baseline is one graph, `pair.onnx`
(token ids with both markers -> logit).

Encoder graphs are exported with the encoder's plain ("eager") attention, which ONNX Runtime's
transformer optimizer recognises and fuses (one Attention node per layer, fused embedding and
skip LayerNorms, bias GELU); a graph it cannot fuse is kept as exported. With `int8`, the
encoder graphs are also written with dynamically quantised int8 weights (`*.int8.onnx`); the
classifier stays fp32."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from core.encoders import onnx_session
from core.exceptions import ModelLoadError
from extraction.ade.checkpoint import Item, PairBundle, score_distinct_views, view_batches
from extraction.ade.model import DualEncoder
from extraction.ade.pair_tokens import encode_joint, joint_batches

logger = logging.getLogger(__name__)

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


@contextmanager
def _eager_attention(model: nn.Module) -> Iterator[None]:
    """Export-time attention implementation: the unfused matmul-softmax-matmul form."""
    encoders = model.encoders()  # type: ignore[operator]
    before = [e.config._attn_implementation for e in encoders]
    for e in encoders:
        e.set_attn_implementation("eager")
    try:
        yield
    finally:
        for e, impl in zip(encoders, before, strict=True):
            e.set_attn_implementation(impl)


def _fuse(path: Path, model: nn.Module) -> None:
    """Rewrite the graph at `path` with ONNX Runtime's BERT fusions, in place."""
    from onnxruntime.transformers.optimizer import optimize_model

    config = model.encoders()[0].config  # type: ignore[operator]
    try:
        fused = optimize_model(
            str(path),
            model_type="bert",
            num_heads=config.num_attention_heads,
            hidden_size=config.hidden_size,
        )
    except Exception as e:  # the optimizer raises untyped errors on graphs it cannot read
        logger.warning("%s: kept unfused (%s)", path, e)
        return
    stats = fused.get_fused_operator_statistics()
    if not stats.get("Attention"):
        logger.warning("%s: no attention fused; kept as exported", path)
        return
    tmp = path.with_suffix(".fused.tmp")
    fused.save_model_to_file(str(tmp))
    tmp.replace(path)


def _encoder_graph(
    module: nn.Module,
    model: nn.Module,
    args: tuple[torch.Tensor, ...],
    folder: Path,
    name: str,
    int8: bool,
) -> None:
    """Export `module` (a graph over `model`'s encoder: token ids, mask -> output) as
    `folder/name`, fused, and with `int8` also its quantised copy."""
    path = graph_file(folder, name)
    with _eager_attention(model):
        _export(module, args, ["ids", "mask"], path, True)
    _fuse(path, model)
    if int8:
        _quantize(path, graph_file(folder, name, True))


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
        _encoder_graph(model, model, (enc["ids"], enc["mask"]), folder, JOINT, int8)
        return folder
    enc = bundle.tokenizer(["Aspirin caused [ADR] bleeding [/ADR]."] * 2, return_tensors="pt")
    for adr, name in VIEWS.items():
        args = (enc["input_ids"], enc["attention_mask"])
        _encoder_graph(_View(model, adr), model, args, folder, name, int8)
    vec = torch.zeros(2, bundle.cfg.fusion_dim)
    _export(_Classify(model), (vec, vec), ["d", "a"], graph_file(folder, CLASSIFY), False)
    return folder


def _quantize(src: Path, dst: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # fused nodes (Attention, SkipLayerNormalization) carry no inferred output types
    extra = {"DefaultTensorType": onnx.TensorProto.FLOAT}
    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, extra_options=extra)


class OnnxScorer:
    """Scores items like `checkpoint.score_items` from the graphs `export_onnx` wrote. Made
    for batch scoring: its threads busy-wait between runs unless `spinning` is off."""

    def __init__(
        self,
        bundle: PairBundle,
        folder: Path,
        threads: int = 2,
        int8: bool = False,
        spinning: bool = True,
    ) -> None:
        self.bundle = bundle
        self.dual = isinstance(bundle.model, DualEncoder)
        names = [VIEWS[False], VIEWS[True]] if self.dual else [JOINT]
        self.sessions = {
            n: self._session(graph_file(folder, n, int8), threads, spinning) for n in names
        }
        if self.dual:
            path = graph_file(folder, CLASSIFY)
            self.sessions[CLASSIFY] = self._session(path, threads, spinning)

    @staticmethod
    def _session(path: Path, threads: int, spinning: bool) -> Any:
        if not path.is_file():
            raise ModelLoadError(f"{path}: no ONNX graph; export it with bench/extract_ade.py")
        return onnx_session(path, threads, "ADE graph", spinning)

    def score(self, items: Sequence[Item], batch_size: int = 64) -> np.ndarray:
        if self.dual:
            return score_distinct_views(
                items,
                lambda texts, adr: self._embed(texts, adr, batch_size),
                lambda d, a: self.sessions[CLASSIFY].run(["out"], {"d": d, "a": a})[0],
                np.stack,
            )
        out = np.zeros(len(items), dtype=np.float32)
        cfg = self.bundle.cfg
        for idx, enc in joint_batches(
            self.bundle.tokenizer, items, cfg.max_length, cfg.context_chars, batch_size
        ):
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
