"""Ingest of fixtures cut from the real files, end to end on the real Neo4j."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.exceptions import IngestError
from graph.checksum import checksum
from graph.repository import GraphStore
from graph.vocabulary import Source
from ingest import job, runs
from ingest.sources import Input, parse_source

DATA = Path(__file__).resolve().parents[1] / "data"
HPO = {
    "obo": DATA / "hpo" / "hp.obo",
    "hpoa": DATA / "hpo" / "phenotype.hpoa",
    "g2p": DATA / "hpo" / "genes_to_phenotype.txt",
    "p2g": DATA / "hpo" / "phenotype_to_genes.txt",
}
MIM2GENE = DATA / "omim" / "mim2gene_sample.txt"
PACKETS = DATA / "orphanet" / "packets"


def _ingest(store: GraphStore, source: Source, inputs: list[Input]) -> job.RunResult:
    parsed = parse_source(source, inputs, MIM2GENE)
    return job.run_source(store, source, parsed, batch_size=50)


def _load_all(store: GraphStore, hpoa: Path = HPO["hpoa"]) -> None:
    hpo = {**HPO, "hpoa": hpoa}
    inputs = [Input(k, p) for k, p in hpo.items()]
    _ingest(store, Source.HPO, inputs)
    _ingest(store, Source.HPOA, inputs)
    _ingest(store, Source.OMIM, [Input("mim2gene", MIM2GENE)])
    _ingest(store, Source.ORPHANET, [Input("packets", PACKETS)])


def _props(store: GraphStore, s: str, rel: str, o: str) -> dict[str, object]:
    rows = store.run_text(
        "t",
        "MATCH (:Entity {id: $s})-[r]->(:Entity {id: $o}) WHERE type(r) = $rel "
        "AND NOT r.negated RETURN properties(r) AS p",
        {"s": s, "o": o, "rel": rel},
        read=True,
    )
    assert len(rows) == 1, rows
    return rows[0]["p"]  # type: ignore[no-any-return]


def test_marfan_arachnodactyly_carries_both_sources(store: GraphStore) -> None:
    _load_all(store)
    p = _props(store, "ORPHA:558", "HAS_PHENOTYPE", "HP:0001166")
    assert p["sources"] == ["hpoa", "orphanet"]
    assert p["orphanet_frequency"] == "Very frequent (99-80%)"
    assert p["orphanet_frequency_hpo"] == "HP:0040281"
    assert p["hpoa_frequency"] == "HP:0040281"
    assert p["hpoa_evidence"] == "TAS"
    assert p["hpoa_release"] == "2025-01-16"
    assert p["orphanet_release"].startswith("1.3.42")
    node = store.run_text(
        "t",
        "MATCH (n:Disease {id: 'ORPHA:558'}) RETURN n.name AS name, n.synonyms AS syn, "
        "n.primary_knowledge_source AS pks",
        {},
        read=True,
    )[0]
    assert node["name"] == "Marfan syndrome"
    assert "MFS" in node["syn"]
    assert node["pks"] == ["infores:hpo-annotations", "infores:orphanet"]
    # The ontology names the phenotype; OMIM ids are kept as exact/broad/narrow mappings.
    hp = store.read("graph/test_get_entity", id="HP:0001166")[0]
    assert hp["name"] == "Arachnodactyly"
    mapping = _props(store, "ORPHA:558", "NARROW_MATCH", "OMIM:154700")
    assert "BTNT" in str(mapping["orphanet_mapping_relation"])


def test_every_node_and_edge_has_provenance(store: GraphStore) -> None:
    _load_all(store)
    missing = store.run_text(
        "t",
        "MATCH (a:Entity)-[r]->(b:Entity) WHERE r.primary_knowledge_source IS NULL "
        "OR size(r.primary_knowledge_source) = 0 OR r.knowledge_level IS NULL "
        "OR r.agent_type IS NULL OR r.subject <> a.id OR r.object <> b.id "
        "OR r.predicate IS NULL RETURN count(r) AS n",
        {},
        read=True,
    )
    assert missing == [{"n": 0}]
    described = store.run_text(
        "t",
        "MATCH (n:Entity) WHERE size(n.sources) > 0 AND "
        "all(s IN n.sources WHERE n[s + '_release'] IS NOT NULL AND n[s + '_run'] IS NOT NULL) "
        "RETURN count(n) AS ok, 0 AS bad",
        {},
        read=True,
    )[0]
    total = store.run_text(
        "t", "MATCH (n:Entity) WHERE size(n.sources) > 0 RETURN count(n) AS n", {}, read=True
    )[0]["n"]
    assert described["ok"] == total > 0


def test_same_ingest_twice_equal_checksum(store: GraphStore) -> None:
    _load_all(store)
    before = checksum(store)
    _load_all(store)
    assert checksum(store) == before
    latest = runs.list_runs(store, limit=4)
    assert all(r["counts"]["rows_written"] == 0 for r in latest)


def test_refresh_removes_a_retracted_annotation(store: GraphStore, tmp_path: Path) -> None:
    _load_all(store)
    assert _props(store, "OMIM:154700", "HAS_PHENOTYPE", "HP:0001166")["sources"] == ["hpoa"]
    newer = tmp_path / "phenotype.hpoa"
    lines = HPO["hpoa"].read_text().splitlines()
    newer.write_text(
        "\n".join(
            ln for ln in lines if not (ln.startswith("OMIM:154700") and "\tHP:0001166\t" in ln)
        )
        + "\n"
    )
    inputs = [Input(k, p) for k, p in {**HPO, "hpoa": newer}.items()]
    res = _ingest(store, Source.HPOA, inputs)
    assert res.counts["edges_removed"] == 1
    gone = store.run_text(
        "t",
        "MATCH (:Entity {id: 'OMIM:154700'})-[r:HAS_PHENOTYPE]->"
        "(:Entity {id: 'HP:0001166'}) RETURN count(r) AS n",
        {},
        read=True,
    )
    assert gone == [{"n": 0}]
    # Orphanet's statements about Marfan are untouched.
    assert _props(store, "ORPHA:558", "HAS_PHENOTYPE", "HP:0001166")["sources"] == [
        "hpoa",
        "orphanet",
    ]


def test_bad_file_leaves_graph_unchanged(store: GraphStore, tmp_path: Path) -> None:
    _load_all(store)
    before = checksum(store)
    n_runs = len(runs.list_runs(store))
    bad = tmp_path / "phenotype.hpoa"
    lines = HPO["hpoa"].read_text().splitlines()
    lines[-1] = lines[-1].replace("HP:0001166", "HP:1166")  # a malformed HPO id, last line
    bad.write_text("\n".join(lines) + "\n")
    inputs = [Input(k, p) for k, p in {**HPO, "hpoa": bad}.items()]
    with pytest.raises(IngestError) as exc:
        _ingest(store, Source.HPOA, inputs)
    assert f"{bad}:{len(lines)}" in str(exc.value)
    assert "HP:1166" in str(exc.value)
    assert checksum(store) == before
    assert len(runs.list_runs(store)) == n_runs


def cli_ingest_hpo() -> tuple[str, list[dict[str, Any]]]:
    """`evigraph ingest hpo` on the fixture files, then `evigraph ingest runs`: (stderr of the
    ingest, the runs listed)."""
    evigraph = Path(sys.executable).parent / "evigraph"
    env = {**os.environ, "EVIGRAPH_LOG_LEVEL": "WARNING"}
    args = [f"--{k}={p}" for k, p in HPO.items()]
    out = subprocess.run(
        [str(evigraph), "ingest", "hpo", *args], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    listed = json.loads(
        subprocess.run(
            [str(evigraph), "ingest", "runs"], capture_output=True, text=True, env=env, check=True
        ).stdout
    )
    return out.stderr, listed


def test_cli_ingest_and_runs(store: GraphStore) -> None:
    stderr, listed = cli_ingest_hpo()
    assert "ingest summary" in stderr
    evigraph = Path(sys.executable).parent / "evigraph"
    env = {**os.environ, "EVIGRAPH_LOG_LEVEL": "WARNING"}
    assert [r["source"] for r in listed] == ["hpoa", "hpo"]
    assert all(r["status"] == "completed" for r in listed)
    assert listed[1]["files"][0]["sha256"]
    bad = subprocess.run(
        [str(evigraph), "ingest", "hpo", "--obo=/nonexistent/hp.obo"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert bad.returncode == 1
    assert bad.stderr.startswith("error: /nonexistent/hp.obo: file not found")


def test_cli_skips_unchanged_inputs_unless_forced(store: GraphStore, tmp_path: Path) -> None:
    evigraph = Path(sys.executable).parent / "evigraph"
    env = {**os.environ, "EVIGRAPH_LOG_LEVEL": "WARNING"}
    obo = tmp_path / "hp.obo"
    obo.write_bytes(HPO["obo"].read_bytes())
    args = [str(evigraph), "ingest", "hpo", *[f"--{k}={p}" for k, p in {**HPO, "obo": obo}.items()]]
    subprocess.run(args, capture_output=True, text=True, env=env, check=True)
    before = checksum(store)
    again = subprocess.run(args, capture_output=True, text=True, env=env, check=True)
    assert again.stderr.count("inputs unchanged") == 2  # hp.obo, then the annotations
    forced = subprocess.run([*args, "--force"], capture_output=True, text=True, env=env, check=True)
    assert "inputs unchanged" not in forced.stderr
    assert checksum(store) == before
    statuses = [(r["source"], r["status"]) for r in runs.list_runs(store)]
    assert statuses[:4] == [
        ("hpoa", "completed"),
        ("hpo", "completed"),
        ("hpoa", "unchanged"),
        ("hpo", "unchanged"),
    ]
    # A changed file is loaded again; the other source of the command still is not.
    obo.write_text(obo.read_text().replace("name: Arachnodactyly", "name: Arachnodactyly (x)"))
    changed = subprocess.run(args, capture_output=True, text=True, env=env, check=True)
    assert changed.stderr.count("inputs unchanged") == 1
    assert store.read("graph/test_get_entity", id="HP:0001166")[0]["name"] == "Arachnodactyly (x)"
