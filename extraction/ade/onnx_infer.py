"""ONNX export of the pair classifier and an onnxruntime scorer with the same interface."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from core.exceptions import ModelLoadError
from extraction.ade.checkpoint import Item, PairBundle
from extraction.ade.features import encode_dual, encode_joint

INPUTS_DUAL = ("d_ids", "d_mask", "a_ids", "a_mask")
INPUTS_JOINT = ("ids", "mask")


def export_onnx(bundle: PairBundle, path: Path, opset: int = 17) -> Path:
    """Trace the model on a small batch; batch and sequence axes stay dynamic."""
    sample: Sequence[Item] = [("Aspirin caused bleeding.", (0, 7), (15, 23))] * 2
    dual = bundle.cfg.arch != "single"
    enc = (encode_dual if dual else encode_joint)(bundle.tokenizer, sample, bundle.cfg.max_length)
    names = INPUTS_DUAL if dual else INPUTS_JOINT
    args = tuple(enc[n] for n in names)
    axes = {n: {0: "batch", 1: "seq"} for n in names} | {"logit": {0: "batch"}}
    path.parent.mkdir(parents=True, exist_ok=True)
    bundle.model.eval()
    torch.onnx.export(
        bundle.model,
        args,
        str(path),
        input_names=list(names),
        output_names=["logit"],
        dynamic_axes=axes,
        opset_version=opset,
        dynamo=False,
    )
    return path


class OnnxScorer:
    def __init__(self, bundle: PairBundle, path: Path, threads: int = 2) -> None:
        import onnxruntime as ort

        if not path.is_file():
            raise ModelLoadError(f"{path}: no ONNX model; export it with bench/extract_ade.py")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.bundle = bundle

    def score(self, items: Sequence[Item], batch_size: int = 64) -> np.ndarray:
        dual = self.bundle.cfg.arch != "single"
        encode = encode_dual if dual else encode_joint
        names = INPUTS_DUAL if dual else INPUTS_JOINT
        order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
        out = np.zeros(len(items), dtype=np.float32)
        for k in range(0, len(order), batch_size):
            idx = order[k : k + batch_size]
            enc = encode(self.bundle.tokenizer, [items[i] for i in idx], self.bundle.cfg.max_length)
            feeds = {n: enc[n].numpy().astype(np.int64) for n in names}
            (logit,) = self.session.run(["logit"], feeds)
            out[idx] = 1 / (1 + np.exp(-logit))
        return out
