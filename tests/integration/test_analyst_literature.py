"""The literature analyst queries on the fixture graph (curated ingest fixtures, extracted
adverse-event statements) plus BioRED statements of the BioRED sample: each answer checked
against the statements written."""

from __future__ import annotations

from pathlib import Path

import pytest

from extraction import writeback as wb
from extraction.biored.corpus import read_pubtator
from extraction.biored.service import ExtractedRelation, to_statements
from graph import analyst
from graph.repository import GraphStore
from tests.integration.interop_fixtures import load_fixture_graph
from tests.integration.test_biored_writeback import _rel as biored_relation

pytestmark = pytest.mark.neo4j
BIORED = Path(__file__).parents[1] / "data" / "biored" / "sample.pubtator"
MODEL = wb.ModelInfo("biored", "biored-multitask", "test", "encoder@abc")
GENE, DIS, CHEM = "GeneOrGeneProduct", "DiseaseOrPhenotypicFeature", "ChemicalEntity"


def _rel(
    id1: str, id2: str, t1: str, t2: str, rel: str, subject: str | None, novel: bool
) -> ExtractedRelation:
    return biored_relation("15485686", id1, id2, t1, t2, rel, subject, novel)


@pytest.fixture
def graph(store: GraphStore) -> GraphStore:
    load_fixture_graph(store)
    rels: list[ExtractedRelation] = [
        _rel("D001919", "6331", DIS, GENE, "Association", "6331", True),  # SCN5A -> bradycardia
        _rel("D008133", "6331", DIS, GENE, "Positive_Correlation", None, False),
        _rel("D013610", "6331", DIS, GENE, "Association", "D013610", False),
    ]
    docs = read_pubtator(BIORED)
    wb.write_statements(store, MODEL, to_statements(docs, rels, store), inputs={})
    return store


def test_rank_drugs_for_phenotype_gives_sentences(graph: GraphStore) -> None:
    (top, _) = analyst.run(graph, "rank_drugs_for_phenotype", {"phenotype": "HP:0001166"})
    assert top["drug"] == "CHEBI:27899" and top["documents"] == 2
    assert [s["document"] for s in top["sentences"]] == ["PMID:1001", "PMID:1002"]  # best first
    assert top["sentences"][0]["sentence"].startswith("Arachnodactyly was reported after cisplatin")


def test_list_drug_adverse_events(graph: GraphStore) -> None:
    rows = analyst.run(graph, "list_drug_adverse_events", {"drug": "cisplatin"})
    assert [(r["event"], r["kind"], r["documents"]) for r in rows] == [
        ("HP:0001166", "PhenotypicFeature", 2),
        ("MEDDRA:10028813", "AdverseEvent", 1),
    ]
    assert rows[0]["best_score"] == 0.91 and len(rows[0]["sentences"]) == 2
    by_id = analyst.run(graph, "list_drug_adverse_events", {"drug": "CHEBI:6541", "min_score": 0.6})
    assert [r["event"] for r in by_id] == ["HP:0001166"]  # Ectopia lentis scored 0.55


def test_list_disease_phenotypes_linked_to_drugs(graph: GraphStore) -> None:
    rows = analyst.run(graph, "list_disease_phenotypes_linked_to_drugs", {"disease": "ORPHA:558"})
    got = [(r["phenotype"], r["drugs"], r["documents"], r["top_drugs"]) for r in rows]
    assert got == [
        ("HP:0001166", 2, 3, ["CHEBI:27899", "CHEBI:6541"]),
        ("HP:0001083", 1, 1, ["CHEBI:6541"]),
    ]
    assert rows[0]["frequency"] == "Very frequent (99-80%)"


def test_list_gene_biored_relations(graph: GraphStore) -> None:
    rows = analyst.run(graph, "list_gene_biored_relations", {"gene": "NCBIGene:6331"})
    got = {(r["entity"], r["relation"], r["direction"], r["novel"]) for r in rows}
    assert got == {
        ("MESH:D001919", "Association", "gene_is_subject", 1),
        ("MESH:D008133", "Positive_Correlation", "undirected", 0),
        ("MESH:D013610", "Association", "gene_is_object", 0),
    }
    assert all(r["documents"] == 1 and r["document_ids"] == ["PMID:15485686"] for r in rows)
    novel = analyst.run(
        graph, "list_gene_biored_relations", {"gene": "NCBIGene:6331", "novel_only": True}
    )
    assert [r["entity"] for r in novel] == ["MESH:D001919"]
