"""POST /v1/evidence with a patient's phenotypes, on the real app and the real Neo4j with the
fixture data ingested (plus ORPHApacket 284963, whose exact mapping to OMIM:154700 makes a
merged entry)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.schemas import Evidence
from core.settings import Neo4jSettings, Settings
from graph import schema
from graph.repository import GraphStore
from graph.vocabulary import Source
from ingest.sources import Input
from retrieval.phenotype import kb as kb_module
from retrieval.phenotype.kb import cached_rows
from tests.integration.conftest import WIPE, train_tiny_retrieval
from tests.integration.test_ingest_fixtures import DATA, HPO, MIM2GENE, PACKETS, _ingest

KCNT1 = DATA / "phenopackets" / "PMID_23086397_Patient_4.json"


@pytest.fixture(scope="module")
def client(
    session_store: GraphStore, neo4j_cfg: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    with session_store.driver.session(database=session_store.database) as s:
        s.run(WIPE).consume()
    schema.apply_schema(session_store)
    packets = tmp_path_factory.mktemp("packets")
    shutil.copytree(PACKETS / "json", packets / "json")
    shutil.copy(DATA / "phenotype" / "ORPHApacket_284963.json", packets / "json")
    inputs = [Input(k, p) for k, p in HPO.items()]
    _ingest(session_store, Source.HPO, inputs)
    _ingest(session_store, Source.HPOA, inputs)
    _ingest(session_store, Source.OMIM, [Input("mim2gene", MIM2GENE)])
    _ingest(session_store, Source.ORPHANET, [Input("packets", packets)])
    trained = train_tiny_retrieval(session_store, tmp_path_factory.mktemp("retrieval"))
    settings = Settings(neo4j=neo4j_cfg, models=trained.models, retrieval=trained.retrieval)
    with TestClient(create_app(settings)) as c:
        yield c


def _problem(r: Any, needle: str) -> None:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert needle in json.dumps(r.json()), r.json()


def test_ranking_with_equivalent_ids_and_cited_paths(client: TestClient) -> None:
    r = client.post("/v1/evidence", json={"phenotypes": ["HP:0001166", "Slender finger"]})
    assert r.status_code == 200, r.text
    body = r.json()
    Evidence.model_validate(body)
    ranking = body["ranking"]
    assert [e["rank"] for e in ranking] == list(range(1, len(ranking) + 1))
    marfan = next(e for e in ranking if e["id"] == "OMIM:154700")
    assert marfan["equivalent_ids"] == ["ORPHA:284963"]
    assert marfan["category"] == "biolink:Disease"
    cited = {ex["phenotype"]["id"]: ex for ex in marfan["explained"]}
    arach = cited["HP:0001166"]
    assert arach["path"] == [
        {"subject": "OMIM:154700", "predicate": "biolink:has_phenotype", "object": "HP:0001166"}
    ]
    assert arach["sources"] and arach["frequency"] == pytest.approx(124 / 197)
    # Slender finger is a parent of the annotated Arachnodactyly: matched, with the path
    slender = cited["HP:0001238"]
    assert slender["annotation"]["id"] == "HP:0001166"
    assert slender["path"][0] == {
        "subject": "HP:0001166",
        "predicate": "biolink:subclass_of",
        "object": "HP:0001238",
    }
    triples = body["hops"][0]["triples"]
    assert any(t["head"] == "OMIM:154700" and t["provenance"]["sources"] for t in triples)
    assert isinstance(body["gene_ranking"], list)


def test_retired_ids_are_followed_and_said(client: TestClient) -> None:
    r = client.post("/v1/evidence", json={"phenotypes": ["HP:0001505", "HP:0001238"]})
    assert r.status_code == 200, r.text
    assert [p["id"] for p in r.json()["phenotypes"]] == ["HP:0001166", "HP:0001238"]
    assert any("HP:0001505" in n and "alt_id" in n for n in r.json()["notes"])


def test_free_text_naming_phenotypes_is_ranked(client: TestClient) -> None:
    q = "A patient with arachnodactyly and slender fingers: which disease explains it?"
    r = client.post("/v1/evidence", json={"question": q})
    assert r.status_code == 200, r.text
    assert {p["id"] for p in r.json()["phenotypes"]} == {"HP:0001166", "HP:0001238"}
    assert any(e["id"] == "OMIM:154700" for e in r.json()["ranking"])


def test_bad_phenotype_input_is_a_422_naming_the_field(client: TestClient) -> None:
    def post(body: dict[str, Any]) -> Any:
        return client.post("/v1/evidence", json=body)

    _problem(post({"phenotypes": ["HP:9999999"]}), "phenotypes[0]: unknown HPO term")
    _problem(post({"phenotypes": ["not a phenotype at all"]}), "phenotypes[0]")
    _problem(
        post({"phenotypes": ["HP:0001166"], "excluded_phenotypes": ["Arachnodactyly"]}),
        "excluded_phenotypes",
    )
    _problem(post({"excluded_phenotypes": ["HP:0001166"]}), "no observed phenotype")
    _problem(post({}), "question")
    packet = json.loads(KCNT1.read_text())
    v1 = {**packet, "metaData": {**packet["metaData"], "phenopacketSchemaVersion": "1.0"}}
    _problem(post({"phenopacket": v1}), "not a GA4GH phenopacket v2")
    # a real packet whose terms this small HPO does not hold
    _problem(post({"phenopacket": packet}), "phenopacket.phenotypicFeatures")
    _problem(post({"phenopacket": "not an object"}), "phenopacket")


def test_a_term_newer_than_the_release_is_left_out_with_a_note(client: TestClient) -> None:
    r = client.post("/v1/evidence", json={"phenotypes": ["HP:0001166", "HP:9999999"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [p["id"] for p in body["phenotypes"]] == ["HP:0001166"]
    assert body["ranking"]
    assert any(
        "phenotypes[1]" in n and "HP:9999999" in n and "left out" in n for n in body["notes"]
    )


def test_phenopacket_input(client: TestClient) -> None:
    packet = json.loads(KCNT1.read_text())
    packet["phenotypicFeatures"] = [
        {"type": {"id": "HP:0001166", "label": "Arachnodactyly"}},
        {"type": {"id": "HP:0004099", "label": "Macrodactyly"}, "excluded": True},
        {"type": {"id": "HP:5200000", "label": "a term newer than this HPO"}},
    ]
    r = client.post("/v1/evidence", json={"phenopacket": packet, "top_k": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["ranking"]) <= 3 and body["ranking"][0]["rank"] == 1
    assert [p["id"] for p in body["excluded_phenotypes"]] == ["HP:0004099"]
    assert any("HP:5200000" in n and "left out" in n for n in body["notes"])


def test_the_rankers_rows_are_read_back_per_graph_version(
    client: TestClient,
    session_store: GraphStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The client fixture has ingested the annotations; the rows it reads are cached per graph
    version: read back without Cypher, rebuilt for another version or when unreadable."""
    fresh = cached_rows(session_store, tmp_path, {"ingest": ["run-a"]})
    assert fresh["phenotype_annotations"] and len(list(tmp_path.glob("*.json"))) == 1
    with monkeypatch.context() as m:
        m.setattr(kb_module, "load_rows", lambda store: pytest.fail("the graph was read again"))
        assert cached_rows(session_store, tmp_path, {"ingest": ["run-a"]}) == fresh
    assert cached_rows(session_store, tmp_path, {"ingest": ["run-b"]}) == fresh
    (kept,) = tmp_path.glob("*.json")  # the other version's file is gone
    kept.write_bytes(b"{not json")
    assert cached_rows(session_store, tmp_path, {"ingest": ["run-b"]}) == fresh
