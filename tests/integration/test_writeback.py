"""The shared write-back module on the real Neo4j: idempotent evidence, model versions,
retraction, curated data untouched, failed runs leave nothing behind."""

from __future__ import annotations

import json
import socket
import subprocess

import pytest

from core.exceptions import ExtractionError
from extraction import writeback as wb
from graph.repository import GraphStore
from graph.vocabulary import NodeLabel, RelType

SENTENCE = "Acute renal failure developed after treatment with cisplatin."
MODEL = wb.ModelInfo("ade", "test-model", "1", "encoder@abc")


def _curated(store: GraphStore) -> None:
    store.run_text(
        "curated",
        "CREATE (:Entity:PhenotypicFeature {id: 'HP:0001919', name: 'Acute kidney injury', "
        "category: 'biolink:PhenotypicFeature', sources: ['hpo']})",
        {},
        read=False,
    )


def _statement(model_span: tuple[int, int] = (51, 60)) -> wb.Statement:
    drug = wb.Node("DRUG:cisplatin", NodeLabel.DRUG, "cisplatin", "biolink:Drug")
    event = wb.Node("HP:0001919", NodeLabel.PHENOTYPIC_FEATURE, "acute renal failure", "biolink:X")
    ev = wb.Evidence("PMID:1", SENTENCE, subject_span=model_span, object_span=(0, 19))
    return wb.Statement(drug, RelType.CAUSES_ADVERSE_EVENT, "biolink:causes", event, 0.9, ev)


def _edges(store: GraphStore) -> list[dict[str, object]]:
    return store.run_text(
        "edges",
        "MATCH (d)-[r:CAUSES_ADVERSE_EVENT]->(p) RETURN d.id AS d, p.id AS p, r.sentence AS s, "
        "r.model_version AS v, r.extraction_runs AS runs, r.subject_start AS ss ORDER BY v",
        {},
        read=True,
    )


def test_write_is_idempotent_and_keeps_curated_nodes(store: GraphStore) -> None:
    _curated(store)
    first = wb.write_statements(store, MODEL, [_statement()], inputs={"file": "x"})
    again = wb.write_statements(store, MODEL, [_statement()], inputs={"file": "x"})
    assert first.new_evidence == 1 and again.new_evidence == 0
    edges = _edges(store)
    assert len(edges) == 1
    assert edges[0]["s"] == SENTENCE and edges[0]["ss"] == 51
    assert edges[0]["runs"] == [first.run_id, again.run_id]
    node = store.run_text(
        "n", "MATCH (n {id: 'HP:0001919'}) RETURN n.name AS name, n.extracted AS x", {}, read=True
    )
    assert node == [{"name": "Acute kidney injury", "x": None}]


def test_new_model_version_adds_evidence_and_retract_removes_only_its_run(
    store: GraphStore,
) -> None:
    _curated(store)
    v1 = wb.write_statements(store, MODEL, [_statement()], inputs={})
    v2_model = wb.ModelInfo("ade", "test-model", "2", "encoder@abc")
    v2 = wb.write_statements(store, v2_model, [_statement()], inputs={})
    assert [e["v"] for e in _edges(store)] == ["1", "2"]
    removed = wb.retract_run(store, v1.run_id)
    assert removed == (1, 0)  # the drug node is still needed by v2's evidence
    assert [e["v"] for e in _edges(store)] == ["2"]
    assert wb.retract_run(store, v2.run_id) == (1, 1)  # drug node gone, curated HP node kept
    left = store.run_text("n", "MATCH (n) RETURN labels(n) AS l, n.id AS id", {}, read=True)
    ids = {row["id"] for row in left}
    assert "HP:0001919" in ids and "DRUG:cisplatin" not in ids
    status = {r["id"]: r["status"] for r in wb.list_runs(store)}
    assert status[v1.run_id] == "retracted"


def test_span_outside_text_writes_nothing(store: GraphStore) -> None:
    with pytest.raises(ExtractionError, match="outside its text"):
        wb.write_statements(store, MODEL, [_statement((50, 500))], inputs={})
    assert store.stats()["relationships"] == {}


def test_unknown_run_is_an_error(store: GraphStore) -> None:
    with pytest.raises(ExtractionError, match="no extraction run"):
        wb.retract_run(store, "ade-missing")


def test_a_killed_run_is_retracted_by_the_next_which_writes_a_clean_runs_graph(
    store: GraphStore,
) -> None:
    """A writer killed with SIGKILL mid-write leaves its run 'running' with part of its
    statements; the next run of the extractor on this host retracts them and marks the run
    incomplete, so the graph equals one clean run's and retracting the new run empties it."""
    from graph.checksum import checksum

    _curated(store)
    statements = [_statement(), _statement((51, 61))]
    wb.write_statements(store, MODEL, statements, inputs={"file": "x"})
    clean = checksum(store)
    wipe = "MATCH (n) WHERE NOT n:PhenotypicFeature DETACH DELETE n"
    store.run_text("wipe", wipe, {}, read=False)
    dead = subprocess.Popen(["true"])
    dead.wait()  # a writer process that is gone
    params = json.dumps({"host": socket.gethostname(), "pid": dead.pid})
    store.write(
        "extraction/create_run",
        id="ade-killed",
        extractor="ade",
        model_name=MODEL.name,
        model_version=MODEL.version,
        encoder=MODEL.encoder,
        inputs="{}",
        params=params,
    )
    rows = wb._node_rows(statements[:1])
    store.write_rows("extraction/upsert_nodes", rows, 10, run="ade-killed")
    edge = wb._edge_row(MODEL, statements[0])
    store.write_rows("extraction/upsert_statements", [edge], 10, run="ade-killed")
    again = wb.write_statements(store, MODEL, statements, inputs={"file": "x"})
    assert checksum(store) == clean
    assert [e["runs"] for e in _edges(store)] == [[again.run_id], [again.run_id]]
    status = {r["id"]: r["status"] for r in wb.list_runs(store, "ade")}
    assert status["ade-killed"] == "incomplete"
    wb.retract_run(store, again.run_id)
    assert _edges(store) == []
