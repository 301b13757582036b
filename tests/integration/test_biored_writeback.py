"""BioRED relations written back on the real Neo4j: directed subject -> object, undirected
stored once whatever the order read, genes joining curated Gene nodes by NCBIGene id,
diseases joining curated nodes through MeSH xrefs, novelty and per-head scores kept."""

from __future__ import annotations

from pathlib import Path

from extraction import writeback as wb
from extraction.biored.corpus import Document, read_pubtator
from extraction.biored.service import ExtractedRelation, to_statements
from graph.repository import GraphStore

DATA = Path(__file__).parents[1] / "data" / "biored"
MODEL = wb.ModelInfo("biored", "biored-multitask", "test", "encoder@abc")


def _docs() -> list[Document]:
    return read_pubtator(DATA / "sample.pubtator")


def _rel(
    pmid: str,
    id1: str,
    id2: str,
    t1: str,
    t2: str,
    rel: str,
    subject: str | None,
    novel: bool = True,
) -> ExtractedRelation:
    direction = (
        "undirected"
        if subject is None
        else ("first_is_subject" if subject == id1 else "second_is_subject")
    )
    return ExtractedRelation(
        pmid, id1, id2, t1, t2, rel, 0.9, 0.7, novel, 0.8, subject, direction, 0.6
    )


def _curated(store: GraphStore) -> None:
    store.run_text(
        "curated",
        "CREATE (:Entity:Gene {id: 'NCBIGene:6331', name: 'SCN5A', category: 'biolink:Gene'}), "
        "(:Entity:PhenotypicFeature {id: 'HP:0001662', name: 'Bradycardia', "
        "category: 'biolink:PhenotypicFeature', xrefs: ['UMLS:C0428977', 'MESH:D001919']})",
        {},
        read=False,
    )


def _edges(store: GraphStore) -> list[dict[str, object]]:
    return store.run_text(
        "edges",
        "MATCH (s)-[r]->(o) WHERE r.evidence_id IS NOT NULL RETURN s.id AS s, type(r) AS rel, "
        "o.id AS o, r.directed AS directed, r.novelty AS novelty, r.biored_type AS bt, "
        "r.type_score AS ts, r.direction_score AS ds, r.score AS score, "
        "r.predicate AS predicate, r.document_id AS doc ORDER BY s, o",
        {},
        read=True,
    )


def test_directed_and_undirected_statements(store: GraphStore) -> None:
    _curated(store)
    gene, dis, chem = "GeneOrGeneProduct", "DiseaseOrPhenotypicFeature", "ChemicalEntity"
    rels = [
        # "Association D001919 6331" with "Subject:6331": gene -> bradycardia
        _rel("15485686", "D001919", "6331", dis, gene, "Association", "6331"),
        # lidocaine (second argument) is the subject: lidocaine -> atrioventricular block
        _rel(
            "15485686",
            "D054537",
            "D008012",
            dis,
            chem,
            "Negative_Correlation",
            "D008012",
            novel=False,
        ),
        # an undirected cotreatment, in the order the file gives it
        _rel("24671324", "D003907", "D000069283", chem, chem, "Cotreatment", None, novel=False),
    ]
    docs = _docs()
    first = wb.write_statements(store, MODEL, to_statements(docs, rels, store), inputs={})
    assert first.statements == 3 and first.new_evidence == 3
    # The same undirected pair read the other way round adds nothing.
    swapped = [
        _rel("24671324", "D000069283", "D003907", chem, chem, "Cotreatment", None, novel=False)
    ]
    again = wb.write_statements(store, MODEL, to_statements(docs, swapped, store), inputs={})
    assert again.new_evidence == 0

    edges = {(e["s"], e["rel"], e["o"]): e for e in _edges(store)}
    assert set(edges) == {
        ("NCBIGene:6331", "ASSOCIATION", "HP:0001662"),  # curated nodes, joined
        ("MESH:D008012", "NEGATIVE_CORRELATION", "MESH:D054537"),
        ("MESH:D000069283", "COTREATMENT", "MESH:D003907"),  # id order, stored once
    }
    directed = edges[("NCBIGene:6331", "ASSOCIATION", "HP:0001662")]
    assert directed["directed"] is True and directed["novelty"] == "Novel"
    assert directed["predicate"] == "biolink:associated_with" and directed["bt"] == "Association"
    assert directed["score"] == 0.9 and directed["ts"] == 0.7 and directed["ds"] == 0.6
    assert directed["doc"] == "PMID:15485686"
    neg = edges[("MESH:D008012", "NEGATIVE_CORRELATION", "MESH:D054537")]
    assert neg["novelty"] == "No" and neg["directed"] is True
    assert edges[("MESH:D000069283", "COTREATMENT", "MESH:D003907")]["directed"] is False

    nodes = store.run_text(
        "nodes",
        "MATCH (n:Entity) RETURN n.id AS id, labels(n) AS labels, n.extracted AS x, "
        "n.name AS name ORDER BY id",
        {},
        read=True,
    )
    by_id = {n["id"]: n for n in nodes}
    assert by_id["NCBIGene:6331"]["x"] is None and by_id["HP:0001662"]["x"] is None
    assert "MESH:D001919" not in by_id  # joined through the curated node's xref
    assert by_id["MESH:D008012"]["x"] is True and by_id["MESH:D008012"]["name"] == "lidocaine"
    assert "ChemicalEntity" in by_id["MESH:D008012"]["labels"]
    assert sorted(by_id) == sorted(
        [
            "NCBIGene:6331",
            "HP:0001662",
            "MESH:D008012",
            "MESH:D054537",
            "MESH:D000069283",
            "MESH:D003907",
        ]
    )
    # Retracting both runs leaves only the curated nodes.
    wb.retract_run(store, again.run_id)
    wb.retract_run(store, first.run_id)
    left = store.run_text("left", "MATCH (n:Entity) RETURN n.id AS id ORDER BY id", {}, read=True)
    assert [r["id"] for r in left] == ["HP:0001662", "NCBIGene:6331"]
