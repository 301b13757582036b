"""Save and load a pair classifier with its config, tokenizer, threshold and metrics, and
score pairs with it (length-sorted batches, no gradient)."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from core.encoders import ModelDir, load_tokenizer, load_transformer, resolve_model_dir
from core.exceptions import ModelLoadError
from extraction.ade.markers import ADR_OPEN, DRUG_OPEN, adr_view, drug_view
from extraction.ade.model import DualEncoder, MarkerClassifier, PairConfig
from extraction.ade.pair_tokens import (
    add_marker_tokens,
    encode_dual,
    encode_joint,
    joint_batches,
    to_model,
)

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

Item = tuple[str, tuple[int, int], tuple[int, int]]
MODEL_FILE, META_FILE, TOKENIZER_DIR = "model.pt", "meta.json", "tokenizer"


@dataclass
class PairBundle:
    model: nn.Module
    tokenizer: PreTrainedTokenizerBase
    cfg: PairConfig
    threshold: float = 0.5
    version: str = "untrained"
    meta: dict[str, Any] = field(default_factory=dict)


def build_model(
    cfg: PairConfig, model_dir: ModelDir, tok: PreTrainedTokenizerBase, pretrained: bool = True
) -> nn.Module:
    if pretrained:
        enc = load_transformer(model_dir)
    else:
        from transformers import AutoConfig, AutoModel

        enc = AutoModel.from_config(AutoConfig.from_pretrained(str(model_dir.path)))  # type: ignore[no-untyped-call]
    # A new model's marker rows start from the embeddings' mean (transformers' default); a
    # loaded one gets them from its state_dict, so the mean (and its notice) is not needed.
    enc.resize_token_embeddings(cfg.vocab_size, mean_resizing=pretrained)
    if cfg.arch == "single":
        drug_id = tok.convert_tokens_to_ids(DRUG_OPEN)
        adr_id = tok.convert_tokens_to_ids(ADR_OPEN)
        assert isinstance(drug_id, int) and isinstance(adr_id, int)
        return MarkerClassifier(cfg, enc, drug_id, adr_id)
    return DualEncoder(cfg, enc, copy.deepcopy(enc) if cfg.arch == "dual" else enc)


def new_bundle(
    model_dir: ModelDir,
    arch: str,
    pooling: str,
    max_length: int,
    fusion_dim: int = 256,
    context_chars: int = 0,
) -> PairBundle:
    tok = load_tokenizer(model_dir)
    vocab = add_marker_tokens(tok)
    cfg = PairConfig(
        model_dir.encoder_id,
        model_dir.hidden_size,
        vocab,
        arch,
        pooling,
        fusion_dim=fusion_dim,
        max_length=max_length,
        context_chars=context_chars,
    )
    return PairBundle(build_model(cfg, model_dir, tok), tok, cfg)


def save_bundle(bundle: PairBundle, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{MODEL_FILE}.tmp"
    state = {k: v.cpu() for k, v in bundle.model.state_dict().items()}
    torch.save({"config": bundle.cfg.to_dict(), "state_dict": state}, tmp)
    bundle.version = hashlib.sha256(tmp.read_bytes()).hexdigest()[:12]
    bundle.tokenizer.save_pretrained(str(folder / TOKENIZER_DIR))
    meta = {**bundle.meta, "threshold": bundle.threshold, "version": bundle.version}
    (folder / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True))
    tmp.replace(folder / MODEL_FILE)
    return bundle.version


def load_bundle(folder: Path, encoder_dir: Path | None = None) -> PairBundle:
    model_file, meta_file = folder / MODEL_FILE, folder / META_FILE
    if not model_file.is_file() or not meta_file.is_file():
        raise ModelLoadError(
            f"{folder}: no ADE checkpoint ({MODEL_FILE}, {META_FILE}); "
            "train one with `evigraph extract ade-train`"
        )
    from transformers import AutoTokenizer

    state = torch.load(model_file, map_location="cpu", weights_only=True)
    meta = json.loads(meta_file.read_text())
    cfg = PairConfig(**state["config"])
    model_dir = resolve_model_dir(encoder_dir)
    if model_dir.encoder_id != cfg.encoder_id:
        raise ModelLoadError(
            f"{folder}: trained on encoder {cfg.encoder_id}, configured {model_dir.encoder_id}"
        )
    tok = AutoTokenizer.from_pretrained(str(folder / TOKENIZER_DIR), local_files_only=True)
    model = build_model(cfg, model_dir, tok, pretrained=False)
    model.load_state_dict(state["state_dict"])
    model.eval()
    return PairBundle(model, tok, cfg, float(meta["threshold"]), str(meta["version"]), meta)


def forward_batch(bundle: PairBundle, items: Sequence[Item]) -> torch.Tensor:
    if bundle.cfg.arch == "single":
        cfg = bundle.cfg
        enc = encode_joint(bundle.tokenizer, items, cfg.max_length, cfg.context_chars)
        b = to_model(enc, bundle.model)
        return bundle.model(b["ids"], b["mask"])  # type: ignore[no-any-return]
    b = to_model(encode_dual(bundle.tokenizer, items, bundle.cfg.max_length), bundle.model)
    return bundle.model(b["d_ids"], b["d_mask"], b["a_ids"], b["a_mask"])  # type: ignore[no-any-return]


ViewVectors = Callable[[Sequence[str], bool], dict[str, Any]]
PairLogits = Callable[[Any, Any], np.ndarray]


def view_batches(
    tok: PreTrainedTokenizerBase, texts: Sequence[str], max_length: int, batch_size: int
) -> Iterator[tuple[list[str], torch.Tensor, torch.Tensor]]:
    """Distinct view texts, shortest first, tokenised in batches: (texts, ids, mask)."""
    uniq = sorted(set(texts), key=len)
    for k in range(0, len(uniq), batch_size):
        chunk = uniq[k : k + batch_size]
        enc = tok(chunk, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
        yield chunk, enc["input_ids"], enc["attention_mask"]


def score_distinct_views(
    items: Sequence[Item], embed: ViewVectors, classify: PairLogits, stack: Callable[..., Any]
) -> np.ndarray:
    """Probabilities of (text, drug span, ae span) items: each distinct drug view and ADR
    view is embedded once by `embed(texts, adr)` (a mention in many candidate pairs costs one
    encoder pass), then every pair's vectors go through `classify(d, a)` -> logits."""
    d_texts = [drug_view(t, d) for t, d, _ in items]
    a_texts = [adr_view(t, a) for t, _, a in items]
    d_vec, a_vec = embed(d_texts, False), embed(a_texts, True)
    out = np.zeros(len(items), dtype=np.float32)
    for k in range(0, len(items), 256):
        d = stack([d_vec[t] for t in d_texts[k : k + 256]])
        a = stack([a_vec[t] for t in a_texts[k : k + 256]])
        out[k : k + 256] = 1 / (1 + np.exp(-classify(d, a)))
    return out


