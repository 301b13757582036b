from __future__ import annotations

from graph.vocabulary import NodeLabel, RelType, Source
from ingest.compose import compose
from ingest.merge import Plan, build_plan
from ingest.rows import EdgeRow, NodeRow


def _plans() -> list[tuple[Plan, str]]:
    hpo = build_plan(
        Source.HPO,
        [NodeRow("HP:1", NodeLabel.PHENOTYPIC_FEATURE, "Arachnodactyly", ("Spider fingers",))],
        [],
        "2025-01-16",
        "hpo-run",
    )
    hpoa = build_plan(
        Source.HPOA,
        [NodeRow("ORPHA:558", NodeLabel.DISEASE, "Marfan", xrefs=("OMIM:154700",))],
        [EdgeRow("ORPHA:558", RelType.HAS_PHENOTYPE, "HP:1", props={"evidence": "TAS"})],
        "2025-01-16",
        "hpoa-run",
    )
    orphanet = build_plan(
        Source.ORPHANET,
        [NodeRow("ORPHA:558", NodeLabel.DISEASE, "Marfan syndrome", ("MFS",))],
        [
            EdgeRow("ORPHA:558", RelType.HAS_PHENOTYPE, "HP:1", props={"frequency": "Frequent"}),
            EdgeRow("ORPHA:558", RelType.HAS_PHENOTYPE, "HP:2"),
        ],
        "1.3.42",
        "orphanet-run",
    )
    return [(hpo, "hpo-run"), (hpoa, "hpoa-run"), (orphanet, "orphanet-run")]


def test_compose_merges_sources_like_the_cypher_upserts() -> None:
    g = compose(_plans())
    marfan = g.nodes["ORPHA:558"]
    assert marfan.labels == ["Entity", "Disease"]
    assert marfan.props["sources"] == ["hpoa", "orphanet"]
    assert marfan.props["name"] == "Marfan syndrome"  # Orphanet names its ids before HPOA
    assert marfan.props["synonyms"] == ["MFS"]
    assert marfan.props["xrefs"] == ["OMIM:154700"]
    assert marfan.props["synonym_text"] == "MFS"
    assert marfan.props["primary_knowledge_source"] == [
        "infores:hpo-annotations",
        "infores:orphanet",
    ]
    assert marfan.props["last_ingest_run"] == "orphanet-run"
    edge = g.edges[("ORPHA:558", "HAS_PHENOTYPE", "HP:1", False)]
    assert edge["sources"] == ["hpoa", "orphanet"]
    assert edge["hpoa_evidence"] == "TAS" and edge["orphanet_frequency"] == "Frequent"
    assert edge["knowledge_level"] == "knowledge_assertion"
    assert edge["subject"] == "ORPHA:558" and edge["predicate"] == "biolink:has_phenotype"


def test_stub_endpoints_get_no_display_properties() -> None:
    g = compose(_plans())
    stub = g.nodes["HP:2"]
    assert stub.props == {"id": "HP:2", "category": "biolink:PhenotypicFeature", "sources": []}
    assert stub.labels == ["Entity", "PhenotypicFeature"]
    described = g.nodes["HP:1"]  # described by hp.obo, referenced by the others
    assert described.props["synonyms"] == ["Spider fingers"]
    assert described.props["xrefs"] == []


def test_partitions_are_the_whole_graph() -> None:
    whole = compose(_plans())
    halves = [compose(_plans(), part, 2) for part in (0, 1)]
    assert halves[0].nodes == whole.nodes and not halves[1].nodes  # nodes in part 0 only
    assert not set(halves[0].edges) & set(halves[1].edges)
    assert {**halves[0].edges, **halves[1].edges} == whole.edges
