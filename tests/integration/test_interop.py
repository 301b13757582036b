"""KGX export and re-import, RDF/PROV-O export and the Biolink check on the fixture graph."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr
from rdflib import RDF, Graph, Literal, URIRef

from core.exceptions import GraphAuthError, IngestError
from core.settings import get_settings
from graph.checksum import checksum
from graph.repository import GraphStore
from interop import kgx_check, kgx_export, kgx_import, rdf_export, validate
from interop.rdf import BIOLINK, PROV, iri, model_iri, run_iri
from tests.integration.conftest import WIPE
from tests.integration.interop_fixtures import ADE_MODEL, load_fixture_graph

EVIGRAPH = str(Path(sys.executable).parent / "evigraph")
ENV = {**os.environ, "EVIGRAPH_LOG_LEVEL": "WARNING"}


def _wipe(store: GraphStore) -> None:
    with store.driver.session(database=store.database) as s:
        s.run(WIPE).consume()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EVIGRAPH, *args], capture_output=True, text=True, env=ENV)


def test_validate_passes_on_the_ingested_fixture_graph(store: GraphStore) -> None:
    load_fixture_graph(store)
    report = validate.validate(store)
    assert report.ok, report.text()
    assert report.nodes == store.stats()["nodes"]["Entity"]
    assert report.edges == sum(store.stats()["relationships"].values())
    # The documented deviation is reported as a note, never hidden.
    assert any(f.rule == "range" and f.severity == "note" for f in report.findings)
    out = _cli("validate")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.rstrip().endswith("OK")


def test_validate_reports_each_kind_of_violation(store: GraphStore) -> None:
    load_fixture_graph(store)
    store.run_text(
        "bad",
        "CREATE (:Entity:Disease {id: 'FOO:1', category: 'biolink:Disease', sources: []}), "
        "(:Entity:Gene {id: 'NCBIGene:999999', category: 'biolink:Widget', sources: []}) "
        "WITH 1 AS one "
        "MATCH (d:Disease {id: 'ORPHA:558'}), (g:Gene {id: 'NCBIGene:2200'}), "
        "(p:PhenotypicFeature {id: 'HP:0001166'}) "
        "CREATE (d)-[:HAS_PHENOTYPE {subject: 'ORPHA:558', predicate: 'biolink:has_phenotype', "
        "object: 'NCBIGene:2200', negated: false, sources: []}]->(g), "
        "(d)-[:ASSOCIATED_WITH {subject: 'ORPHA:558', predicate: 'biolink:frobnicates', "
        "object: 'HP:0001166', primary_knowledge_source: ['infores:x'], sources: ['x'], "
        "x_run: 'r', x_release: '1', knowledge_level: 'knowledge_assertion', "
        "agent_type: 'manual_agent', negated: false}]->(p)",
        {},
        read=False,
    )
    report = validate.validate(store)
    rules = {(f.rule, f.severity) for f in report.findings}
    assert not report.ok
    for rule in ("category", "prefix", "range", "predicate", "provenance"):
        assert (rule, "error") in rules, report.text()
    messages = " ".join(f.message for f in report.errors)
    assert "'FOO'" in messages and "biolink:Widget" in messages and "frobnicates" in messages
    out = _cli("validate", "--json")
    assert out.returncode == 1
    assert json.loads(out.stdout)["errors"] == len(report.errors)


def test_kgx_round_trip_gives_the_same_checksum(store: GraphStore, tmp_path: Path) -> None:
    load_fixture_graph(store)
    before = checksum(store)
    out = _cli("export", "kgx", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "edges.jsonl",
        "edges.tsv",
        "metadata.json",
        "nodes.jsonl",
        "nodes.tsv",
    ]
    lines = (tmp_path / "edges.jsonl").read_text().splitlines()
    assert len(lines) == before["relationships"]
    _wipe(store)
    assert checksum(store)["nodes"] == 0
    imported = _cli("import", "kgx", str(tmp_path))
    assert imported.returncode == 0, imported.stderr
    assert checksum(store) == before
    assert validate.validate(store).ok


def test_kgx_tsv_columns_and_tsv_round_trip(store: GraphStore, tmp_path: Path) -> None:
    load_fixture_graph(store)
    # TSV cannot tell an empty list or string from a missing value; all else comes back typed.
    for pattern in ("(x:Entity)", "()-[x]->()"):
        store.run_text(
            "drop-empty",
            f"MATCH {pattern} UNWIND keys(x) AS k WITH x, k "
            "WHERE (valueType(x[k]) STARTS WITH 'LIST' AND size(x[k]) = 0) OR x[k] = '' "
            "SET x[k] = null",
            {},
            read=False,
        )
    before = checksum(store)
    kgx_export.export_kgx(store, tmp_path)
    rows = _tsv_rows(tmp_path / "edges.tsv")
    for col in (
        "id",
        "subject",
        "predicate",
        "object",
        "primary_knowledge_source",
        "knowledge_level",
        "agent_type",
    ):
        assert all(r[col] for r in rows), col
    marfan = next(
        r
        for r in rows
        if r["subject"] == "ORDO:Orphanet_558" and r["object"] == "HP:0001166" and not r["negated"]
    )
    assert marfan["primary_knowledge_sources"] == "infores:hpo-annotations|infores:orphanet"
    assert marfan["primary_knowledge_source"] == "infores:hpo-annotations"
    assert marfan["aggregator_knowledge_source"] == "infores:evigraph"
    ade = next(r for r in rows if r["neo4j_type"] == "CAUSES_ADVERSE_EVENT")
    assert ade["agent_type"] == "text_mining_agent" and ade["knowledge_level"] == "prediction"
    _wipe(store)
    kgx_import.import_kgx(store, tmp_path, "tsv")
    assert checksum(store) == before


def test_kgx_two_processes_write_what_one_writes(store: GraphStore, tmp_path: Path) -> None:
    load_fixture_graph(store)
    one = kgx_export.export_kgx(store, tmp_path / "one", processes=1)
    two = kgx_export.export_kgx(store, tmp_path / "two", processes=2)
    assert (one.nodes, one.edges) == (two.nodes, two.edges)
    # Both halves of the edges are there: the worker's half 0 and this process's half 1.
    halves = {s.split(":")[-1][-1] in "02468" for s in _column(tmp_path / "two", "subject")}
    assert halves == {True, False}
    for name in ("nodes.jsonl", "edges.jsonl", "nodes.tsv", "edges.tsv"):
        a = (tmp_path / "one" / name).read_text().splitlines()
        b = (tmp_path / "two" / name).read_text().splitlines()
        assert sorted(a) == sorted(b), name
        if name.endswith(".tsv"):
            assert a[0] == b[0], f"{name}: the header comes first"
    meta = [json.loads((tmp_path / d / "metadata.json").read_text()) for d in ("one", "two")]
    assert meta[0]["columns"] == meta[1]["columns"]
    assert meta[1]["counts"] == {"nodes": two.nodes, "edges": two.edges}


def test_kgx_worker_failure_is_raised_and_leaves_no_file(store: GraphStore, tmp_path: Path) -> None:
    load_fixture_graph(store)
    (tmp_path / "edges.tsv").write_text("an earlier export\n")
    # The worker connects with its own driver: a wrong password fails there, not here.
    bad = store.cfg.model_copy(update={"password": SecretStr("not-the-password")})
    with pytest.raises(GraphAuthError, match="refused the credentials"):
        kgx_export.export_kgx(GraphStore(store.driver, bad), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edges.tsv"]
    assert (tmp_path / "edges.tsv").read_text() == "an earlier export\n"


def _tsv_rows(path: Path) -> list[dict[str, str]]:
    """A KGX TSV read as KGX readers read it: no quoting, a line a record, a tab a cell."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""
    header = lines[0].split("\t")
    return [dict(zip(header, ln.split("\t"), strict=True)) for ln in lines[1:-1]]


