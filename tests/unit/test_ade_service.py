"""AdeService.extract on raw text with the dictionary tagger and a tiny pair model: document
offsets, sentence provenance, statements for the write-back, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from core.exceptions import ExtractionError
from core.models import resolve_model_dir
from extraction.ade.checkpoint import new_bundle
from extraction.ade.data import load_corpus
from extraction.ade.dictionary import DictionaryTagger, UnionTagger
from extraction.ade.e2e import ner_f1
from extraction.ade.linking import HpoLinker, HpoTerm
from extraction.ade.service import AdeService
from extraction.ade.tagger import Span
from extraction.ade.text import Document
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
