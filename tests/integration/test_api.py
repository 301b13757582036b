"""The real app on the real Neo4j with the fixture data ingested: entity search and lookup,
the read-only Cypher endpoint (writes refused in several disguises, row limit, timeout, keys),
readiness, metrics, and evidence from the real retrieval.service (JSON and RDF)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from rdflib import RDF, Graph

from api.main import create_app
from api.schemas import Evidence
from core.settings import ApiSettings, Neo4jSettings, Settings
from graph import schema, user_query
from graph.repository import GraphStore
from interop.rdf import BIOLINK, EVG, PROV, iri
from tests.integration.conftest import WIPE, train_tiny_retrieval
from tests.integration.test_ingest_fixtures import _load_all
from tests.integration.test_maude_writeback import ruled_service

KEY = "integration-key"
# Every 1-hop statement of Marfan syndrome (no threshold, no top-k cut).
MARFAN_HOP_1 = {
    "question": "Which phenotypes does Marfan syndrome show?",
    "seeds": ["ORPHA:558"],
    "max_hops": 1,
    "top_k": 1000,
    "threshold": -1e9,
}


@pytest.fixture(scope="module")
def loaded(session_store: GraphStore) -> GraphStore:
    with session_store.driver.session(database=session_store.database) as s:
        s.run(WIPE).consume()
    schema.apply_schema(session_store)
    _load_all(session_store)
    return session_store


@pytest.fixture(scope="module")
def client(
    loaded: GraphStore, neo4j_cfg: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    api = ApiSettings(keys=[SecretStr(KEY)], cypher_row_limit=5, cypher_timeout_s=1.0)
    # A CAFF checkpoint trained on the fixture graph, so evidence runs the real service.
    trained = train_tiny_retrieval(loaded, tmp_path_factory.mktemp("retrieval"))
    settings = Settings(
        neo4j=neo4j_cfg, api=api, models=trained.models, retrieval=trained.retrieval
    )
    with TestClient(create_app(settings)) as c:
        yield c


def _cypher(client: TestClient, query: str, **params: Any) -> Any:
    return client.post(
        "/v1/cypher", json={"query": query, "parameters": params}, headers={"X-API-Key": KEY}
    )


def _problem(r: Any, status: int, needle: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert needle in r.json()["detail"], r.json()


def test_search_by_words_id_and_name(client: TestClient) -> None:
    r = client.get("/v1/entities", params={"q": "marfan", "limit": 5})
    assert r.status_code == 200, r.text
    hits = {h["id"]: h for h in r.json()["results"]}
    assert {"ORPHA:558", "OMIM:154700"} <= hits.keys()  # Orphanet's and OMIM's Marfan syndrome
    assert hits["ORPHA:558"]["match"] == "fulltext" and hits["ORPHA:558"]["score"] > 0
    by_id = client.get("/v1/entities", params={"q": "HP:0001166"}).json()["results"]
    assert by_id[0] == {**by_id[0], "id": "HP:0001166", "match": "id", "name": "Arachnodactyly"}
    by_name = client.get("/v1/entities", params={"q": "Marfan syndrome"}).json()["results"]
    assert {h["id"] for h in by_name if h["match"] == "name"} == {"ORPHA:558", "OMIM:154700"}
    assert client.get("/v1/entities", params={"q": "zzzqqq"}).json()["results"] == []


def test_search_synonym_and_lucene_syntax_is_inert(client: TestClient) -> None:
    hits = client.get("/v1/entities", params={"q": "MFS"}).json()["results"]
    assert "ORPHA:558" in [h["id"] for h in hits]
    for q in ['name:"x" AND (', "*", "~~~", "\\"]:
        assert client.get("/v1/entities", params={"q": q}).status_code == 200, q


def test_entity_lookup(client: TestClient) -> None:
    r = client.get("/v1/entities/ORPHA:558", params={"neighbours": 50})
    assert r.status_code == 200, r.text
    e = r.json()
    assert e["name"] == "Marfan syndrome" and e["labels"] == ["Disease"]
    assert "MFS" in e["synonyms"]
    degree = {(d["type"], d["direction"]): d["count"] for d in e["degree"]}
    phenotypes = [n for n in e["neighbours"] if n["type"] == "HAS_PHENOTYPE"]
    assert degree[("HAS_PHENOTYPE", "out")] >= len(phenotypes) > 0
    arach = next(n for n in phenotypes if n["entity"]["id"] == "HP:0001166")
    assert arach["sources"] == ["hpoa", "orphanet"]
    assert arach["predicate"] == "biolink:has_phenotype"


def test_unknown_and_malformed_curie(client: TestClient) -> None:
    _problem(client.get("/v1/entities/ORPHA:0"), 404, "no entity with id 'ORPHA:0'")
    _problem(client.get("/v1/entities/notacurie"), 422, "curie")


def test_cypher_reads_with_parameters(client: TestClient) -> None:
    r = _cypher(client, "MATCH (n:Entity {id: $id}) RETURN n.name AS name, n", id="ORPHA:558")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["columns"] == ["name", "n"]
    assert body["rows"][0][0] == "Marfan syndrome"
    assert "Disease" in body["rows"][0][1]["labels"]
    assert body["truncated"] is False


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("CREATE (n:Evil) RETURN n", "read-only"),
        ("MATCH (n:Disease) WITH n LIMIT 1 CALL (n) { SET n.hacked = true } RETURN 1", "read"),
        ("MATCH (n:Disease) WITH n LIMIT 1 FOREACH (x IN [1] | MERGE (:Evil {x: x}))", "read"),
        ("MATCH (n:Disease) WITH n LIMIT 1 CALL (n) { DETACH DELETE n } RETURN 1", "read"),
        ("MATCH (n) /* harmless */ REMOVE n:Disease", "read-only"),
        ("UNWIND [1] AS x CALL (x) { CREATE (:Evil) } IN TRANSACTIONS RETURN x", "TRANSACTIONS"),
        ("LOAD CSV FROM 'https://example.org/x.csv' AS row CREATE (:Evil)", "LOAD CSV"),
        ("CALL db.createLabel('Evil')", "db.createLabel"),
        ("CALL dbms.listConfig() YIELD name RETURN name", "dbms.listConfig"),
        ("CALL apoc.create.node(['Evil'], {}) YIELD node RETURN node", "apoc.create.node"),
        ("CREATE INDEX evil FOR (n:Evil) ON (n.x)", "CREATE INDEX"),
        ("SHOW USERS", "SHOW"),
        ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE"),
    ],
)
def test_cypher_refuses_writes_and_admin(
    client: TestClient, loaded: GraphStore, query: str, needle: str
) -> None:
    _problem(_cypher(client, query), 403, needle)
    left = loaded.run_text(
        "t",
        "MATCH (n) WHERE n:Evil OR n.hacked IS NOT NULL RETURN count(n) AS evil",
        {},
        read=True,
    )
    assert left == [{"evil": 0}]
    assert loaded.read("graph/test_get_entity", id="ORPHA:558")[0]["name"] == "Marfan syndrome"


@pytest.mark.parametrize(
    "query",
    [
        "UNWIND [1] AS x CALL (x) { MERGE (:Evil {x: x}) } IN TRANSACTIONS RETURN x",
        "CREATE INDEX evil2 FOR (n:Evil) ON (n.x)",
        "CALL db.createLabel('Evil')",
    ],
)
def test_read_mode_alone_refuses_writes(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """With the lexical screen switched off, the READ transaction still refuses the write."""
    monkeypatch.setattr(user_query.cypher_guard, "check_read_only", lambda text: None)
    _problem(_cypher(client, query), 403, "database refused")


def test_cypher_row_limit_timeout_and_errors(client: TestClient) -> None:
    r = _cypher(client, "UNWIND range(1, 100) AS i RETURN i")
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == [[1], [2], [3], [4], [5]]
    assert r.json()["truncated"] is True and r.json()["row_limit"] == 5
    slow = "UNWIND range(1, 2000000000) AS i WITH i WHERE i = -1 RETURN count(i)"
    _problem(_cypher(client, slow), 408, "time limit")
    _problem(_cypher(client, "MATCH (n RETURN n"), 400, "SyntaxError")
    _problem(_cypher(client, "RETURN $missing"), 400, "missing")
    # Neo4j 5.26 fails on a leading '*' with an internal error: still the caller's 400.
    _problem(_cypher(client, "*"), 400, "could not run this query")
    _problem(_cypher(client, "  // nothing\n"), 400, "empty")


def test_cypher_needs_a_key(client: TestClient) -> None:
    r = client.post("/v1/cypher", json={"query": "RETURN 1"})
    _problem(r, 401, "missing API key")


def test_ready_and_metrics(client: TestClient) -> None:
    checks = client.get("/readyz").json()["checks"]
    assert checks["neo4j"]["ok"] and checks["schema"]["ok"]
    assert checks["models"]["ok"] is True
    cache = checks["models"]["detail"]["expansion_cache"]  # shown even while still empty
    assert {"entries", "hits", "misses", "invalidations"} <= set(cache)
    client.get("/v1/entities/ORPHA:558")
    text = client.get("/metrics").text
    assert 'evigraph_neo4j_query_duration_seconds_count{query="api/get_entity"}' in text
    assert 'route="/v1/entities/{curie:path}",status="200"' in text


def test_evidence_known_question(client: TestClient) -> None:
    body = dict(MARFAN_HOP_1)
    r = client.post("/v1/evidence", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    Evidence.model_validate(out)  # the route serialises without the response model
    assert out["seeds"][0]["id"] == "ORPHA:558"
    triples = [t for h in out["hops"] for t in h["triples"]]
    arach = [t for t in triples if t["object"]["id"] == "HP:0001166"]
    assert arach and arach[0]["subject"]["id"] == "ORPHA:558"
    assert arach[0]["provenance"], arach[0]
    unknown = client.post("/v1/evidence", json={**body, "seeds": ["ORPHA:0"]})
    assert unknown.status_code in (404, 422) and "ORPHA:0" in unknown.json()["detail"]


@pytest.mark.parametrize(("fmt", "media"), [("turtle", "text/turtle"), ("json-ld", "ld+json")])
def test_evidence_as_rdf(client: TestClient, fmt: str, media: str) -> None:
    body = dict(MARFAN_HOP_1)
    r = client.post(f"/v1/evidence?format={fmt}", json=body)
    assert r.status_code == 200, r.text
    assert media in r.headers["content-type"]
    g = Graph().parse(data=r.text, format=fmt)
    marfan, arach = iri("ORPHA:558"), iri("HP:0001166")
    assert (marfan, BIOLINK.has_phenotype, arach) in g
    statements = set(g.subjects(RDF.subject, marfan)) & set(g.subjects(RDF.object, arach))
    assert len(statements) == 1
    st = statements.pop()
    assert list(g.objects(st, PROV.wasGeneratedBy)), "the ingest run is missing"
    assert iri("infores:orphanet") in set(g.objects(st, BIOLINK.primary_knowledge_source))
    assert [str(h) for h in g.objects(st, EVG.hop)] == ["1"]
    assert len(list(g.objects(st, EVG.retrieval_score))) == 1
    # the same choice in the body; a contradiction between query and body is refused
    same = client.post("/v1/evidence", json={**body, "format": fmt})
    assert same.status_code == 200 and media in same.headers["content-type"]
    clash = client.post("/v1/evidence?format=json", json={**body, "format": fmt})
    _problem(clash, 422, "give one")


def test_maude_predictions_follow_the_checkpoints_death_rule(
    client: TestClient, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    models = client.app.state.evigraph.extraction  # type: ignore[attr-defined]
    request.addfinalizer(lambda: models.unload("maude"))
    report = {"mdr_report_key": "1", "text": "The mesh eroded and was removed."}
    # Threshold 0: every report is Death; 2: none is, whatever the argmax says.
    for threshold, death in ((0.0, True), (2.0, False)):
        service = ruled_service(tmp_path / f"ckpt{threshold}", threshold)
        models.put("maude", service)
        r = client.post("/v1/extract/maude", json={"reports": [report]})
        assert r.status_code == 200, r.text
        pred = r.json()["predictions"][0]
        assert pred["death_threshold"] == threshold
        assert (pred["severity_predicted"] == "Death") is death
        assert pred["severity_argmax"] in {"Death", "Injury", "Malfunction", "Other"}


def test_extract_writes_need_a_key_and_bodies_are_checked(client: TestClient) -> None:
    report = {"mdr_report_key": "1", "text": "The mesh eroded."}
    _problem(
        client.post("/v1/extract/maude", json={"reports": [report], "write": True}), 401, "key"
    )
    both = {"pubtator": "1|t|x", "bioc": {"documents": []}}
    _problem(client.post("/v1/extract/biored", json=both), 422, "exactly one of")
    _problem(client.post("/v1/extract/ade", json={}), 422, "exactly one of")
    r = client.post("/v1/extract/ade", json={"text": "x", "bogus": 1})
    assert r.status_code == 422  # unknown fields are refused


def test_extract_biored_with_a_cpu_checkpoint(client: TestClient) -> None:
    """POST /v1/extract/biored serves the CPU configuration's checkpoint (frozen-heads)."""
    from core.encoders import resolve_model_dir
    from extraction.biored import frozen
    from extraction.biored.checkpoint import default_path
    from extraction.biored.heads import HeadsConfig, PairHeads
    from extraction.biored.state_cache import FeatureSpec, FrozenEncoder

    var_dir = client.app.state.evigraph.settings.models.var_dir  # type: ignore[attr-defined]
    encoder = FrozenEncoder.from_dir(None, FeatureSpec(resolve_model_dir(None).encoder_id))
    heads = PairHeads(HeadsConfig(encoder.dim, hidden=16, pair_hidden=16, key_dim=8, type_dim=4))
    predictor = frozen.FrozenPredictor(encoder, heads, {}, None)
    frozen.save(predictor, default_path(var_dir), {"version": "api-test", "threshold": 0.0})
    body = {
        "pubtator": "1|t|BRCA1 mutations cause breast cancer.\n"
        "1\t0\t5\tBRCA1\tGeneOrGeneProduct\t672\n"
        "1\t22\t35\tbreast cancer\tDiseaseOrPhenotypicFeature\tD001943\n"
    }
    r = client.post("/v1/extract/biored", json=body)
    assert r.status_code == 200, r.text
    (rel,) = r.json()["relations"]  # threshold 0: the one candidate pair is returned
    assert {rel["id1"], rel["id2"]} == {"672", "D001943"}
    assert rel["direction"] in ("undirected", "first_is_subject", "second_is_subject")