def _column(folder: Path, col: str) -> list[str]:
    return [r[col] for r in _tsv_rows(folder / "edges.tsv")]


def test_kgx_filters_keep_a_closed_graph(store: GraphStore, tmp_path: Path) -> None:
    load_fixture_graph(store)
    flt = kgx_export.parse_filters(["source=orphanet"], {"orphanet": "infores:orphanet"})
    res = kgx_export.export_kgx(store, tmp_path / "o", flt)
    edges = [json.loads(x) for x in (tmp_path / "o" / "edges.jsonl").read_text().splitlines()]
    nodes = {json.loads(x)["id"] for x in (tmp_path / "o" / "nodes.jsonl").read_text().splitlines()}
    assert res.edges == len(edges) > 0
    assert all("infores:orphanet" in e["primary_knowledge_sources"] for e in edges)
    assert all(e["subject"] in nodes and e["object"] in nodes for e in edges)
    total = store.run_text(
        "n", "MATCH ()-[r]->() WHERE 'orphanet' IN r.sources RETURN count(r) AS n", {}, read=True
    )
    assert res.edges == total[0]["n"]
    by_cat = kgx_export.KgxFilter(categories=("biolink:Drug", "biolink:PhenotypicFeature"))
    kgx_export.export_kgx(store, tmp_path / "c", by_cat)
    cats = {
        json.loads(x)["category"][0]
        for x in (tmp_path / "c" / "nodes.jsonl").read_text().splitlines()
    }
    assert cats == {"biolink:Drug", "biolink:PhenotypicFeature"}
    types = {
        json.loads(x)["neo4j_type"]
        for x in (tmp_path / "c" / "edges.jsonl").read_text().splitlines()
    }
    assert types == {"CAUSES_ADVERSE_EVENT", "SUBCLASS_OF"}
    bad = _cli("export", "kgx", "--out", str(tmp_path / "x"), "--filter", "source=nowhere")
    assert bad.returncode == 1 and "unknown source" in bad.stderr


