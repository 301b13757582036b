"""Interop pieces that need no server: the KGX record mapping, TSV cells, RDF of statements,
the Biolink rule table, the prefix map and the analyst query headers."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal
from rdflib.compare import isomorphic

from core.exceptions import GraphError
from graph import analyst, queries
from graph.vocabulary import LABEL_CATEGORIES
from interop import biolink, kgx, kgx_import, kgx_tsv, rdf
from interop.prefixes import curie_to_iri, from_biolink, known_prefix, to_biolink
from interop.rdf import BIOLINK, PROV, iri, run_iri, serialize_statements, statements_graph
from interop.rdf_text import TextWriter

CURATED = {
    "subject": "ORPHA:558",
    "predicate": "biolink:has_phenotype",
    "object": "HP:0001166",
    "negated": False,
    "sources": ["hpoa", "orphanet"],
    "primary_knowledge_source": ["infores:hpo-annotations", "infores:orphanet"],
    "knowledge_level": "knowledge_assertion",
    "agent_type": "manual_agent",
    "hpoa_run": "hpoa-1",
    "orphanet_run": "orphanet-1",
    "hpoa_publications": ["PMID:28050285"],
    "orphanet_frequency": "Very frequent (99-80%)",
    "hpoa_frequency_value": 0.63,
}
EXTRACTED = {
    "subject": "CHEBI:27899",
    "predicate": "biolink:has_adverse_event",
    "object": "HP:0001166",
    "evidence_id": "abc",
    "primary_knowledge_source": "infores:evigraph",
    "knowledge_level": "prediction",
    "agent_type": "text_mining_agent",
    "model_name": "ade",
    "model_version": "2",
    "document_id": "PMID:1",
    "sentence": "cisplatin ...",
    "score": 0.9,
    "extraction_runs": ["ade-1"],
    "subject_start": 0,
}


@pytest.mark.parametrize(
    "props,rel", [(CURATED, "HAS_PHENOTYPE"), (EXTRACTED, "CAUSES_ADVERSE_EVENT")]
)
def test_edge_record_round_trip(props: dict[str, object], rel: str) -> None:
    rec = {"subject": props["subject"], "object": props["object"], "type": rel, "props": props}
    out = kgx.edge_to_kgx(rec)
    # Single-valued Biolink slots hold one value; evigraph's list of sources has its own column.
    assert out["primary_knowledge_source"] in ("infores:hpo-annotations", "infores:evigraph")
    assert out["neo4j_type"] == rel and out["id"].startswith("EVIGRAPH:")
    assert "negated" not in out and "sources" not in out and "knowledge_source" not in out
    back = kgx.kgx_to_edge(out, out["neo4j_type"])
    assert back["props"] == props and back["type"] == rel


def test_orphanet_ids_are_written_as_biolink_says_and_read_back() -> None:
    out = kgx.edge_to_kgx({"subject": "ORPHA:558", "object": "HP:1", "type": "X", "props": CURATED})
    assert out["subject"] == "ORDO:Orphanet_558" and out["object"] == "HP:1"
    assert out["primary_knowledge_sources"] == ["infores:hpo-annotations", "infores:orphanet"]
    assert out["evigraph_sources"] == ["hpoa", "orphanet"]
    assert kgx.kgx_to_edge(out, "X")["subject"] == "ORPHA:558"
    assert (to_biolink("ORPHA:C016"), from_biolink("ORDO:Orphanet_C016")) == (
        "ORDO:Orphanet_C016",
        "ORPHA:C016",
    )
    assert to_biolink("DECIPHER:16") == from_biolink("DECIPHER:16") == "DECIPHER:16"


def test_node_record_round_trip() -> None:
    props = {
        "id": "ORPHA:558",
        "category": "biolink:Disease",
        "name": "Marfan syndrome",
        "synonyms": ["MFS"],
        "xrefs": ["OMIM:154700"],
        "primary_knowledge_source": ["infores:orphanet"],
        "sources": ["orphanet"],
    }
    out = kgx.node_to_kgx({"id": "ORPHA:558", "labels": ["Disease"], "props": props})
    assert out["id"] == "ORDO:Orphanet_558" and out["xref"] == ["OMIM:154700", "ORPHA:558"]
    assert out["category"] == ["biolink:Disease"] and out["synonym"] == ["MFS"]
    assert out["provided_by"] == ["infores:orphanet"] and out["neo4j_label"] == ["Disease"]
    assert out["evigraph_sources"] == ["orphanet"]
    assert kgx.kgx_to_node(out, ["Disease"])["props"] == props
    # A node no source names is named by its id, and comes back without a name.
    nameless = {"id": "OMIM:100050", "category": "biolink:Disease", "xrefs": []}
    out = kgx.node_to_kgx({"id": "OMIM:100050", "labels": ["Disease"], "props": nameless})
    assert out["name"] == "OMIM:100050" and out["xref"] == []
    assert kgx.kgx_to_node(out, ["Disease"])["props"] == nameless


def test_tsv_cells_read_back_typed(tmp_path: Path) -> None:
    cols = kgx_tsv.Columns()
    recs = [
        {"id": "A:1", "n": 3, "f": 0.5, "b": True, "l": ["x", "y"], "p": ["a|b"], "m": "s"},
        {"id": "A:2", "l": [], "m": ["t", "u"], "f": [0.25, 1.5], "j": {"k": 1}},
        {"id": "A:3", "j": "text", "s": 'tab\there, new\nline \\ "q" |pipe|\r'},
    ]
    for r in recs:
        cols.see(r)
    types = cols.resolved()
    assert types == {
        "id": "str",
        "n": "int",
        "f": "float|list[float]",
        "b": "bool",
        "l": "list[str]",
        "p": "list[str]",
        "m": "str|list[str]",
        "j": "json",
        "s": "str",
    }
    src, path = tmp_path / "nodes.jsonl", tmp_path / "nodes.tsv"
    src.write_text("".join(json.dumps(r) + "\n" for r in recs))
    kgx_tsv.write_tsv(src, path, cols.ordered(["id"]), types)
    lines = path.read_text().split("\n")
    assert len(lines) == len(recs) + 2 and lines[-1] == ""  # one line a record
    assert '"' not in lines[1]  # no CSV quoting
    # Read as KGX readers read it: tabs split cells, pipes split lists, nothing else.
    rows = [dict(zip(lines[0].split("\t"), ln.split("\t"), strict=True)) for ln in lines[1:-1]]
    assert rows[0]["p"] == "a\\u007cb" and rows[0]["l"] == "x|y" and rows[0]["b"] == "true"
    assert rows[2]["s"].split("|") == [rows[2]["s"]]
    back = [rec for _, rec in kgx_import._read_tsv(path, types)]
    assert back[0] == recs[0] and back[2] == recs[2]
    assert back[1] == {"id": "A:2", "m": ["t", "u"], "f": [0.25, 1.5], "j": {"k": 1}}


def test_statements_as_rdf() -> None:
    negated = {**CURATED, "negated": True, "object": "HP:0000001"}
    g = statements_graph([CURATED, EXTRACTED, negated])
    assert (iri("ORPHA:558"), BIOLINK.has_phenotype, iri("HP:0001166")) in g
    assert (iri("ORPHA:558"), BIOLINK.has_phenotype, iri("HP:0000001")) not in g
    sts = set(g.subjects(RDF.type, RDF.Statement))
    assert len(sts) == 3
    curated = next(
        s
        for s in sts
        if (s, RDF.object, iri("HP:0001166")) in g and (s, RDF.subject, iri("ORPHA:558")) in g
    )
    assert set(g.objects(curated, PROV.wasGeneratedBy)) == {
        run_iri("hpoa-1"),
        run_iri("orphanet-1"),
    }
    assert (curated, PROV.wasDerivedFrom, iri("PMID:28050285")) in g
    assert (curated, BIOLINK.knowledge_level, Literal("knowledge_assertion")) in g
    text = serialize_statements([EXTRACTED], "json-ld")
    assert len(Graph().parse(data=text, format="json-ld")) == len(statements_graph([EXTRACTED]))
    nt = serialize_statements(
        [{"provenance": CURATED, **{k: CURATED[k] for k in ("subject", "object", "predicate")}}],
        "nt",
    )
    assert "<http://www.orpha.net/ORDO/Orphanet_558>" in nt
    with pytest.raises(ValueError, match="RDF format"):
        serialize_statements([CURATED], "rdfxml")


def test_biolink_rules() -> None:
    assert biolink.fits("biolink:Disease", "biolink:BiologicalEntity")
    assert biolink.fits("biolink:Drug", "biolink:ChemicalOrDrugOrTreatment")
    assert not biolink.fits("biolink:Gene", "biolink:PhenotypicFeature")
    assert not biolink.fits("biolink:Widget", "biolink:NamedThing")
    for rule in biolink.PREDICATES.values():
        assert rule.domain in biolink.CLASS_PARENTS and rule.range in biolink.CLASS_PARENTS
    for cats in LABEL_CATEGORIES.values():
        assert cats <= set(biolink.CLASS_PARENTS)
    assert {"HAS_PHENOTYPE", "CAUSES_ADVERSE_EVENT"} <= kgx_import.REL_TYPES


def test_prefix_map() -> None:
    assert curie_to_iri("HP:0001166") == "http://purl.obolibrary.org/obo/HP_0001166"
    assert curie_to_iri("ORPHA:558") == "http://www.orpha.net/ORDO/Orphanet_558"
    assert known_prefix("NCBIGene:2200") and not known_prefix("FOO:1")
    assert curie_to_iri("FOO:a b").startswith("https://w3id.org/evigraph/id/unmapped/FOO:a%20b")


def test_every_analyst_query_documents_its_parameters() -> None:
    catalog = analyst.catalog()
    assert len(catalog) >= 7
    for q in catalog:
        assert q.description, q.name
        text = queries.load(f"analyst/{q.name}")
        code = "\n".join(ln for ln in text.splitlines() if not ln.startswith("//"))
        used = set(re.findall(r"\$(\w+)", code))
        assert used == {p.name for p in q.params}, q.name
        assert all(p.doc for p in q.params), q.name


def test_analyst_parameter_binding() -> None:
    q = analyst.describe("find_genes_for_phenotype")
    bound = analyst.bind(q, {"phenotype": "HP:1", "include_subclasses": "no", "limit": "5"})
    assert bound == {"phenotype": "HP:1", "include_subclasses": False, "limit": 5}
    assert analyst.bind(q, {"phenotype": "HP:1"})["include_subclasses"] is True
    with pytest.raises(GraphError, match="no parameter colour"):
        analyst.bind(q, {"phenotype": "HP:1", "colour": "red"})
    with pytest.raises(GraphError, match="limit must be int"):
        analyst.bind(q, {"phenotype": "HP:1", "limit": "many"})
    with pytest.raises(GraphError, match="lower-case"):
        analyst.describe("../graph/ping")


def test_text_writer_matches_rdflib() -> None:
    odd = {
        **CURATED,
        "subject": "ORPHA:558",
        "object": "ISBN-10:0-19 262896-8",  # no mapped prefix, a space
        "hpoa_publications": ["http://www.ncbi.nlm.nih.gov/br.fcgi?book=gene&part=x", "PMID:1"],
        "orphanet_definition": 'Line one\nline "two"\t\\ é ✓',
        "hpoa_frequency_value": float("nan"),
        "count": 3,
        "flag": True,
        "score": 1e-05,
    }
    runs = [{"id": "hpoa-1", "started_at": "2026-11-22T06:06:33.092000000+00:00"}]
    triples = [
        *rdf.statement_triples("ORPHA:558", "HAS_PHENOTYPE", odd["object"], odd),
        *rdf.statement_triples("CHEBI:27899", "CAUSES_ADVERSE_EVENT", "HP:0001166", EXTRACTED),
        *rdf.node_triples("HP:0001166", {"category": "biolink:PhenotypicFeature", "name": "A.b."}),
        *rdf.run_triples(runs[0], "ingest"),
    ]
    expected = rdf.to_graph(triples)
    for fmt in ("turtle", "nt"):
        buf = io.StringIO()
        writer = TextWriter(buf, fmt)
        writer.start()
        assert writer.write(iter(triples)) == len(triples)
        parsed = Graph().parse(data=buf.getvalue(), format=fmt)
        assert len(parsed) == len(expected) == len(set(triples)), fmt
        # NaN is never equal to itself, so compare the lexical forms.
        assert {t.n3() for t in parsed.all_nodes()} == {t.n3() for t in expected.all_nodes()}, fmt
        assert isomorphic(parsed, expected), fmt
