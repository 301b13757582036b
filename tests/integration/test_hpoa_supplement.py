"""The newer HPO release's added diseases: exported from the hpo3 venv (`make hpo3-venv`,
which `make test` builds) and ingested beside the pinned release on the real Neo4j."""

from __future__ import annotations

import json
from pathlib import Path

from core.settings import Settings
from graph.checksum import checksum
from graph.repository import GraphStore
from graph.vocabulary import Source
from ingest.hpo import hpoa_diseases
from ingest.hpoa_supplement import base_terms, export, parse_supplement
from ingest.sources import Input
from tests.integration.test_ingest_fixtures import DATA, HPO, _ingest, _load_all, _props

SUPPLEMENT = DATA / "hpo" / "hpoa-supplement.jsonl"


def test_export_keeps_only_what_the_base_release_lacks(tmp_path: Path) -> None:
    out = tmp_path / "supplement.jsonl"
    head = export(HPO["hpoa"], HPO["obo"], out, Settings().ingest.hpo3_python)
    assert head["release"] == "2025-11-24" and head["package"] == "hpo3 1.5.1"
    assert head["base_release"] == "2025-01-16"
    rows = [json.loads(line) for line in out.read_text().splitlines()[1:]]
    _, base = hpoa_diseases(HPO["hpoa"])
    terms = base_terms(HPO["obo"])
    assert len(rows) == head["diseases"] > 1000  # the fixture's base holds a handful
    assert not {r["id"] for r in rows} & base
    assert all(t in terms for r in rows for t in r["phenotypes"] + r["inheritance"])
    assert head["dropped_newer_terms"] > 0  # the fixture's hp.obo holds 25 terms
    lines = [r for r in rows if r["id"] == "OMIM:181300"]
    assert lines == [
        {
            "id": "OMIM:181300",
            "name": "Scapula, contour of vertebral border of",
            "phenotypes": ["HP:0000924"],
            "inheritance": [],  # HP:0000006 is not in the fixture's hp.obo
            "genes": [],  # fewer terms than the gene inference needs
        }
    ]
    aldh2 = [r["genes"] for r in rows if r["id"] == "OMIM:100650"]
    assert aldh2 == [[{"id": "NCBIGene:217", "symbol": "ALDH2"}]]
    assert head["gene_links"] == sum(len(r["genes"]) for r in rows) > 10
    genes = {g["id"] for r in rows for g in r["genes"]}
    assert len(parse_supplement(out).nodes) == head["diseases"] + len(genes)


def test_ingested_beside_the_pinned_release_with_its_own_provenance(store: GraphStore) -> None:
    _load_all(store)
    inputs = [Input("hpoa-supplement", SUPPLEMENT)]
    _ingest(store, Source.HPOA_SUPPLEMENT, inputs)
    p = _props(store, "OMIM:100650", "HAS_PHENOTYPE", "HP:0003533")
    assert p["sources"] == ["hpoa_supplement"]
    assert p["hpoa_supplement_release"] == "2025-11-24"
    assert p["primary_knowledge_source"] == ["infores:hpo-annotations"]
    node = store.read("graph/test_get_entity", id="OMIM:100650")[0]
    assert node["name"] == "Alcohol sensitivity, acute"  # mim2gene names no phenotype entry
    inherit = _props(store, "OMIM:100650", "HAS_MODE_OF_INHERITANCE", "HP:0000006")
    assert inherit["sources"] == ["hpoa_supplement"]
    gene = _props(store, "NCBIGene:217", "ASSOCIATED_WITH", "OMIM:100650")
    assert gene["sources"] == ["hpoa_supplement"]
    assert gene["knowledge_level"] == "prediction"
    assert gene["agent_type"] == "data_analysis_pipeline"
    assert "hold all of the disease's" in gene["hpoa_supplement_inferred_from"]
    before = checksum(store)
    again = _ingest(store, Source.HPOA_SUPPLEMENT, inputs)
    assert again.counts["edges_added"] == again.counts["edges_updated"] == 0
    assert checksum(store) == before
