"""The CPU configuration: feature cache keys, pair-feature shapes, head training, early
stopping, and the frozen-heads checkpoint through load_predictor and the service."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import torch

from core.exceptions import ModelLoadError
from extraction.biored import frozen
from extraction.biored.corpus import Document, Mention, read_pubtator
from extraction.biored.encoding import EncodedDoc
from extraction.biored.heads import N_SCALARS, HeadsConfig, PairBatch, PairHeads, build_batch
from extraction.biored.pairs import candidates
from extraction.biored.predictor import load_predictor
from extraction.biored.service import BioREDService
from extraction.biored.state_cache import FeatureCache, FeatureSpec, FrozenEncoder, doc_fingerprint

DATA = Path(__file__).parents[1] / "data" / "biored"


def _docs() -> list[Document]:
    return read_pubtator(DATA / "sample.pubtator")


@pytest.fixture(scope="module")
def encoder() -> FrozenEncoder:
    """The packaged MiniLM, small windows so that documents need several chunks."""
    return FrozenEncoder.from_dir(None, _spec())


def _spec() -> FeatureSpec:
    from core.encoders import resolve_model_dir

    return FeatureSpec(resolve_model_dir(None).encoder_id, (2, 6), max_length=64, overlap=8)


class _CountingEncoder:
    """Stands in for FrozenEncoder in the cache: counts how often states are computed."""

    def __init__(self, spec: FeatureSpec) -> None:
        self.spec = spec
        self.calls = 0

    def states(self, enc: EncodedDoc) -> torch.Tensor:
        self.calls += 1
        return torch.full((len(enc.ids), 4), float(self.calls), dtype=torch.float16)


def _enc(n: int) -> EncodedDoc:
    return EncodedDoc("1", list(range(n)), [], [], [(0, n)])


def test_feature_key_changes_with_encoder_and_layers() -> None:
    base = FeatureSpec("all-MiniLM-L6-v2@53aa51172d14")
    assert base.key() == FeatureSpec("all-MiniLM-L6-v2@53aa51172d14").key()
    others = [
        replace(base, encoder_id="BiomedBERT@0123456789ab"),
        replace(base, layers=(6,)),
        replace(base, max_length=512),
        replace(base, marker_scheme="other"),
    ]
    assert len({base.key(), *(o.key() for o in others)}) == 5
    assert FeatureSpec.from_dict(base.to_dict()) == base


def test_document_fingerprint_follows_text_and_mentions() -> None:
    doc = _docs()[0]
    fp = doc_fingerprint(doc)
    moved = Document(doc.pmid, doc.title, doc.abstract, list(doc.mentions))
    m = moved.mentions[0]
    moved.mentions[0] = Mention(m.start, m.end, m.text, m.type, ("999",))
    assert doc_fingerprint(moved) != fp
    same = Document(doc.pmid, doc.title, doc.abstract, list(doc.mentions), [])
    assert doc_fingerprint(same) == fp  # relations do not change the features


def test_cache_hits_on_disk_and_misses_for_another_encoder(tmp_path: Path) -> None:
    doc = _docs()[0]
    spec = FeatureSpec("enc-a@000000000000")
    first = _CountingEncoder(spec)
    cache = FeatureCache(tmp_path, first)  # type: ignore[arg-type]
    a = cache.get(doc, _enc(30))
    path = cache.path(doc)
    assert path is not None and path.is_file() and path.parent.name == spec.key()
    again = FeatureCache(tmp_path, _CountingEncoder(spec))  # type: ignore[arg-type]
    assert torch.equal(again.get(doc, _enc(30)), a) and again.hits == 1 and again.misses == 0
    other = _CountingEncoder(replace(spec, encoder_id="enc-b@111111111111"))
    cache_b = FeatureCache(tmp_path, other)  # type: ignore[arg-type]
    cache_b.get(doc, _enc(30))
    assert other.calls == 1 and cache_b.misses == 1
    # A cached file whose length does not match the encoding is recomputed, not trusted.
    stale = FeatureCache(tmp_path, _CountingEncoder(spec))  # type: ignore[arg-type]
    assert stale.get(doc, _enc(31)).shape == (31, 4) and stale.misses == 1
    memory = FeatureCache(None, _CountingEncoder(spec))  # type: ignore[arg-type]
    memory.get(doc, _enc(5))
    assert memory.path(doc) is None


def test_frozen_states_cover_every_token(encoder: FrozenEncoder) -> None:
    doc = _docs()[0]
    enc = encoder.encode(doc)
    assert len(enc.chunks) > 1  # the 64-token window splits this abstract
    states = encoder.states(enc)
    assert states.shape == (len(enc.ids), 2 * 384) and states.dtype == torch.float16
    assert bool(torch.isfinite(states).all())  # every token lies in some chunk
    # A token in the overlap of chunks gets the element-wise max of their states.
    t = enc.chunks[1][0]
    holding = [c for c in enc.chunks if c[0] <= t < c[1]]
    assert len(holding) >= 2
    alone = [encoder.states(EncodedDoc(enc.pmid, enc.ids, [], [], [c]))[t] for c in holding]
    expected = torch.stack(alone).float().max(dim=0).values
    assert torch.allclose(states[t].float(), expected, atol=2e-2)
    assert not torch.allclose(alone[0].float(), alone[1].float(), atol=2e-2)


def _batches(feature_dim: int = 12, seed: int = 0) -> list[PairBatch]:
    g = torch.Generator().manual_seed(seed)
    out = []
    for doc in _docs():
        from core.encoders import load_tokenizer, resolve_model_dir
        from extraction.biored.encoding import add_marker_tokens, encode_document

        tok = load_tokenizer(resolve_model_dir(None))
        add_marker_tokens(tok)
        enc = encode_document(doc, tok, 62, 8)
        states = torch.randn((len(enc.ids), feature_dim), generator=g).to(torch.float16)
        out.append(build_batch(doc, enc, states, candidates(doc)))
    return out


def test_pair_feature_and_head_shapes() -> None:
    cfg = HeadsConfig(12, hidden=16, pair_hidden=24, key_dim=8, type_dim=4)
    heads = PairHeads(cfg)
    for b in _batches():
        p = len(b.cands)
        assert b.pairs.shape == (p, 2) and b.scalars.shape == (p, N_SCALARS)
        assert b.entity_mask.shape[1] == b.mention_mean.shape[0]
        assert heads.pair_features(b).shape == (p, 5 * 16 + 2 * 4 + N_SCALARS)
        out = heads(b)
        assert out.type_logits.shape == (p, 9)
        assert out.novelty_logits.shape == (p, 2)
        assert out.direction_logits.shape == (p, 3)
    # Hand-checked: SCN5A (6331) is in the title of 15485686, tachycardia (D013610) too.
    b = _batches()[0]
    k = next(i for i, c in enumerate(b.cands) if {c.id1, c.id2} == {"6331", "D013610"})
    assert b.scalars[k, 5].item() == 1.0 and b.scalars[k, 6].item() == 1.0
    assert b.scalars[k, 2].item() == 1.0  # same sentence (the title)


def test_tiny_heads_loss_falls() -> None:
    cfg = HeadsConfig(12, hidden=16, pair_hidden=32, key_dim=8, type_dim=4, dropout=0.0)
    torch.manual_seed(0)
    heads = PairHeads(cfg)
    params = frozen.HeadParams(epochs=25, lr=5e-3, docs_per_step=1)
    summary = frozen.train_heads(heads, _batches(), params)
    assert summary["epochs_run"] == 25
    first, last = summary["first_loss"], summary["last_loss"]
    assert isinstance(first, float) and isinstance(last, float)
    assert last < 0.5 * first, (first, last)


def test_early_stopping_keeps_the_best_epoch() -> None:
    heads = PairHeads(HeadsConfig(12, hidden=16, pair_hidden=24, key_dim=8, type_dim=4))
    scores = iter([10.0, 30.0, 20.0, 25.0, 5.0, 1.0, 50.0])
    kept: dict[str, torch.Tensor] = {}

    def dev(h: PairHeads) -> float:
        s = next(scores)
        if s == 30.0:
            kept.update({k: v.clone() for k, v in h.state_dict().items()})
        return s

    params = frozen.HeadParams(epochs=7, patience=3)
    summary = frozen.train_heads(heads, _batches(), params, dev)
    assert summary["best_epoch"] == 2 and summary["epochs_run"] == 5  # stopped before 50.0
    assert all(torch.equal(heads.state_dict()[k], v) for k, v in kept.items())


def test_checkpoint_round_trip_and_service(encoder: FrozenEncoder, tmp_path: Path) -> None:
    cfg = HeadsConfig(encoder.dim, hidden=16, pair_hidden=24, key_dim=8, type_dim=4)
    torch.manual_seed(1)
    predictor = frozen.FrozenPredictor(encoder, PairHeads(cfg), {}, None)
    docs = _docs()
    before = predictor.predict(docs)
    path = tmp_path / "biored.pt"
    frozen.save(predictor, path, {"version": "t1", "threshold": 0.0})
    back = load_predictor(path, None, tmp_path / "features")
    assert isinstance(back, frozen.FrozenPredictor)
    assert back.version == "t1" and back.threshold == 0.0 and back.encoder.spec == encoder.spec
    after = back.predict(docs)
    assert [p.cand for p in after] == [p.cand for p in before]
    for x, y in zip(before, after, strict=True):
        assert x.type_probs == pytest.approx(y.type_probs, abs=1e-5)
        assert x.direction_probs == pytest.approx(y.direction_probs, abs=1e-5)
    assert back.cache.misses == len(docs) and any((tmp_path / "features").rglob("*.pt"))
    service = BioREDService(path, None, threads=1)
    assert service.model_info.name == frozen.MODEL_NAME
    relations = service.extract(docs)  # threshold 0: every candidate is a relation
    assert len(relations) == sum(len(candidates(d)) for d in docs)


def test_checkpoint_refuses_another_encoder_and_garbage(
    encoder: FrozenEncoder, tmp_path: Path
) -> None:
    cfg = HeadsConfig(encoder.dim, hidden=16, pair_hidden=24, key_dim=8, type_dim=4)
    predictor = frozen.FrozenPredictor(encoder, PairHeads(cfg), {}, None)
    path = tmp_path / "biored.pt"
    frozen.save(predictor, path, {"version": "t"})
    blob = torch.load(path, weights_only=False)
    blob["spec"]["encoder_id"] = "PubMedBERT@0123456789ab"
    torch.save(blob, path)
    with pytest.raises(ModelLoadError, match="PubMedBERT@0123456789ab"):
        load_predictor(path, None)
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(ModelLoadError, match="not a BioRED checkpoint"):
        load_predictor(path, None)