def test_bad_kgx_record_names_file_line_field_and_writes_nothing(
    store: GraphStore, tmp_path: Path
) -> None:
    load_fixture_graph(store)
    kgx_export.export_kgx(store, tmp_path)
    _wipe(store)
    edges = tmp_path / "edges.jsonl"
    lines = edges.read_text().splitlines()
    rec = json.loads(lines[6])
    rec["object"] = "HP:9999999"
    lines[6] = json.dumps(rec)
    edges.write_text("\n".join(lines) + "\n")
    with pytest.raises(IngestError) as exc:
        kgx_import.import_kgx(store, tmp_path)
    assert f"{edges}:7" in str(exc.value) and "field object" in str(exc.value)
    assert checksum(store)["nodes"] == 0
    rec["object"], rec["neo4j_type"] = json.loads(lines[5])["object"], "DROP_DATABASE"
    lines[6] = json.dumps(rec)
    edges.write_text("\n".join(lines) + "\n")
    with pytest.raises(IngestError, match="neo4j_type"):
        kgx_import.import_kgx(store, tmp_path)
    assert checksum(store)["nodes"] == 0


def _ade_statement(g: Graph, drug: str, doc: str) -> URIRef:
    for st in g.subjects(RDF.subject, iri(drug)):
        if (st, PROV.wasDerivedFrom, iri(doc)) in g:
            return URIRef(st)
    raise AssertionError(f"no statement about {drug} from {doc}")