def _embed_views(
    bundle: PairBundle, texts: Sequence[str], adr: bool, batch_size: int
) -> dict[str, torch.Tensor]:
    """Pooled and projected vectors of distinct view texts, each encoded once."""
    model = bundle.model
    assert isinstance(model, DualEncoder)
    out: dict[str, torch.Tensor] = {}
    for chunk, ids, mask in view_batches(
        bundle.tokenizer, texts, bundle.cfg.max_length, batch_size
    ):
        b = to_model({"ids": ids, "mask": mask}, model)
        out.update(zip(chunk, model.view(b["ids"], b["mask"], adr), strict=True))
    return out


def score_items(
    bundle: PairBundle, items: Sequence[Item], batch_size: int = 64, distinct_views: bool = True
) -> np.ndarray:
    """Probabilities for (text, drug span, ae span) items, in input order. With two views,
    each distinct drug view and ADR view is encoded once (a mention in many candidate pairs
    costs one encoder pass), then every pair goes through the fusion and classifier;
    `distinct_views=False` runs both views of every pair, as the ONNX graph does."""
    model = bundle.model
    if not items:  # a text with drugs and no event (or the reverse) has no pair to score
        return np.zeros(0, dtype=np.float32)
    if distinct_views and isinstance(model, DualEncoder):
        return _score_dual(bundle, items, batch_size)
    out = np.zeros(len(items), dtype=np.float32)
    model.eval()
    with torch.inference_mode():
        if isinstance(model, MarkerClassifier):
            cfg = bundle.cfg
            for idx, b in joint_batches(
                bundle.tokenizer, items, cfg.max_length, cfg.context_chars, batch_size
            ):
                b = to_model(b, model)
                out[idx] = torch.sigmoid(model(b["ids"], b["mask"])).float().cpu().numpy()
            return out
        order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
        for k in range(0, len(order), batch_size):
            idx = order[k : k + batch_size]
            logits = forward_batch(bundle, [items[i] for i in idx])
            out[idx] = torch.sigmoid(logits).float().cpu().numpy()
    return out


def _score_dual(bundle: PairBundle, items: Sequence[Item], batch_size: int) -> np.ndarray:
    model = bundle.model
    assert isinstance(model, DualEncoder)
    model.eval()
    with torch.inference_mode():
        return score_distinct_views(
            items,
            lambda texts, adr: _embed_views(bundle, texts, adr, batch_size),
            lambda d, a: model.classify(d, a).float().cpu().numpy(),
            torch.stack,
        )
