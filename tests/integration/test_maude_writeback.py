"""MAUDE reports in the real Neo4j: DeviceReport -> Device and phenotype mentions linked to
the graph's HPO terms, written through the shared write-back; writing twice adds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extraction import writeback as wb
from extraction.maude.cv import CVInput
from extraction.maude.death_rule import DeathRule
from extraction.maude.readers import read_reports
from extraction.maude.service import MaudeService
from extraction.maude.train import train_checkpoint
from graph.repository import GraphStore

CSV = Path(__file__).resolve().parents[1] / "data" / "maude" / "mesh_p_data_sample.csv"
HPO = [
    ("HP:0012531", "Pain", []),
    ("HP:0011420", "Death", ["Died"]),
    ("HP:0000023", "Inguinal hernia", []),
    ("HP:0100658", "Cellulitis", []),
    ("HP:0032169", "Severe infection", ["Wound infection"]),
    ("HP:0012823", "Clinical modifier", []),
    ("HP:0012834", "Right", []),  # a modifier: describes a phenotype, is not one
]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> MaudeService:
    folder = tmp_path_factory.mktemp("maude") / "ckpt"
    labelled = read_reports([CSV]).labelled()
    train_checkpoint(CVInput(labelled, str(CSV), "x", 0, 0), "tfidf-lr", folder)
    return MaudeService.load(folder)


def _curated(store: GraphStore) -> None:
    store.run_text(
        "curated",
        "UNWIND $rows AS r CREATE (:Entity:PhenotypicFeature {id: r[0], name: r[1], "
        "synonyms: r[2], category: 'biolink:PhenotypicFeature'})",
        {"rows": [list(t) for t in HPO]},
        read=False,
    )
    store.run_text(
        "modifier",
        "MATCH (c {id: 'HP:0012834'}), (p {id: 'HP:0012823'}) CREATE (c)-[:SUBCLASS_OF]->(p)",
        {},
        read=False,
    )


def _count(store: GraphStore, q: str) -> int:
    return int(store.run_text("count", q, {}, read=True)[0]["n"])


def test_write_is_idempotent_and_links_phenotypes(store: GraphStore, service: MaudeService) -> None:
    _curated(store)
    reports = [r for r in read_reports([CSV]).reports if r.text]
    first = service.write(store, reports, inputs={"file": str(CSV)})
    stats = store.stats()
    second = service.write(store, reports, inputs={"file": str(CSV)})
    assert first.new_evidence == first.statements > 0
    assert second.new_evidence == 0 and second.statements == first.statements
    assert store.stats() == {**stats, "nodes": {**stats["nodes"], "ExtractionRun": 2}}
    assert _count(store, "MATCH (r:DeviceReport) RETURN count(r) AS n") == len(reports)
    devices = sum(len(r.devices) for r in reports)
    assert (
        _count(store, "MATCH (:DeviceReport)-[e:INVOLVES_DEVICE]->(:Device) RETURN count(e) AS n")
        == devices
    )
    row = store.run_text(
        "report",
        "MATCH (r:DeviceReport {mdr_report_key: '263399'})-[:INVOLVES_DEVICE]->(d:Device) "
        "RETURN r.id AS id, r.event_type_reported AS ev, r.severity_predicted AS pred, "
        "r.p_death + r.p_injury + r.p_malfunction + r.p_other AS total, "
        "d.brand_name AS brand, d.product_code AS code",
        {},
        read=True,
    )[0]
    assert (
        row["id"] == "MDR:263399"
        and row["ev"] == "IN"
        and row["pred"] in {"Death", "Injury", "Malfunction", "Other"}
    )
    assert abs(row["total"] - 1.0) < 1e-3
    assert (row["brand"], row["code"]) == ("BARD COMPOSIT MESH GRAFT", "LMO")
    mentions = store.run_text(
        "mentions",
        "MATCH (r:DeviceReport)-[m:MENTIONS_PHENOTYPE]->(p:PhenotypicFeature) "
        "RETURN r.mdr_report_key AS key, p.id AS hp, m.matched_text AS text, m.match AS kind, "
        "substring(m.sentence, m.object_start, m.object_end - m.object_start) AS span",
        {},
        read=True,
    )
    assert {("314921", "HP:0012531")} <= {(m["key"], m["hp"]) for m in mentions}
    assert not {m["hp"] for m in mentions} & {"HP:0012823", "HP:0012834"}
    assert all(m["text"] == m["span"] for m in mentions)
    # Linked terms are the curated nodes, never copies.
    assert _count(store, "MATCH (p:PhenotypicFeature) RETURN count(p) AS n") == len(HPO)


def test_retract_removes_reports_and_devices_but_not_hpo(
    store: GraphStore, service: MaudeService
) -> None:
    _curated(store)
    reports = [r for r in read_reports([CSV]).reports if r.text]
    run = service.write(store, reports)
    wb.retract_run(store, run.run_id)
    assert _count(store, "MATCH (n:DeviceReport|Device) RETURN count(n) AS n") == 0
    assert _count(store, "MATCH (p:PhenotypicFeature) RETURN count(p) AS n") == len(HPO)


def ruled_service(folder: Path, threshold: float) -> MaudeService:
    """A TF-IDF checkpoint on the fixture reports whose meta.json carries a hand-set Death rule."""
    labelled = read_reports([CSV]).labelled()
    train_checkpoint(CVInput(labelled, str(CSV), "x", 0, 0), "tfidf-lr", folder)
    meta = json.loads((folder / "meta.json").read_text())
    meta["death_rule"] = DeathRule(threshold, 1.0, 0.9, 5, 2, 1.0, 0.3, 1.0).as_dict()
    (folder / "meta.json").write_text(json.dumps(meta))
    return MaudeService.load(folder)


def test_the_death_threshold_is_in_the_graph_and_the_run(store: GraphStore, tmp_path: Path) -> None:
    """A checkpoint's Death rule decides severity_predicted; the threshold goes on each report
    and into the ExtractionRun's parameters."""
    service = ruled_service(tmp_path / "ckpt", 0.0)  # threshold 0: every report is Death
    reports = [r for r in read_reports([CSV]).reports if r.text]
    run = service.write(store, reports, link_phenotypes=False)
    rows = store.run_text(
        "reports",
        "MATCH (r:DeviceReport) RETURN r.severity_predicted AS pred, "
        "r.severity_argmax AS argmax, r.death_threshold AS t",
        {},
        read=True,
    )
    assert len(rows) == len(reports)
    assert {(r["pred"], r["t"]) for r in rows} == {("Death", 0.0)}
    assert {r["argmax"] for r in rows} != {"Death"}  # the rule, not the argmax, decided
    params = store.run_text(
        "run",
        "MATCH (x:ExtractionRun {id: $id}) RETURN x.params AS p",
        {"id": run.run_id},
        read=True,
    )[0]["p"]
    assert json.loads(params)["death_threshold"] == 0.0
    assert json.loads(params)["decision"] == "death_rule"