def test_rdf_export_reifies_statements_with_prov(store: GraphStore, tmp_path: Path) -> None:
    run = load_fixture_graph(store)
    ttl = tmp_path / "graph.ttl"
    res = rdf_export.export_rdf(store, ttl, "turtle", chunk=25)  # many chunks in one document
    g = Graph().parse(ttl, format="turtle")
    assert res.statements == sum(store.stats()["relationships"].values())
    st = _ade_statement(g, "CHEBI:27899", "PMID:1001")
    assert (st, RDF.type, RDF.Statement) in g
    assert (st, RDF.predicate, BIOLINK.has_adverse_event) in g
    assert (st, PROV.wasGeneratedBy, run_iri(run.run_id)) in g
    model = model_iri(ADE_MODEL.name, ADE_MODEL.version)
    assert (st, PROV.wasAttributedTo, model) in g
    assert (model, RDF.type, PROV.SoftwareAgent) in g
    assert (run_iri(run.run_id), PROV.wasAssociatedWith, model) in g
    assert (iri("CHEBI:27899"), BIOLINK.has_adverse_event, iri("HP:0001166")) in g
    # A statement two sources assert is attributed to both and generated by both runs.
    marfan = [
        s
        for s in g.subjects(RDF.subject, iri("ORPHA:558"))
        if (s, RDF.object, iri("HP:0001166")) in g
    ]
    assert len(marfan) == 1
    sources = set(g.objects(marfan[0], PROV.wasAttributedTo))
    assert sources == {iri("infores:hpo-annotations"), iri("infores:orphanet")}
    assert len(set(g.objects(marfan[0], PROV.wasGeneratedBy))) == 2
    # A negated statement is reified but never asserted.
    negated = list(g.subjects(BIOLINK.negated, Literal(True)))
    assert negated
    for st in negated:
        s, p, o = (g.value(st, t) for t in (RDF.subject, RDF.predicate, RDF.object))
        assert (s, p, o) not in g
    for fmt, name in (("nt", "graph.nt"), ("json-ld", "graph.jsonld")):
        rdf_export.export_rdf(store, tmp_path / name, fmt, chunk=40)
        other = Graph().parse(tmp_path / name, format=fmt)
        assert len(other) == len(g), fmt


def test_export_kgx_validate_runs_kgx_offline_with_no_errors(
    store: GraphStore, tmp_path: Path
) -> None:
    """kgx's own validator (the `kgx` venv the Makefile builds) reads both formats back with no
    error but the documented one: DECIPHER ids, which Biolink has no prefix for."""
    load_fixture_graph(store)
    out = _cli("export", "kgx", "--out", str(tmp_path), "--validate")
    assert out.returncode == 0, out.stdout + out.stderr
    report = out.stdout
    assert "kgx validate (tsv, Biolink 4.4.6)" in report and "(jsonl, Biolink 4.4.6)" in report
    nodes = sum(1 for _ in (tmp_path / "nodes.jsonl").open())
    edges = sum(1 for _ in (tmp_path / "edges.jsonl").open())
    assert report.count(f"{nodes} nodes, {edges} edges read") == 2  # no row split or lost
    for line in report.splitlines():
        if line.startswith("  ERROR"):
            assert "documented deviation" in line, report
    decipher = [r for r in _tsv_rows(tmp_path / "nodes.tsv") if r["id"].startswith("DECIPHER:")]
    assert ("DECIPHER" in report) == bool(decipher)
    # A deliberate violation is counted by type and fails the command.
    lines = (tmp_path / "nodes.jsonl").read_text().splitlines()
    bad = json.loads(lines[0])
    bad["id"] = "NOT A CURIE"
    (tmp_path / "nodes.jsonl").write_text("\n".join([json.dumps(bad), *lines[1:]]) + "\n")
    report2 = kgx_check.run_kgx_validator(
        tmp_path, get_settings().interop.kgx_python, ("jsonl",), timeout_s=600
    )
    assert report2.errors >= 1
    assert any("INVALID_NODE_PROPERTY_VALUE" in k for k in report2.formats[0]["errors"])
