"""AdeService.extract on raw text with the dictionary tagger and a tiny pair model: document
offsets, sentence provenance, statements for the write-back, the sentence gate, and bad
input."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from core.encoders import resolve_model_dir
from core.exceptions import ExtractionError, ModelLoadError
from extraction.ade.checkpoint import new_bundle
from extraction.ade.data import load_corpus
from extraction.ade.dictionary import DictionaryTagger, UnionTagger
from extraction.ade.e2e import MemoScores, end_to_end, ner_f1
from extraction.ade.gate import GateBundle, new_gate
from extraction.ade.linking import HpoLinker
from extraction.ade.service import (
    DICTIONARY,
    MODEL_NAMES,
    UNION_KEY,
    AdeService,
    pair_folder,
    served_tagger,
)
from extraction.ade.tagger import Span, SpanTagger, TaggerBundle, new_tagger, save_tagger
from extraction.ade.text import Document
from graph.hpo_terms import HpoTerm
from tests.ade_tiny import make_tiny_encoder

torch.set_num_threads(1)
TEXT = (
    "A 44-year-old man was admitted. "
    "Intravenous azithromycin-induced ototoxicity was seen after two days."
)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> AdeService:
    md = resolve_model_dir(make_tiny_encoder(tmp_path_factory.mktemp("tiny")))
    pair = new_bundle(md, "shared", "attention", 64, fusion_dim=16)
    pair.threshold = 0.0
    tagger = DictionaryTagger(["azithromycin"], ["ototoxicity", "Hearing impairment"])
    linker = HpoLinker([HpoTerm("HP:0000365", "Hearing impairment", ("Ototoxicity",))], None)
    return AdeService(pair, tagger, linker, max_chars=500, chunk_chars=200)


def test_extract_gives_document_offsets_and_sentences(service: AdeService) -> None:
    (res,) = service.extract([Document("doc-1", TEXT)])
    (rel,) = res.relations
    assert TEXT[slice(*rel.drug_span)] == "azithromycin"
    assert TEXT[slice(*rel.event_span)] == "ototoxicity"
    assert rel.sentence == "Intravenous azithromycin-induced ototoxicity was seen after two days."
    assert TEXT[rel.sentence_start :].startswith(rel.sentence)
    assert (rel.event_id, rel.link_method) == ("HP:0000365", "exact")
    (st,) = service.statements([res])
    assert st.evidence.text == rel.sentence and st.evidence.document_id == "doc-1"
    assert rel.sentence[slice(*st.evidence.subject_span)] == "azithromycin"  # type: ignore[misc]


def test_bad_input_is_refused(service: AdeService) -> None:
    with pytest.raises(ExtractionError, match="the text is empty"):
        service.extract("  ")
    with pytest.raises(ExtractionError, match="exceed the limit of 500"):
        service.extract([Document("big", "word " * 200)])
    with pytest.raises(ExtractionError, match="no documents"):
        service.extract([])


def test_union_tagger_keeps_first_taggers_spans() -> None:
    a = DictionaryTagger(["lithium"], ["lithium toxicity"])
    b = DictionaryTagger(["toxicity"], ["blindness"])
    (tags,) = UnionTagger(a, b).tag(["Lithium toxicity caused blindness."])
    assert tags == {"DRUG": [(0, 7), (8, 16)], "AE": [(24, 33)]}


def test_ner_f1_is_strict_on_the_sentences_with_relations() -> None:
    sents = load_corpus(Path(__file__).parents[1] / "data" / "ade").sentences
    gold = {s.text: {"DRUG": list(s.drugs), "AE": list(s.aes)} for s in sents}

    class Fixed:
        def __init__(self, shift: int) -> None:
            self.shift = shift

        def tag(self, texts: list[str], batch_size: int = 32) -> list[dict[str, list[Span]]]:
            return [
                {k: [(a + self.shift, b) for a, b in v] for k, v in gold[t].items()} for t in texts
            ]

    assert ner_f1(Fixed(0), sents) == 1.0
    assert ner_f1(Fixed(1), sents) == 0.0  # one character off is a miss


def test_end_to_end_counts_relations_found_in_sentences_that_state_none(
    service: AdeService,
) -> None:
    sents = load_corpus(Path(__file__).parents[1] / "data" / "ade").sentences
    positive = [s for s in sents if not s.negative][:3]
    negative = [s for s in sents if s.negative][:2]
    assert len(positive) == 3 and len(negative) == 2
    mentions = {s.text: s for s in positive}

    class Gold:  # gold mentions; in an ADE-NEG sentence, its first and last word
        def tag(self, texts: list[str], batch_size: int = 32) -> list[dict[str, list[Span]]]:
            out = []
            for t in texts:
                if t in mentions:
                    out.append({"DRUG": [*mentions[t].drugs], "AE": [*mentions[t].aes]})
                else:
                    out.append({"DRUG": [(0, t.index(" "))], "AE": [(t.rindex(" ") + 1, len(t))]})
            return out

    pair = replace(service.pair, threshold=-1.0)  # every candidate pair is called related
    plain = end_to_end(Gold(), pair, positive + negative)
    assert plain["sentences"] == 3 and "negative_sentences" not in plain
    assert plain["ner"]["f1"] == 1.0 and plain["relation_strict"]["recall"] == 1.0
    both = end_to_end(Gold(), pair, positive + negative, include_negative=True)
    assert both["negative_sentences"] == 2 and both["negative_sentences_with_relation"] == 2
    assert both["relations_in_negative_sentences"] == 2
    # the same gold relations, all found; the two false ones only lower precision
    gold = sum(len(s.relations) for s in positive)
    found = round(gold / plain["relation_strict"]["precision"])
    assert both["relation_strict"]["recall"] == 1.0
    assert both["relation_strict"]["precision"] == round(gold / (found + 2), 4)
    # a gate that rejects the ADE-NEG sentences: their mentions stay, their relations go
    gated = end_to_end(Gold(), pair, positive + negative, True, {s.key for s in negative})
    assert gated["negative_sentences_with_relation"] == 0
    assert gated["relation_strict"] == plain["relation_strict"]
    assert gated["ner"] == both["ner"]
    none = end_to_end(Gold(), pair, positive, skip={s.key for s in positive})
    assert none["relation_strict"]["recall"] == 0.0 and none["ner"]["f1"] == 1.0
    # scored once through a memo, the same figures; a second run scores nothing new
    memo = MemoScores(pair)
    assert end_to_end(Gold(), pair, positive + negative, True, score=memo) == both
    n = len(memo.seen)
    assert n == both["candidate_pairs"]
    assert end_to_end(Gold(), pair, positive + negative, True, score=memo) == both
    assert len(memo.seen) == n


def _trained(folder: Path, dev_f1: float | str) -> None:
    folder.mkdir(parents=True)
    (folder / "model.pt").write_bytes(b"")
    (folder / "meta.json").write_text(json.dumps({"dev": {"f1": dev_f1}}))


def test_auto_serves_the_pair_classifier_with_the_higher_dev_f1(tmp_path: Path) -> None:
    assert pair_folder(tmp_path) == tmp_path / "pair"  # none trained: loading says how to train
    _trained(tmp_path / "pair", 0.8919)
    assert pair_folder(tmp_path) == tmp_path / "pair"
    _trained(tmp_path / "single", 0.9145)
    assert pair_folder(tmp_path) == tmp_path / "single"
    assert pair_folder(tmp_path, "pair") == tmp_path / "pair"  # an explicit choice is kept
    (tmp_path / "single" / "meta.json").write_text(json.dumps({"dev": {"f1": 0.8919}}))
    assert pair_folder(tmp_path) == tmp_path / "pair"  # a tie keeps the CRAG model
    (tmp_path / "single" / "meta.json").write_text(json.dumps({"dev": {}}))
    with pytest.raises(ModelLoadError, match=r"single/meta\.json: no dev F1"):
        pair_folder(tmp_path)


def test_statements_name_the_served_architecture(service: AdeService) -> None:
    assert service.model_info.name == MODEL_NAMES["shared"] == "crag-dual-encoder-ade"
    single = AdeService(
        replace(service.pair, cfg=replace(service.pair.cfg, arch="single")),
        service.tagger,
        service.linker,
    )
    assert single.model_info.name == "marker-single-encoder-ade"
    assert single.model_info.version == service.model_info.version


def test_union_tagger_keeps_a_drug_nested_in_the_first_taggers_event() -> None:
    class Nested:
        def tag(self, texts: list[str], batch_size: int = 32) -> list[dict[str, list[Span]]]:
            return [{"DRUG": [(0, 7)], "AE": [(0, 16)]} for _ in texts]

    b = DictionaryTagger(["toxicity"], ["blindness"])
    (tags,) = UnionTagger(Nested(), b).tag(["Lithium toxicity caused blindness."])
    assert tags == {"DRUG": [(0, 7)], "AE": [(0, 16), (24, 33)]}


def test_ade_train_checks_its_options_before_any_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from core.settings import get_settings

    monkeypatch.setenv("EVIGRAPH_ADE__CHECKPOINT_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        runner = CliRunner()

        def words(out: str) -> str:  # the error box of the terminal, unwrapped
            return " ".join(out.replace("│", " ").split())

        res = runner.invoke(app, ["extract", "ade-train", "--pair", "nope"])
        assert res.exit_code != 0 and "unknown --pair 'nope'" in words(res.output)
        res = runner.invoke(app, ["extract", "ade-train", "--tagger-only"])
        assert res.exit_code != 0
        assert "--tagger-only needs a trained pair classifier" in words(res.output)
        # --if-missing: a trained marker model (no CRAG model) and a dictionary are enough
        _trained(tmp_path / "single", 0.92)
        (tmp_path / "dictionary.json").write_text("{}")
        res = runner.invoke(app, ["extract", "ade-train", "--if-missing"])
        assert res.exit_code == 0 and "(single); not retraining" in words(res.output)
    finally:
        get_settings.cache_clear()


def _fixed_gate(model_dir: Path, logit: float) -> GateBundle:
    """A tiny gate that gives every sentence sigmoid(logit), threshold 0.5."""
    gate = new_gate(resolve_model_dir(model_dir), max_length=32)
    with torch.no_grad():
        gate.model.head.weight.zero_()
        gate.model.head.bias.fill_(logit)
    gate.version = f"fixed{logit:+.0f}"
    return gate


def test_the_sentence_gate_drops_the_relations_of_the_sentences_it_rejects(
    service: AdeService, tmp_path: Path
) -> None:
    md = make_tiny_encoder(tmp_path)
    with pytest.raises(ModelLoadError, match=r"no sentence gate trained.*--gate-seconds"):
        service.extract(TEXT, gate=True)
    text = TEXT + " Azithromycin was stopped."  # a drug, no event: no pairs to gate
    reject = replace_gate(service, _fixed_gate(md, -5.0))
    (res,) = reject.extract(text, gate=True)
    assert (res.relations, res.candidates, res.gated_sentences) == ([], 0, 1)
    assert res.gate_threshold == 0.5
    (res,) = reject.extract(text, gate=False)  # the request turns it off
    assert len(res.relations) == 1 and res.gate_threshold is None and res.gated_sentences == 0
    assert reject._gate_params([res]) == {}
    accept = replace_gate(service, _fixed_gate(md, 5.0), default=True)
    (res,) = accept.extract(text)  # the setting's default: gate on
    assert len(res.relations) == 1 and res.gated_sentences == 0 and res.gate_threshold == 0.5
    assert accept._gate_params([res]) == {"sentence_gate": "fixed+5", "gate_threshold": 0.5}


def replace_gate(service: AdeService, gate: GateBundle, default: bool = False) -> AdeService:
    s = service
    return AdeService(
        s.pair, s.tagger, s.linker, s.max_chars, s.chunk_chars, s.batch_size, s.bf16, gate, default
    )


def test_the_served_tagger_is_the_neural_one_with_the_dictionary_where_dev_chose_it(
    tmp_path: Path,
) -> None:
    DictionaryTagger(["cisplatin"], ["renal failure"]).save(tmp_path / "ade" / DICTIONARY)
    assert isinstance(served_tagger(tmp_path / "ade"), DictionaryTagger)  # no neural tagger
    md = make_tiny_encoder(tmp_path)
    neural = new_tagger(resolve_model_dir(md), max_length=32)
    for union, kind in ((True, UnionTagger), (False, TaggerBundle)):
        save_tagger(neural, tmp_path / "ade" / "tagger", {UNION_KEY: union})
        assert isinstance(served_tagger(tmp_path / "ade", md), kind)


# Ordinary text that once broke extraction (issue 27, part 0).


@pytest.fixture(scope="module")
def marker_service(service: AdeService, tmp_path_factory: pytest.TempPathFactory) -> AdeService:
    md = resolve_model_dir(make_tiny_encoder(tmp_path_factory.mktemp("tiny-marker")))
    pair = new_bundle(md, "single", "attention", 64)
    pair.threshold = 0.0
    tagger = DictionaryTagger(["azithromycin", "aspirin", "."], ["ototoxicity", "rash", "-"])
    return AdeService(pair, tagger, service.linker, max_chars=500, chunk_chars=200)


@pytest.mark.parametrize(
    "text", ["The patient was given aspirin.", "The patient developed a rash."]
)
def test_a_text_with_only_drugs_or_only_events_has_no_relation(
    service: AdeService, marker_service: AdeService, text: str
) -> None:
    for svc in (service, marker_service):
        (res,) = svc.extract(text)
        assert (res.relations, res.candidates, res.error) == ([], 0, None)


def test_a_mention_that_names_nothing_is_dropped_with_a_warning(
    marker_service: AdeService,
) -> None:
    class Punctuation:  # what a neural tagger once did on BC5CDR: "." tagged as a drug
        def tag(self, texts: list[str], batch_size: int = 32) -> list[dict[str, list[Span]]]:
            return [{"DRUG": [(0, 7), (8, 9)], "AE": [(10, 11), (20, 24)]} for _ in texts]

    text = "Aspirin . - induced rash was seen."
    svc = replace_tagger(marker_service, Punctuation())
    (res,) = svc.extract(text)
    assert [(r.drug, r.event) for r in res.relations] == [("Aspirin", "rash")]
    assert len(res.warnings) == 2 and all("names nothing" in w for w in res.warnings)
    assert "DRUG mention '.' at 8-9" in res.warnings[0]
    assert all(st.subject.id == "DRUG:aspirin" for st in svc.statements([res]))


def test_a_bad_document_is_reported_and_the_others_extracted(marker_service: AdeService) -> None:
    docs = [
        Document("empty", "  "),
        Document("good", TEXT),
        Document("big", "word " * 200),
        Document("good", "Aspirin caused a rash."),
    ]
    results = marker_service.extract(docs)
    assert [r.document_id for r in results] == ["empty", "good", "big", "good"]
    assert [bool(r.error) for r in results] == [True, False, True, True]
    assert "the id is repeated" in (results[3].error or "")
    assert [(r.drug, r.event) for r in results[1].relations] == [("azithromycin", "ototoxicity")]
    with pytest.raises(ExtractionError, match="empty: the text is empty; document big"):
        marker_service.extract(docs[:1] + docs[2:3])


def test_a_document_that_breaks_the_model_loses_only_itself(marker_service: AdeService) -> None:
    class Brittle(DictionaryTagger):
        def tag(self, texts: list[str], batch_size: int = 32) -> list[dict[str, list[Span]]]:
            if any("poison" in t for t in texts):
                raise RuntimeError("tokenizer broke")
            return super().tag(texts, batch_size)

    tagger = Brittle(["azithromycin"], ["ototoxicity"])
    svc = replace_tagger(marker_service, tagger)
    results = svc.extract([Document("a", TEXT), Document("b", "poison"), Document("c", TEXT)])
    assert [len(r.relations) for r in results] == [1, 0, 1]
    assert results[1].error == "document b: extraction failed (RuntimeError('tokenizer broke'))"


def replace_tagger(service: AdeService, tagger: SpanTagger) -> AdeService:
    return AdeService(service.pair, tagger, service.linker, service.max_chars, service.chunk_chars)
