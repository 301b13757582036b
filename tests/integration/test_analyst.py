"""Each query of the analyst library on the fixture graph (curated ingest fixtures plus extracted
adverse-event statements), checked against the same answer computed in Python from the raw
statements, and the `evigraph cypher` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from core.exceptions import GraphError
from graph import analyst
from graph.repository import GraphStore
from tests.integration.interop_fixtures import load_fixture_graph

EVIGRAPH = str(Path(sys.executable).parent / "evigraph")
GENE_RELS = {"CAUSES", "CONTRIBUTES_TO", "ASSOCIATED_WITH"}
MAPPINGS = {"EXACT_MATCH", "BROAD_MATCH", "NARROW_MATCH", "CLOSE_MATCH"}


@pytest.fixture
def graph(store: GraphStore) -> GraphStore:
    load_fixture_graph(store)
    return store


def _edges(store: GraphStore) -> list[dict[str, Any]]:
    return list(store.stream("graph/stream_edges"))


def _positive_phenotypes(edges: list[dict[str, Any]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        if e["type"] == "HAS_PHENOTYPE" and not e["props"]["negated"]:
            out[e["subject"]].add(e["object"])
    return out


def _descendants(edges: list[dict[str, Any]], term: str) -> set[str]:
    children: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        if e["type"] == "SUBCLASS_OF":
            children[e["object"]].add(e["subject"])
    seen, todo = {term}, [term]
    while todo:
        for child in children[todo.pop()] - seen:
            seen.add(child)
            todo.append(child)
    return seen


def test_list_disease_phenotypes(graph: GraphStore) -> None:
    rows = analyst.run(graph, "list_disease_phenotypes", {"disease": "ORPHA:558"})
    edges = [
        e for e in _edges(graph) if e["subject"] == "ORPHA:558" and e["type"] == "HAS_PHENOTYPE"
    ]
    assert len(rows) == len(edges) > 10
    flags = [r["excluded"] for r in rows]
    assert flags == sorted(flags)  # present phenotypes first
    arach = next(r for r in rows if r["phenotype"] == "HP:0001166")
    assert arach["hpoa_frequency"] == "HP:0040281"
    assert arach["orphanet_frequency"] == "Very frequent (99-80%)"
    assert arach["sources"] == ["infores:hpo-annotations", "infores:orphanet"]
    assert (
        len(analyst.run(graph, "list_disease_phenotypes", {"disease": "ORPHA:558", "limit": 3}))
        == 3
    )


@pytest.mark.parametrize(
    "term,below", [("HP:0001166", True), ("HP:0001238", True), ("HP:0001238", False)]
)
def test_find_genes_for_phenotype(graph: GraphStore, term: str, below: bool) -> None:
    edges = _edges(graph)
    terms = _descendants(edges, term) if below else {term}
    diseases = {d for d, ps in _positive_phenotypes(edges).items() if ps & terms}
    expected: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        if e["type"] in GENE_RELS and e["object"] in diseases:
            expected[e["subject"]].add(e["object"])
    rows = analyst.run(
        graph, "find_genes_for_phenotype", {"phenotype": term, "include_subclasses": below}
    )
    assert {r["gene"]: r["disease_count"] for r in rows} == {g: len(d) for g, d in expected.items()}
    assert [r["disease_count"] for r in rows] == sorted(
        (r["disease_count"] for r in rows), reverse=True
    )
    if term == "HP:0001166":
        assert "NCBIGene:2200" in expected  # FBN1, for Marfan syndrome


def test_find_diseases_sharing_phenotypes(graph: GraphStore) -> None:
    edges = _edges(graph)
    diseases = {n["id"] for n in graph.stream("graph/stream_nodes") if "Disease" in n["labels"]}
    phen = {d: ps for d, ps in _positive_phenotypes(edges).items() if d in diseases}
    mapped = {frozenset((e["subject"], e["object"])) for e in edges if e["type"] in MAPPINGS}
    mine = phen["ORPHA:558"]
    expected = {}
    for other, theirs in phen.items():
        shared = len(mine & theirs)
        if other == "ORPHA:558" or shared < 1 or frozenset(("ORPHA:558", other)) in mapped:
            continue
        expected[other] = (shared, round(shared / len(mine | theirs), 4))
    rows = analyst.run(
        graph, "find_diseases_sharing_phenotypes", {"disease": "ORPHA:558", "min_shared": "1"}
    )
    assert {r["disease"]: (r["shared"], r["jaccard"]) for r in rows} == expected
    assert expected  # the fixture has such diseases
    with_maps = analyst.run(
        graph,
        "find_diseases_sharing_phenotypes",
        {"disease": "ORPHA:558", "min_shared": 1, "include_mappings": True},
    )
    assert len(with_maps) > len(rows)
    assert any(r["disease"] == "OMIM:154700" for r in with_maps)  # Marfan in OMIM


def test_rank_drugs_for_phenotype(graph: GraphStore) -> None:
    rows = analyst.run(graph, "rank_drugs_for_phenotype", {"phenotype": "HP:0001166"})
    assert [(r["drug"], r["documents"]) for r in rows] == [("CHEBI:27899", 2), ("CHEBI:6541", 1)]
    assert rows[0]["best_score"] == 0.91
    strict = analyst.run(
        graph, "rank_drugs_for_phenotype", {"phenotype": "HP:0001166", "min_score": 0.7}
    )
    assert [(r["drug"], r["documents"]) for r in strict] == [("CHEBI:27899", 2)]
    parent = {"phenotype": "HP:0001238"}  # Slender finger, above Arachnodactyly
    assert analyst.run(graph, "rank_drugs_for_phenotype", parent) == []
    below = analyst.run(graph, "rank_drugs_for_phenotype", {**parent, "include_subclasses": True})
    assert {r["drug"] for r in below} == {"CHEBI:27899", "CHEBI:6541"}
    nausea = analyst.run(graph, "rank_drugs_for_phenotype", {"phenotype": "MEDDRA:10028813"})
    assert [r["drug"] for r in nausea] == ["CHEBI:27899"]


def test_list_disease_adverse_events(graph: GraphStore) -> None:
    rows = analyst.run(graph, "list_disease_adverse_events", {"disease": "ORPHA:558"})
    got = {(r["phenotype"], r["drug"], r["documents"]) for r in rows}
    assert got == {
        ("HP:0001166", "CHEBI:27899", 2),
        ("HP:0001166", "CHEBI:6541", 1),
        ("HP:0001083", "CHEBI:6541", 1),
    }
    assert rows[0]["drug"] == "CHEBI:27899" and rows[0]["frequency"] == "Very frequent (99-80%)"


def test_get_statement_evidence(graph: GraphStore) -> None:
    rows = analyst.run(
        graph, "get_statement_evidence", {"subject": "CHEBI:27899", "object": "HP:0001166"}
    )
    assert [r["document"] for r in rows] == ["PMID:1001", "PMID:1002"]
    for r in rows:
        assert r["sentence"][slice(*r["subject_span"])] == "cisplatin"
        assert r["sentence"][slice(*r["object_span"])] == "Arachnodactyly"
        assert r["model"] == "ade-test" and r["type"] == "CAUSES_ADVERSE_EVENT"
    curated = {"subject": "ORPHA:558", "object": "HP:0001166"}
    assert analyst.run(graph, "get_statement_evidence", curated) == []
    other = {"subject": "CHEBI:27899", "object": "HP:0001166", "type": "ASSOCIATION"}
    assert analyst.run(graph, "get_statement_evidence", other) == []


def test_count_statements_by_source(graph: GraphStore) -> None:
    expected: dict[tuple[str, str, bool], int] = defaultdict(int)
    for e in _edges(graph):
        pks = e["props"]["primary_knowledge_source"]
        for source in [pks] if isinstance(pks, str) else pks:
            expected[(source, e["type"], "evidence_id" in e["props"])] += 1
    rows = analyst.run(graph, "count_statements_by_source", {})
    assert {(r["source"], r["type"], r["extracted"]): r["statements"] for r in rows} == expected
    assert ("infores:evigraph", "CAUSES_ADVERSE_EVENT", True) in expected


def test_cypher_cli(graph: GraphStore) -> None:
    env = {**os.environ, "EVIGRAPH_LOG_LEVEL": "WARNING"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([EVIGRAPH, "cypher", *args], capture_output=True, text=True, env=env)

    out = cli("list_disease_phenotypes", "--param", "disease=ORPHA:558", "--param", "limit=2")
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)) == 2
    listed = cli("--list").stdout
    for q in analyst.catalog():
        assert q.name in listed
        assert all(f"--param {p.name}=<{p.type}>" in listed for p in q.params)
    missing = cli("list_disease_phenotypes")
    assert missing.returncode == 1 and "needs parameter disease" in missing.stderr
    bad = cli("list_disease_phenotypes", "--param", "disease=ORPHA:558", "--param", "limit=ten")
    assert bad.returncode == 1 and "limit must be int" in bad.stderr
    unknown = cli("nope")
    assert unknown.returncode == 1 and "no Cypher query named 'analyst/nope'" in unknown.stderr


def test_analyst_queries_run_read_only(graph: GraphStore) -> None:
    with pytest.raises(GraphError):
        graph.read_only("graph/test_upsert_entities", rows=[{"id": "X:1", "name": "x"}])
    assert graph.read("graph/test_get_entity", id="X:1") == []
