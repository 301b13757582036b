"""Entity markers and chunking (every mention kept, offsets exact), soft-prompt and head
shapes, and a tiny model whose loss falls in a few steps."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import torch
from transformers import BertConfig, BertModel

from core.encoders import load_tokenizer, resolve_model_dir
from extraction.biored.checkpoint import Loaded
from extraction.biored.corpus import Document, read_pubtator
from extraction.biored.encoding import MARKERS, add_marker_tokens, encode_document, plan_chunks
from extraction.biored.model import BioREDConfig, BioREDModel
from extraction.biored.pairs import candidates
from extraction.biored.train import TrainParams, predict, prepare, train

DATA = Path(__file__).parents[1] / "data" / "biored"


def _tiny(max_length: int = 64, frozen: int = 0) -> Loaded:
    encoder = resolve_model_dir(None)
    tok = load_tokenizer(encoder)
    vocab = add_marker_tokens(tok)
    torch.manual_seed(0)
    bert = BertModel(
        BertConfig(
            vocab_size=vocab,
            hidden_size=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=512,
        )
    )
    cfg = BioREDConfig("tiny", 32, vocab, max_length, frozen_layers=frozen, overlap=8)
    model = BioREDModel(cfg, bert, tok.cls_token_id, tok.sep_token_id, tok.pad_token_id)
    return Loaded(model, tok, encoder, {"version": "test"})


def _docs() -> list[Document]:
    return read_pubtator(DATA / "sample.pubtator")


def test_markers_wrap_every_mention_with_its_text() -> None:
    loaded = _tiny()
    tok = loaded.tokenizer
    for doc in _docs():
        enc = encode_document(doc, tok, window=40, overlap=8)
        assert len(enc.spans) == len([m for m in doc.mentions if m.ids])
        for m, (a, b) in zip([m for m in doc.mentions if m.ids], enc.spans, strict=True):
            start, end = MARKERS[m.type]
            assert enc.ids[a] == tok.convert_tokens_to_ids(start)
            assert enc.ids[b] == tok.convert_tokens_to_ids(end)
            inner = [i for i in enc.ids[a + 1 : b] if i not in tok.all_special_ids]
            assert str(tok.decode(inner)).replace(" ", "") == m.text.lower().replace(" ", "")


def test_chunks_keep_every_mention_whole() -> None:
    tok = _tiny().tokenizer
    for doc in _docs():
        for window in (40, 64, 246):
            enc = encode_document(doc, tok, window=window, overlap=8)
            assert enc.chunks[0][0] == 0 and enc.chunks[-1][1] == len(enc.ids)  # prefix, suffix
            assert all(e - s <= window for s, e in enc.chunks)
            for a, b in enc.spans:
                assert any(s <= a and b < e for s, e in enc.chunks), (doc.pmid, window, a, b)
            covered = set().union(*(range(s, e) for s, e in enc.chunks))
            assert covered == set(range(len(enc.ids)))


def test_plan_chunks_random_spans() -> None:
    rng = random.Random(1)
    for _ in range(200):
        n, window = rng.randint(1, 900), rng.randint(20, 120)
        spans = []
        for _ in range(rng.randint(0, 30)):
            a = rng.randrange(n)
            spans.append((a, min(n - 1, a + rng.randint(0, 9))))
        chunks = plan_chunks(n, window, spans, overlap=8)
        assert set().union(*(range(s, e) for s, e in chunks)) == set(range(n))
        assert all(any(s <= a and b < e for s, e in chunks) for a, b in spans)
        if n > window:
            assert (0, window) in chunks and (n - window, n) in chunks


def test_soft_prompt_and_head_shapes() -> None:
    loaded = _tiny(max_length=64)
    doc = _docs()[0]
    enc = encode_document(doc, loaded.tokenizer, loaded.model.cfg.window, 8)
    assert len(enc.chunks) > 1  # long enough to exercise the max-pooling over chunks
    model = loaded.model
    assert tuple(model.soft_prompt.shape) == (8, 32)
    ids, _mask = model.chunk_batch(enc)
    assert ids.shape[0] == len(enc.chunks) and ids.shape[1] <= 64
    mentions, context = model.encode(enc)
    assert tuple(mentions.shape) == (len(enc.spans), 32) and tuple(context.shape) == (32,)
    pairs = [(c.id1, c.id2) for c in candidates(doc)]
    out = model(enc, pairs)
    assert tuple(out.type_logits.shape) == (len(pairs), 9)
    assert tuple(out.novelty_logits.shape) == (len(pairs), 2)
    assert tuple(out.direction_logits.shape) == (len(pairs), 3)


@pytest.mark.parametrize("frozen", [0, 1])
def test_tiny_model_loss_falls(frozen: int) -> None:
    loaded = _tiny(max_length=128, frozen=frozen)
    examples = prepare(_docs()[:1], loaded)
    losses: list[float] = []
    params = TrainParams(epochs=12, lr=2e-3, head_lr=5e-3, accumulate=1, neg_ratio=1.0)
    summary = train(loaded, examples, params, on_step=lambda _s, loss: losses.append(loss))
    assert summary["optimizer_steps"] == 12
    assert sum(losses[-3:]) / 3 < 0.7 * sum(losses[:3]) / 3
    preds = predict(loaded, examples)
    assert len(preds) == len(examples[0].cands)
    assert all(abs(sum(p.type_probs) - 1) < 1e-4 for p in preds)
    if frozen:  # only the unfrozen layer and the heads moved
        assert examples[0].lower is not None
        frozen_params = [p for n, p in loaded.model.named_parameters() if "embeddings" in n]
        assert frozen_params and not any(p.requires_grad for p in frozen_params)
