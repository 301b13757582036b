"""ADE relations written through the shared write-back on the real Neo4j: idempotent,
provenance names the sentence and spans, retraction removes a run, bad input writes nothing."""

from __future__ import annotations

import pytest

from core.encoders import resolve_model_dir
from core.exceptions import ExtractionError
from extraction import writeback as wb
from extraction.ade.checkpoint import new_bundle
from extraction.ade.linking import HpoLinker
from extraction.ade.service import AdeService
from extraction.ade.tagger import new_tagger
from extraction.ade.text import Document
from graph.hpo_terms import HpoTerm
from graph.repository import GraphStore
from tests.ade_tiny import make_tiny_encoder

S1 = "The patient was admitted with pneumonia."
S2 = "Acute renal failure developed after treatment with cisplatin."
TEXT = f"{S1} {S2}"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> AdeService:
    md = resolve_model_dir(make_tiny_encoder(tmp_path_factory.mktemp("tiny")))
    pair = new_bundle(md, "dual", "attention", 64, fusion_dim=16)
    pair.threshold = 0.0  # the random model's scores: keep every given pair
    pair.version = "test-1"
    terms = [HpoTerm("HP:0001919", "Acute kidney injury", ("Acute renal failure",))]
    return AdeService(pair, new_tagger(md), HpoLinker(terms, encode=None))


def _spans() -> tuple[tuple[int, int], tuple[int, int]]:
    d = TEXT.index("cisplatin")
    a = TEXT.index("Acute renal failure")
    return (d, d + len("cisplatin")), (a, a + len("Acute renal failure"))


def _edges(store: GraphStore) -> list[dict[str, object]]:
    return store.run_text(
        "edges",
        "MATCH (d:Drug)-[r:CAUSES_ADVERSE_EVENT]->(p) RETURN d.id AS d, p.id AS p, "
        "r.sentence AS sentence, r.document_id AS doc, r.subject_start AS ss, "
        "r.subject_end AS se, r.object_start AS os, r.object_end AS oe, r.predicate AS pred, "
        "r.knowledge_level AS kl, r.agent_type AS agent, r.sentence_start AS sstart, "
        "r.link_method AS link, r.model_version AS v, r.extraction_runs AS runs",
        {},
        read=True,
    )


def test_write_is_idempotent_and_names_its_sentence(store: GraphStore, service: AdeService) -> None:
    store.run_text(
        "curated",
        "CREATE (:Entity:PhenotypicFeature {id: 'HP:0001919', "
        "name: 'Acute kidney injury', category: 'biolink:PhenotypicFeature'})",
        {},
        read=False,
    )
    result = service.classify_pairs(Document("PMID:42", TEXT), [_spans()])
    first = service.write(store, [result], inputs={"test": "1"})
    again = service.write(store, [result], inputs={"test": "1"})
    assert (first.new_evidence, again.new_evidence) == (1, 0)
    (edge,) = _edges(store)
    assert edge["d"] == "DRUG:cisplatin" and edge["p"] == "HP:0001919"
    assert edge["sentence"] == S2 and edge["doc"] == "PMID:42" and edge["sstart"] == len(S1) + 1
    assert S2[edge["ss"] : edge["se"]] == "cisplatin"  # type: ignore[misc]
    assert S2[edge["os"] : edge["oe"]] == "Acute renal failure"  # type: ignore[misc]
    assert (edge["pred"], edge["kl"], edge["agent"], edge["link"]) == (
        "biolink:causes",
        "prediction",
        "text_mining_agent",
        "exact",
    )
    assert edge["runs"] == [first.run_id, again.run_id]
    name = store.run_text(
        "n", "MATCH (n {id: 'HP:0001919'}) RETURN n.name AS n, n.extracted AS x", {}, read=True
    )
    assert name == [{"n": "Acute kidney injury", "x": None}]  # curated node untouched
    wb.retract_run(store, again.run_id)
    assert len(_edges(store)) == 1
    assert wb.retract_run(store, first.run_id) == (1, 1)  # edge and the extracted Drug node
    assert _edges(store) == []
    left = store.run_text("n", "MATCH (n:Entity) RETURN n.id AS id", {}, read=True)
    assert [r["id"] for r in left] == ["HP:0001919"]


def test_unlinked_event_becomes_adverse_event_node(store: GraphStore, service: AdeService) -> None:
    text = "Severe glorbitis followed ibuprofen."
    d, a = text.index("ibuprofen"), text.index("glorbitis")
    result = service.classify_pairs(Document("doc-1", text), [((d, d + 9), (a, a + 9))])
    service.write(store, [result], inputs={})
    row = store.run_text(
        "n",
        "MATCH (:Drug)-[:CAUSES_ADVERSE_EVENT]->(e:AdverseEvent) RETURN e.id AS id, e.surface AS s",
        {},
        read=True,
    )
    assert row == [{"id": "AE:glorbitis", "s": "glorbitis"}]


@pytest.mark.parametrize(
    ("doc", "pairs", "message"),
    [
        (Document("d", "   "), [], "text is empty"),
        (Document("d", TEXT), [((0, 3), (5, 999))], "outside the text"),
        (Document("d", TEXT), [((0, 3), (len(S1) + 2, len(S1) + 6))], "not in one sentence"),
    ],
)
def test_bad_input_writes_nothing(
    store: GraphStore,
    service: AdeService,
    doc: Document,
    pairs: list[tuple[tuple[int, int], tuple[int, int]]],
    message: str,
) -> None:
    with pytest.raises(ExtractionError, match=message):
        service.write(store, [service.classify_pairs(doc, pairs)], inputs={})
    assert store.run_text("n", "MATCH (n) RETURN count(n) AS n", {}, read=True) == [{"n": 0}]
