"""Frozen-encoder token states of BioRED documents, computed once and cached on disk.

The CPU configuration does not fine-tune the encoder: each document is marked and chunked
exactly as for the full model (`encoding.encode_document`: typed entity markers, prefix /
infix / suffix windows), every chunk is read once by the frozen encoder, and the states of
a few layers are max-pooled over the chunks that hold a token. The result, (N, F) float16
per document, is cached under `<var>/biored/features/<spec key>/<document fingerprint>.pt`.
The spec key hashes the encoder id, the layers, the window and the marker scheme; the
fingerprint hashes the document's text and mentions; so a change to either recomputes.

The marker tokens are new to the frozen encoder, so their input embeddings are set, not
learnt: each is the mean embedding of the word pieces of its own text (`<Gene>` ->
`<`, `gene`, `>`), which is deterministic and reads as ordinary text to the encoder."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from core.encoders import ModelDir, load_tokenizer, load_transformer, resolve_model_dir
from core.exceptions import ModelLoadError
from extraction.biored.corpus import Document
from extraction.biored.encoding import MARKER_TOKENS, EncodedDoc, add_marker_tokens, encode_document

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

logger = logging.getLogger(__name__)
MARKER_SCHEME = "piece-mean-v1"  # how marker embeddings are set; part of the cache key


@dataclass(frozen=True)
class FeatureSpec:
    """What the cached states depend on (besides the document)."""

    encoder_id: str
    layers: tuple[int, ...] = (4, 6)  # hidden_states indices (0 = embeddings)
    max_length: int = 256
    overlap: int = 32
    marker_scheme: str = MARKER_SCHEME

    @property
    def window(self) -> int:
        return self.max_length - 2  # [CLS] chunk [SEP]

    def key(self) -> str:
        blob = json.dumps(asdict(self), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> FeatureSpec:
        layers = raw.get("layers", (4, 6))
        return cls(
            str(raw["encoder_id"]),
            tuple(int(x) for x in layers),  # type: ignore[attr-defined]
            int(raw.get("max_length", 256)),  # type: ignore[call-overload]
            int(raw.get("overlap", 32)),  # type: ignore[call-overload]
            str(raw.get("marker_scheme", MARKER_SCHEME)),
        )


def doc_fingerprint(doc: Document) -> str:
    """sha256 of what the states depend on: id, text and the mentions (not the relations)."""
    h = hashlib.sha256()
    h.update(f"{doc.pmid}\x00{doc.text}\x00".encode())
    for m in doc.mentions:
        h.update(f"{m.start}\t{m.end}\t{m.type}\t{';'.join(m.ids)}\n".encode())
    return h.hexdigest()[:24]


class FrozenEncoder:
    """The encoder from disk, markers added, never trained; `states(doc)` -> (N, F)."""

    def __init__(self, model_dir: ModelDir, spec: FeatureSpec) -> None:
        if model_dir.encoder_id != spec.encoder_id:
            raise ModelLoadError(
                f"features were specified for {spec.encoder_id}, "
                f"but the encoder is {model_dir.encoder_id}"
            )
        self.model_dir, self.spec = model_dir, spec
        self.tokenizer: PreTrainedTokenizerBase = load_tokenizer(model_dir)
        pieces = {
            t: self.tokenizer(t.lower(), add_special_tokens=False)["input_ids"]
            for t in MARKER_TOKENS
        }
        add_marker_tokens(self.tokenizer)
        self.transformer: PreTrainedModel = load_transformer(model_dir)
        self.transformer.resize_token_embeddings(len(self.tokenizer), mean_resizing=False)
        emb: torch.Tensor = self.transformer.get_input_embeddings().weight  # type: ignore[assignment]
        with torch.no_grad():
            for tok, ids in pieces.items():  # (V, D) rows of the markers
                emb[self.tokenizer.convert_tokens_to_ids(tok)] = emb[ids].mean(dim=0)
        self.transformer.eval()  # type: ignore[no-untyped-call]
        n = int(self.transformer.config.num_hidden_layers)
        if not spec.layers or max(spec.layers) > n or min(spec.layers) < 0:
            raise ModelLoadError(f"layers {spec.layers} out of range for a {n}-layer encoder")

    @classmethod
    def from_dir(cls, encoder_dir: Path | None, spec: FeatureSpec | None = None) -> FrozenEncoder:
        md = resolve_model_dir(encoder_dir)
        return cls(md, spec or FeatureSpec(md.encoder_id))

    @property
    def dim(self) -> int:
        return int(self.transformer.config.hidden_size) * len(self.spec.layers)

    def encode(self, doc: Document) -> EncodedDoc:
        return encode_document(doc, self.tokenizer, self.spec.window, self.spec.overlap)

    @torch.inference_mode()
    def states(self, enc: EncodedDoc) -> torch.Tensor:
        """(N, F) float16: per token of `enc.ids`, the chosen layers concatenated, max-pooled
        over every chunk that holds the token."""
        tok = self.tokenizer
        rows = [[tok.cls_token_id, *enc.ids[a:b], tok.sep_token_id] for a, b in enc.chunks]
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), int(tok.pad_token_id), dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = torch.tensor(r)
            mask[i, : len(r)] = 1
        out = self.transformer(input_ids=ids, attention_mask=mask, output_hidden_states=True)
        hidden = torch.cat([out.hidden_states[k] for k in self.spec.layers], dim=-1)  # (C, T, F)
        pooled = torch.full((len(enc.ids), hidden.shape[-1]), float("-inf"))
        for c, (a, b) in enumerate(enc.chunks):
            pooled[a:b] = torch.maximum(pooled[a:b], hidden[c, 1 : 1 + b - a])
        return pooled.to(torch.float16)


class FeatureCache:
    """Token states per document on disk (one file per document), computed when missing."""

    def __init__(self, root: Path | None, encoder: FrozenEncoder) -> None:
        self.encoder = encoder
        self.folder = None if root is None else root / encoder.spec.key()
        self.hits = self.misses = 0

    def path(self, doc: Document) -> Path | None:
        return None if self.folder is None else self.folder / f"{doc_fingerprint(doc)}.pt"

    def get(self, doc: Document, enc: EncodedDoc) -> torch.Tensor:
        path = self.path(doc)
        if path is not None and path.is_file():
            states: torch.Tensor = torch.load(path, map_location="cpu", weights_only=True)
            if states.shape[0] == len(enc.ids):
                self.hits += 1
                return states
            logger.warning("%s: stale feature file (%d tokens), recomputing", path, len(states))
        self.misses += 1
        states = self.encoder.states(enc)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            torch.save(states, tmp)
            tmp.replace(path)
            spec_file = path.parent / "spec.json"
            if not spec_file.is_file():
                spec_file.write_text(json.dumps(self.encoder.spec.to_dict(), indent=2) + "\n")
        return states
