"""Ordinary text through ADE extraction (tests/data/fuzz/sentences.jsonl): corpus sentences and
abstracts, a drug and no event, no mention, punctuation, non-ASCII, control characters, very
long input. Every text gets an answer or a clear ExtractionError (only the empty ones), one
result per document, and statements that can be written; a tagger that tags any span at all
(as a half-trained neural tagger may) never breaks the batch."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
import torch

from core.encoders import resolve_model_dir
from core.exceptions import ExtractionError
from extraction.ade.checkpoint import new_bundle
from extraction.ade.dictionary import DictionaryTagger
from extraction.ade.linking import HpoLinker
from extraction.ade.service import AdeService
from extraction.ade.tagger import Span
from extraction.ade.text import Document
from graph.hpo_terms import HpoTerm
from tests.ade_tiny import make_tiny_encoder

torch.set_num_threads(1)
DATA = Path(__file__).parents[1] / "data"
ROWS = [json.loads(x) for x in (DATA / "fuzz" / "sentences.jsonl").read_text().splitlines()]


class AnySpans:
    """Random word and punctuation spans as DRUG and AE, seeded per text."""

    def tag(self, texts: list[str], batch_size: int = 32) -> list[dict[str, list[Span]]]:
        out = []
        for t in texts:
            rng = random.Random(t)
            tokens = [m.span() for m in re.finditer(r"\w+|[^\w\s]", t)]
            pick = rng.sample(tokens, min(len(tokens), 6))
            out.append({"DRUG": sorted(pick[::2]), "AE": sorted(pick[1::2])})
        return out


def _dictionary() -> DictionaryTagger:
    drugs, events = {"aspirin", "amoxicillin", "cisplatin", "lithium", "warfarin"}, {"rash"}
    for line in (DATA / "ade" / "DRUG-AE.rel").read_text().splitlines():
        parts = line.split("|")
        events.add(parts[2])
        drugs.add(parts[5])
    return DictionaryTagger(sorted(drugs), sorted(events))


@pytest.fixture(scope="module", params=["dictionary", "any-spans"])
def service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AdeService:
    md = resolve_model_dir(make_tiny_encoder(tmp_path_factory.mktemp("tiny")))
    pair = new_bundle(md, "single", "attention", 64)
    pair.threshold = 0.0  # every candidate pair becomes a relation: linking and statements run
    tagger = _dictionary() if request.param == "dictionary" else AnySpans()
    linker = HpoLinker([HpoTerm("HP:0000988", "Skin rash", ("Rash",))], None)
    return AdeService(pair, tagger, linker, max_chars=20_000, chunk_chars=1_000)


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_each_text_gets_an_answer(service: AdeService, row: dict[str, str]) -> None:
    if not row["text"].strip():
        with pytest.raises(ExtractionError, match="the text is empty"):
            service.extract(row["text"])
        return
    (res,) = service.extract(row["text"])
    assert res.error is None
    for st in service.statements([res]):
        assert st.subject.id.startswith("DRUG:") and st.subject.name.strip()
        assert row["text"][slice(*st.evidence.subject_span)] or st.evidence.text


def test_the_whole_corpus_as_one_batch_loses_only_the_empty_document(
    service: AdeService,
) -> None:
    docs = [Document(r["id"], r["text"]) for r in ROWS]
    results = service.extract(docs)
    assert [r.document_id for r in results] == [d.id for d in docs]
    failed = [r.document_id for r in results if r.error]
    assert failed == [r["id"] for r in ROWS if not r["text"].strip()]
    assert sum(len(r.relations) for r in results) > 0
    service.statements(results)