def test_extract_ade_passes_the_gate_switch_on(
    client: TestClient, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """`gate` reaches the service: true without a trained gate is a 503 naming the command;
    false extracts; a non-boolean is a 422."""
    from core.encoders import resolve_model_dir
    from extraction.ade.checkpoint import new_bundle
    from extraction.ade.dictionary import DictionaryTagger
    from extraction.ade.linking import HpoLinker
    from extraction.ade.service import AdeService
    from graph.hpo_terms import HpoTerm
    from tests.ade_tiny import make_tiny_encoder

    pair = new_bundle(
        resolve_model_dir(make_tiny_encoder(tmp_path)), "shared", "attention", 64, fusion_dim=16
    )
    pair.threshold = 0.0
    tagger = DictionaryTagger(["cisplatin"], ["renal failure"])
    linker = HpoLinker([HpoTerm("HP:0000083", "Renal insufficiency", ("Renal failure",))], None)
    models = client.app.state.evigraph.extraction  # type: ignore[attr-defined]
    models.put("ade", AdeService(pair, tagger, linker))
    request.addfinalizer(lambda: models.unload("ade"))
    text = "Acute renal failure developed after treatment with cisplatin."
    _problem(
        client.post("/v1/extract/ade", json={"text": text, "gate": True}), 503, "--gate-seconds"
    )
    r = client.post("/v1/extract/ade", json={"text": text, "gate": False})
    assert r.status_code == 200, r.text
    (doc,) = r.json()["documents"]
    assert [x["drug"] for x in doc["relations"]] == ["cisplatin"]
    assert doc["gate_threshold"] is None and doc["gated_sentences"] == 0
    assert client.post("/v1/extract/ade", json={"text": text, "gate": "maybe"}).status_code == 422
