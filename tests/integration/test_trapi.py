"""TRAPI on the real app and the real Neo4j with the fixture graph (curated sources plus
extracted adverse events): one-hop, two-hop, category-only and predicate-hierarchy queries,
every answer checked against the graph and validated with reasoner-validator offline; bad
query graphs; the meta knowledge graph."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.settings import ApiSettings, Neo4jSettings, Settings
from graph.repository import GraphStore
from tests.integration.conftest import WIPE
from tests.integration.interop_fixtures import load_fixture_graph
from tests.trapi_validator import validate

ANSWERS: list[dict[str, Any]] = []  # every successful answer, validated at the end


@pytest.fixture(scope="module")
def loaded(session_store: GraphStore) -> GraphStore:
    from graph import schema

    with session_store.driver.session(database=session_store.database) as s:
        s.run(WIPE).consume()
    schema.apply_schema(session_store)
    load_fixture_graph(session_store)
    return session_store


@pytest.fixture(scope="module")
def client(loaded: GraphStore, neo4j_cfg: Neo4jSettings) -> Iterator[TestClient]:
    settings = Settings(neo4j=neo4j_cfg, api=ApiSettings(load_models=False))
    with TestClient(create_app(settings)) as c:
        yield c


def _one_hop(subject: dict[str, Any], obj: dict[str, Any], predicates: list[str]) -> dict:
    return {
        "message": {
            "query_graph": {
                "nodes": {"s": subject, "o": obj},
                "edges": {"e": {"subject": "s", "object": "o", "predicates": predicates}},
            }
        }
    }


def _ask(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    res = client.post("/v1/trapi/query", json=body)
    assert res.status_code == 200, res.text
    answer: dict[str, Any] = res.json()
    ANSWERS.append(answer)
    return answer


def _bound(answer: dict[str, Any], qnode: str) -> set[str]:
    return {i for r in answer["message"]["results"] for i in r["node_bindings"][qnode]["ids"]}


def _graph(store: GraphStore, query: str, **params: Any) -> set[str]:
    return {r["id"] for r in store.run_text("t", query, params, read=True)}


MARFAN_PHENOTYPES = (
    "MATCH (:Entity {id: 'ORPHA:558'})-[r:HAS_PHENOTYPE]->(p) "
    "WHERE NOT r.negated RETURN DISTINCT p.id AS id"
)


def test_one_hop_disease_phenotypes(client: TestClient, loaded: GraphStore) -> None:
    answer = _ask(
        client,
        _one_hop(
            {"ids": ["ORDO:Orphanet_558"]},
            {"categories": ["biolink:PhenotypicFeature"]},
            ["biolink:has_phenotype"],
        ),
    )
    assert answer["schema_version"] == "2.0.0-beta" and answer["biolink_version"] == "4.4.6"
    assert _bound(answer, "o") == _graph(loaded, MARFAN_PHENOTYPES)
    assert _bound(answer, "s") == {"ORDO:Orphanet_558"}
    kg = answer["message"]["knowledge_graph"]
    assert kg["nodes"]["ORDO:Orphanet_558"]["name"] == "Marfan syndrome"
    assert kg["nodes"]["HP:0001166"]["categories"] == ["biolink:PhenotypicFeature"]
    edges = [e for e in kg["edges"].values() if e["object"] == "HP:0001166"]
    # Asserted by HPO annotations and Orphanet: one TRAPI edge per primary source.
    assert {e["sources"][0]["resource_id"] for e in edges} == {
        "infores:hpo-annotations",
        "infores:orphanet",
    }
    for e in edges:
        assert e["knowledge_level"] == "knowledge_assertion" and e["agent_type"] == "manual_agent"
        roles = {s["resource_role"]: s for s in e["sources"]}
        assert roles["aggregator_knowledge_source"]["resource_id"] == "infores:evigraph"
    assert any(
        a["attribute_type_id"] == "biolink:publications"
        for e in kg["edges"].values()
        for a in e.get("attributes", [])
    )
    result = answer["message"]["results"][0]
    assert result["analyses"][0]["resource_id"] == "infores:evigraph"
    for edge_id in result["analyses"][0]["edge_bindings"]["e"]["ids"]:
        assert edge_id in kg["edges"]
    # evigraph's own ids are accepted too.
    own = _ask(client, _one_hop({"ids": ["ORPHA:558"]}, {}, ["biolink:has_phenotype"]))
    assert _bound(own, "o") == _bound(answer, "o")


def test_predicate_hierarchy_and_inverses(client: TestClient, loaded: GraphStore) -> None:
    disease_of = _graph(
        loaded,
        "MATCH (d:Disease)-[r:HAS_PHENOTYPE]->(:Entity {id: 'HP:0001166'}) WHERE NOT r.negated "
        "RETURN DISTINCT d.id AS id",
    )
    related = _ask(
        client,
        _one_hop(
            {"ids": ["HP:0001166"]}, {"categories": ["biolink:Disease"]}, ["biolink:related_to"]
        ),
    )
    inverse = _ask(
        client,
        _one_hop(
            {"ids": ["HP:0001166"]},
            {"categories": ["biolink:Disease"]},
            ["biolink:phenotype_of"],
        ),
    )
    expected = {i.replace("ORPHA:", "ORDO:Orphanet_") for i in disease_of}
    assert expected and _bound(inverse, "o") == expected
    assert expected <= _bound(related, "o")
    # The edges keep the direction and predicate they are stored with.
    for e in inverse["message"]["knowledge_graph"]["edges"].values():
        assert e["predicate"] == "biolink:has_phenotype" and e["object"] == "HP:0001166"


def test_two_hop_gene_disease_phenotype(client: TestClient, loaded: GraphStore) -> None:
    body = {
        "message": {
            "query_graph": {
                "nodes": {
                    "g": {"ids": ["NCBIGene:2200"]},
                    "d": {"categories": ["biolink:Disease"]},
                    "p": {"categories": ["biolink:PhenotypicFeature"]},
                },
                "edges": {
                    "e0": {"subject": "g", "object": "d", "predicates": ["biolink:related_to"]},
                    "e1": {
                        "subject": "d",
                        "object": "p",
                        "predicates": ["biolink:has_phenotype"],
                    },
                },
            }
        }
    }
    answer = _ask(client, body)
    rows = loaded.run_text(
        "t",
        "MATCH (:Entity {id: 'NCBIGene:2200'})-[r1]-(d:Disease)-[r2:HAS_PHENOTYPE]->(p) "
        "WHERE NOT coalesce(r1.negated, false) AND NOT r2.negated "
        "RETURN DISTINCT d.id AS d, p.id AS p",
        {},
        read=True,
    )
    expected = {(r["d"].replace("ORPHA:", "ORDO:Orphanet_"), r["p"]) for r in rows}
    got = {
        (r["node_bindings"]["d"]["ids"][0], r["node_bindings"]["p"]["ids"][0])
        for r in answer["message"]["results"]
    }
    assert expected and got == expected
    for r in answer["message"]["results"]:
        assert set(r["analyses"][0]["edge_bindings"]) == {"e0", "e1"}


def test_extracted_edges_carry_model_score_and_sentence(client: TestClient) -> None:
    answer = _ask(
        client,
        _one_hop(
            {"ids": ["CHEBI:27899"]},
            {"categories": ["biolink:DiseaseOrPhenotypicFeature"]},
            ["biolink:has_adverse_event"],
        ),
    )
    assert _bound(answer, "o") == {"HP:0001166", "MEDDRA:10028813"}
    edges = answer["message"]["knowledge_graph"]["edges"].values()
    for e in edges:
        assert e["sources"] == [
            {"resource_id": "infores:evigraph", "resource_role": "primary_knowledge_source"}
        ]
        assert e["agent_type"] == "text_mining_agent" and e["knowledge_level"] == "prediction"
        attrs = {a["attribute_type_id"]: a for a in e["attributes"]}
        assert 0 < attrs["biolink:has_confidence_score"]["value"] <= 1
        assert attrs["biolink:publications"]["value"][0].startswith("PMID:100")
        study = attrs["biolink:has_supporting_studies"]
        assert study["value"].startswith("EVIGRAPH:evidence/")
        nested = {a["attribute_type_id"]: a["value"] for a in study["attributes"]}
        assert "cisplatin" in nested["biolink:supporting_text"]
        assert (
            nested["biolink:extraction_confidence_score"]
            == attrs["biolink:has_confidence_score"]["value"]
        )
        assert nested["biolink:has_attribute"].startswith("ade")


def test_category_only_node_and_node_lookup(client: TestClient, loaded: GraphStore) -> None:
    answer = _ask(
        client,
        _one_hop(
            {"ids": ["ORDO:Orphanet_558"]},
            {"categories": ["biolink:NamedThing"]},
            ["biolink:related_to"],
        ),
    )
    cats = {
        c for n in answer["message"]["knowledge_graph"]["nodes"].values() for c in n["categories"]
    }
    neighbours = loaded.run_text(
        "t",
        "MATCH (:Entity {id: 'ORPHA:558'})-[r]-(n) WHERE NOT coalesce(r.negated, false) "
        "RETURN collect(DISTINCT n.category) + ['biolink:Disease'] AS id",
        {},
        read=True,
    )[0]["id"]
    assert len(cats) >= 2 and cats == set(neighbours)
    lookup = _ask(client, {"message": {"query_graph": {"nodes": {"n": {"ids": ["HP:0001166"]}}}}})
    assert lookup["message"]["results"] == [{"node_bindings": {"n": {"ids": ["HP:0001166"]}}}]


REL = ["biolink:related_to"]
NO_IDS = _one_hop({"categories": ["biolink:Disease"]}, {}, REL)
OLD_LOG_LEVEL = {**_one_hop({"ids": ["HP:1"]}, {}, REL), "log_level": "DEBUG"}
OLD_VERSION = {**_one_hop({"ids": ["HP:1"]}, {}, REL), "schema_version": "1.5.0"}
WIDGET = _one_hop({"ids": ["HP:1"]}, {"categories": ["biolink:Widget"]}, REL)


@pytest.mark.parametrize(
    "body,status,words",
    [
        (_one_hop({"ids": ["HP:1"]}, {}, ["biolink:frobnicates"]), 400, "unknown Biolink pred"),
        (NO_IDS, 400, "no query node has ids"),
        (
            {
                "message": {
                    "query_graph": {
                        "nodes": {"a": {"ids": ["HP:1"]}, "b": {}, "c": {}},
                        "edges": {"e": {"subject": "b", "object": "c"}},
                    }
                }
            },
            400,
            "not connected",
        ),
        (WIDGET, 400, "unknown Biolink categories"),
        (_one_hop({"ids": ["HP:1"]}, {}, []), 422, "predicates"),
        (OLD_LOG_LEVEL, 422, "TRAPI 1.x"),
        (OLD_VERSION, 422, "1.5.0"),
        ({"message": {}}, 422, "query_graph"),
    ],
)
def test_bad_query_graphs_get_a_trapi_log(
    client: TestClient, body: dict[str, Any], status: int, words: str
) -> None:
    res = client.post("/v1/trapi/query", json=body)
    assert res.status_code == status, res.text
    out = res.json()
    assert out["logs"][0]["level"] == "ERROR" and words in out["logs"][0]["message"]
    assert out["status"] in ("QueryNotTraversable", "UnsupportedTrapiVersion")


def test_meta_knowledge_graph_counts_what_the_graph_holds(
    client: TestClient, loaded: GraphStore
) -> None:
    meta = client.get("/v1/trapi/meta_knowledge_graph").json()
    triples = {(e["subject"], e["predicate"], e["object"]) for e in meta["edges"]}
    assert ("biolink:Disease", "biolink:has_phenotype", "biolink:PhenotypicFeature") in triples
    assert ("biolink:Drug", "biolink:has_adverse_event", "biolink:PhenotypicFeature") in triples
    count = loaded.run_text(
        "t",
        "MATCH (a)-[r]->(b) WHERE NOT coalesce(r.negated, false) AND a.category = "
        "'biolink:Disease' AND r.predicate = 'biolink:has_phenotype' AND b.category = "
        "'biolink:PhenotypicFeature' RETURN count(r) AS id",
        {},
        read=True,
    )[0]["id"]
    counted = next(
        c["count"]
        for c in meta["edge_counts"]
        if (c["subject"], c["predicate"], c["object"])
        == ("biolink:Disease", "biolink:has_phenotype", "biolink:PhenotypicFeature")
    )
    assert counted == count
    assert "ORDO" in meta["nodes"]["biolink:Disease"]["id_prefixes"]
    assert client.get("/v1/trapi/meta_knowledge_graph").json() == meta  # cached
    ANSWERS.append({"message": {}, "meta": meta})


def test_every_answer_validates_with_reasoner_validator(tmp_path: Path) -> None:
    answers = [a for a in ANSWERS if "meta" not in a]
    assert len(answers) >= 7
    for answer, report in zip(answers, validate(answers, tmp_path), strict=True):
        assert not report["critical"] and not report["errors"], report
        # Warnings allowed: a DECIPHER or MEDDRA id (a prefix Biolink lacks or does not list
        # for the category), the echoed query graph of the inverse test, which asks with the
        # non-canonical phenotype_of, and for the node lookup (no query edges) the notes that
        # its query node is alone and its knowledge graph has no edges.
        warnings = report["warnings"]
        allowed = {
            "warning.knowledge_graph.node.id.unmapped_prefix",
            "warning.query_graph.edge.predicate.non_canonical",
        }
        if "edges" not in answer["message"]["query_graph"]:
            allowed |= {
                "warning.query_graph.nodes.dangling",
                "warning.trapi.response.message.knowledge_graph.empty",
            }
        assert set(warnings) <= allowed, warnings
        non_canonical = warnings.get("warning.query_graph.edge.predicate.non_canonical", {})
        assert set(non_canonical) <= {"biolink:phenotype_of"}, non_canonical
