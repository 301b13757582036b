"""The frozen encoder and its on-disk caches.

Questions, verbalized relations and entity names are embedded by one frozen encoder
(mean pooling, L2-normalised, so inner product = cosine). Entity and relation embeddings
are cached under var/index/<encoder id>/<graph version>/ in a FAISS index plus JSON
metadata: a changed encoder or a new ingest/extraction run gives a new folder, and an
existing folder is reused as is."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import torch

from core.encoders import ModelDir, encode_texts, load_tokenizer, load_transformer
from core.exceptions import ModelLoadError, RetrievalError
from core.progress import Bars
from core.settings import ModelSettings
from graph.repository import GraphStore
from retrieval.onnx_encoder import OnnxEncoder, load_onnx_encoder
from retrieval.relations import Relation

logger = logging.getLogger(__name__)


class FrozenEncoder:
    """A sentence encoder that is never trained: inference mode, no gradients."""

    def __init__(self, model: ModelDir, cfg: ModelSettings, cache_size: int = 4096) -> None:
        torch.set_num_threads(cfg.torch_threads)
        self.model_dir = model
        self.max_length = cfg.max_length
        self.batch_size = cfg.batch_size
        # Both load on first use: a CLI call that finds the ONNX graph and the index cached
        # encodes its one question with neither transformers nor PyTorch's transformer.
        self._tokenizer: Any = None
        self._model: Any = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self.threads = cfg.torch_threads
        self.onnx: OnnxEncoder | None = None  # set by use_onnx: questions go through it

    @property
    def tokenizer(self) -> Any:
        """The Hugging Face tokenizer (for batches and the ONNX export)."""
        if self._tokenizer is None:
            self._tokenizer = load_tokenizer(self.model_dir)
        return self._tokenizer

    @property
    def model(self) -> Any:
        """The PyTorch transformer, loaded at the first batch to encode (or ONNX export)."""
        if self._model is None:
            self._model = load_transformer(self.model_dir)
            self._model.eval()
        return self._model

    def use_onnx(self, var_dir: Path) -> None:
        """Encode questions with onnxruntime (see retrieval/onnx_encoder.py)."""
        self.onnx = load_onnx_encoder(
            self.model_dir, lambda: self.model, lambda: self.tokenizer, var_dir, self.threads
        )

    @property
    def encoder_id(self) -> str:
        return self.model_dir.encoder_id

    @property
    def dim(self) -> int:
        return self.model_dir.hidden_size

    def encode(self, texts: Sequence[str], max_length: int | None = None) -> np.ndarray:
        """(N, D) float32, unit norm."""
        return encode_texts(
            self.tokenizer, self.model, texts, self.batch_size, max_length or self.max_length
        )

    def encode_query(self, text: str) -> np.ndarray:
        """One question, (D,), with a small LRU cache (pipelines repeat questions)."""
        hit = self._cache.get(text)
        if hit is not None:
            self._cache.move_to_end(text)
            return hit
        if self.onnx is not None:
            vec: np.ndarray = self.onnx.encode([text], self.max_length)[0]
        else:
            vec = self.encode([text])[0]
        self._cache[text] = vec
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return vec


def load_encoder(model: ModelDir, cfg: ModelSettings) -> FrozenEncoder:
    try:
        return FrozenEncoder(model, cfg)
    except (OSError, RuntimeError) as e:
        raise ModelLoadError(f"cannot load encoder {model.encoder_id}: {e}") from e


@dataclass
class EmbeddingIndex:
    """Entity name vectors (one row per entity, FAISS inner product) and relation vectors."""

    folder: Path
    ids: list[str]
    names: list[str]
    categories: list[str]
    index: faiss.Index
    relation_keys: list[str]
    relation_vectors: np.ndarray  # (R, D)

    def __post_init__(self) -> None:
        self._matrix: np.ndarray | None = None
        self.position = {i: n for n, i in enumerate(self.ids)}
        self.relation_position = {k: n for n, k in enumerate(self.relation_keys)}

    def entity_vectors(self, ids: Sequence[str]) -> np.ndarray:
        """(N, D) name vectors of `ids` (zeros for an id the index does not hold)."""
        return self.vectors_at(self.entity_rows(ids))

    def entity_rows(self, ids: Sequence[str]) -> np.ndarray:
        """(N,) rows of `ids` for vectors_at; an id the index does not hold gets the zero row."""
        missing = len(self.ids)
        return np.fromiter(
            (self.position.get(i, missing) for i in ids), dtype=np.int64, count=len(ids)
        )

    def vectors_at(self, rows: np.ndarray) -> np.ndarray:
        """(N, D) name vectors at `rows` (from entity_rows)."""
        if self._matrix is None:
            # One copy of all vectors, plus a zero row for unknown ids: gathers are one numpy call.
            self._matrix = np.vstack(
                [self.all_entity_vectors(), np.zeros((1, self.index.d), dtype=np.float32)]
            )
        out: np.ndarray = self._matrix[rows]
        return out

    def all_entity_vectors(self) -> np.ndarray:
        vectors: np.ndarray = np.asarray(
            self.index.reconstruct_n(0, self.index.ntotal), dtype=np.float32
        )
        return vectors

    def nearest(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        scores, rows = self.index.search(np.ascontiguousarray(vectors, dtype=np.float32), k)
        return scores, rows


def graph_version_rows(store: GraphStore) -> dict[str, list[str]]:
    """The completed ingest and extraction runs: what every cache over the graph depends on."""
    rows = store.read("retrieval/graph_version")
    parts: dict[str, Any] = rows[0] if rows else {}
    return {
        "ingest": sorted(parts.get("ingest") or []),
        "extraction": sorted(parts.get("extraction") or []),
    }


def graph_version(store: GraphStore, relations: Sequence[Relation]) -> str:
    payload = json.dumps(
        {**graph_version_rows(store), "relations": [r.key for r in relations]}, sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def build_or_load(
    store: GraphStore,
    encoder: FrozenEncoder,
    relations: Sequence[Relation],
    var_dir: Path,
    with_entities: bool = True,
) -> EmbeddingIndex:
    """The cached index for this encoder and graph version, built when it is missing.
    `with_entities=False` skips embedding every entity name when no cache exists yet
    (scorers that see only relations need no entity vectors)."""
    folder = (
        var_dir / "index" / encoder.encoder_id.replace("@", "_") / graph_version(store, relations)
    )
    if (folder / "meta.json").is_file():
        return _load(folder)
    if not with_entities:
        rel_vecs = encoder.encode([r.text for r in relations])
        empty = faiss.IndexFlatIP(encoder.dim)
        return EmbeddingIndex(folder, [], [], [], empty, [r.key for r in relations], rel_vecs)
    return _build(store, encoder, relations, folder)


def _encode_reusing(
    encoder: FrozenEncoder, ids: list[str], names: list[str], encoder_dir: Path
) -> np.ndarray:
    """Name vectors; those an earlier cache of the same encoder holds are copied, not
    re-encoded, so a small change to the graph costs only its new names."""
    known: dict[tuple[str, str], np.ndarray] = {}
    previous = sorted(encoder_dir.glob("*/meta.json"), key=lambda p: p.stat().st_mtime)
    if previous:
        old = _load(previous[-1].parent)
        wanted = set(zip(ids, names, strict=True))
        for pos, key in enumerate(zip(old.ids, old.names, strict=True)):
            if key in wanted:
                known[key] = np.asarray(old.index.reconstruct(pos), dtype=np.float32)
    todo = [n for n, key in enumerate(zip(ids, names, strict=True)) if key not in known]
    logger.info(
        "embedding %d entity names with %s (%d reused from the previous cache)",
        len(todo),
        encoder.encoder_id,
        len(ids) - len(todo),
    )
    vectors = np.zeros((len(ids), encoder.dim), dtype=np.float32)
    for n, key in enumerate(zip(ids, names, strict=True)):
        if key in known:
            vectors[n] = known[key]
    step = 4096
    with Bars(unit="names").task("embedding entity names", len(todo)) as advance:
        for start in range(0, len(todo), step):
            part = todo[start : start + step]
            vectors[part] = encoder.encode([names[i] for i in part], max_length=32)
            advance(len(part))
    return vectors


def _load(folder: Path) -> EmbeddingIndex:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        index = faiss.read_index(str(folder / "entities.faiss"))
        rel_vecs = np.load(folder / "relations.npy")
    except (OSError, ValueError, RuntimeError) as e:
        raise RetrievalError(f"embedding cache {folder} is unreadable ({e}); delete it") from e
    return EmbeddingIndex(
        folder, meta["ids"], meta["names"], meta["categories"], index, meta["relations"], rel_vecs
    )


def _build(
    store: GraphStore, encoder: FrozenEncoder, relations: Sequence[Relation], folder: Path
) -> EmbeddingIndex:
    started = time.perf_counter()
    rows = [r for r in store.stream("retrieval/stream_entity_names") if r["id"]]
    names = [str(r["name"] or r["id"]) for r in rows]
    vectors = _encode_reusing(encoder, [r["id"] for r in rows], names, folder.parent)
    index = faiss.IndexFlatIP(encoder.dim)
    index.add(vectors)
    rel_vecs = encoder.encode([r.text for r in relations])
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    faiss.write_index(index, str(tmp / "entities.faiss"))
    np.save(tmp / "relations.npy", rel_vecs)
    meta = {
        "encoder": encoder.encoder_id,
        "ids": [r["id"] for r in rows],
        "names": names,
        "categories": [str(r["category"] or "") for r in rows],
        "relations": [r.key for r in relations],
        "relation_texts": [r.text for r in relations],
        "built_in_s": round(time.perf_counter() - started, 1),
    }
    (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    tmp.replace(folder)  # atomic: a half-built cache is never picked up
    logger.info("embedding cache written to %s in %.1f s", folder, meta["built_in_s"])
    return _load(folder)
