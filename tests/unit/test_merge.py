from __future__ import annotations

import pytest

from graph.vocabulary import NodeLabel, RelType, Source
from ingest.genes import GeneResolver
from ingest.job import diff
from ingest.merge import build_plan, content_hash, merge_edges, merge_nodes, merge_values
from ingest.rows import EdgeRow, NodeRow, ParsedFile


def test_merge_values() -> None:
    assert merge_values(["a", "a"]) == "a"
    assert merge_values(["b", "a"]) == ("a", "b")
    assert merge_values([("PMID:2",), ("PMID:1", "PMID:2")]) == ("PMID:1", "PMID:2")
    assert merge_values([0.5, 0.25]) == (0.25, 0.5)
    assert merge_values([1, "x"]) == ("1", "x")  # mixed types: Neo4j lists are homogeneous


def test_repeated_rows_become_one_statement() -> None:
    rows = [
        EdgeRow(
            "OMIM:1",
            RelType.HAS_PHENOTYPE,
            "HP:0000001",
            props={"evidence": "PCS", "publications": ("PMID:1",)},
        ),
        EdgeRow(
            "OMIM:1",
            RelType.HAS_PHENOTYPE,
            "HP:0000001",
            props={"evidence": "TAS", "publications": ("PMID:2",)},
        ),
        EdgeRow("OMIM:1", RelType.HAS_PHENOTYPE, "HP:0000001", negated=True),
    ]
    merged = merge_edges(rows)
    assert len(merged) == 2
    pos = merged[("OMIM:1", RelType.HAS_PHENOTYPE, "HP:0000001", False)]
    assert pos.props == {"evidence": ("PCS", "TAS"), "publications": ("PMID:1", "PMID:2")}


def test_nodes_merge_and_conflicting_labels_are_refused() -> None:
    a = NodeRow("OMIM:1", NodeLabel.DISEASE, "A", ("x",), ("UMLS:1",))
    b = NodeRow("OMIM:1", NodeLabel.DISEASE, None, ("y", "x"), ())
    m = merge_nodes([a, b])["OMIM:1"]
    assert (m.name, m.synonyms, m.xrefs) == ("A", ("x", "y"), ("UMLS:1",))
    with pytest.raises(ValueError, match="conflicting labels"):
        merge_nodes([a, NodeRow("OMIM:1", NodeLabel.GENE)])


def test_plan_prefixes_props_and_adds_stub_endpoints() -> None:
    nodes = [NodeRow("ORPHA:558", NodeLabel.DISEASE, "Marfan syndrome", ("MFS",))]
    edges = [
        EdgeRow(
            "NCBIGene:2200",
            RelType.CAUSES,
            "ORPHA:558",
            props={"association_type": "Disease-causing germline mutation(s) in"},
        )
    ]
    plan = build_plan(Source.ORPHANET, nodes, edges, "r1", "run-1")
    assert plan.stubs == [{"id": "NCBIGene:2200", "label": "Gene", "category": "biolink:Gene"}]
    props = plan.nodes[0]["props"]
    assert props["orphanet_name"] == "Marfan syndrome"
    assert props["orphanet_synonyms"] == ["MFS"]
    assert props["orphanet_release"] == "r1" and props["orphanet_run"] == "run-1"
    e = plan.edges[0]
    assert (e["rel"], e["predicate"]) == ("CAUSES", "biolink:causes")
    assert e["props"]["orphanet_knowledge_level"] == "knowledge_assertion"


def test_hash_ignores_run_and_release_but_not_content() -> None:
    n = [NodeRow("HP:0000001", NodeLabel.PHENOTYPIC_FEATURE, "All")]
    h1 = build_plan(Source.HPO, n, [], "r1", "a").nodes[0]["props"]["hpo_hash"]
    h2 = build_plan(Source.HPO, n, [], "r2", "b").nodes[0]["props"]["hpo_hash"]
    assert h1 == h2
    n2 = [NodeRow("HP:0000001", NodeLabel.PHENOTYPIC_FEATURE, "All!")]
    assert build_plan(Source.HPO, n2, [], "r1", "a").nodes[0]["props"]["hpo_hash"] != h1
    assert content_hash({"a": [1, 2]}) == content_hash({"a": [1, 2]})
    assert content_hash({"a": [1, 2]}) != content_hash({"a": [2, 1]})


def test_diff_classifies_rows() -> None:
    def row(i: str, h: str, rel: str = "r1") -> dict[str, object]:
        return {"id": i, "props": {"s_hash": h, "s_release": rel}}

    old = {("a",): ("h1", "r1"), ("b",): ("h2", "r1"), ("c",): ("h3", "r1"), ("gone",): ("x", "r1")}
    rows = [row("a", "h1"), row("b", "CHANGED"), row("c", "h3", "r2"), row("new", "h4")]
    d = diff(rows, old, lambda r: (r["id"],), "s")  # type: ignore[arg-type]
    assert [r["id"] for r in d.dirty] == ["b", "c", "new"]
    assert (d.added, d.updated, d.gone) == (1, 1, [("gone",)])


def test_gene_resolver_maps_placeholders_to_ncbigene() -> None:
    m2g = ParsedFile(
        "mim2gene.txt",
        "",
        [
            NodeRow(
                "NCBIGene:2200",
                NodeLabel.GENE,
                "FBN1",
                props={"symbol": "FBN1", "omim_gene": "134797", "ensembl": "ENSG00000166147"},
            ),
        ],
        [],
    )
    resolver = GeneResolver.from_parsed(m2g)
    parsed = ParsedFile(
        "orpha",
        "",
        [
            NodeRow(
                "HGNC:3603",
                NodeLabel.GENE,
                "FBN1",
                props={"symbol": "FBN1", "hgnc_id": "HGNC:3603"},
            ),
            NodeRow("HGNC:99999", NodeLabel.GENE, "NOPE", props={"symbol": "NOPE"}),
            NodeRow("OMIM.GENE:999999", NodeLabel.GENE),
        ],
        [
            EdgeRow("HGNC:3603", RelType.CAUSES, "ORPHA:558"),
            EdgeRow("HGNC:99999", RelType.CAUSES, "ORPHA:1"),
            EdgeRow("OMIM.GENE:999999", RelType.CAUSES, "OMIM:1"),
        ],
    )
    out = resolver.apply(parsed)
    assert [n.id for n in out.nodes] == ["NCBIGene:2200", "HGNC:99999"]
    assert "HGNC:3603" in out.nodes[0].xrefs
    assert [(e.subject, e.object) for e in out.edges] == [
        ("NCBIGene:2200", "ORPHA:558"),
        ("HGNC:99999", "ORPHA:1"),
    ]
    assert out.skipped["gene without an NCBI Gene id in mim2gene"] == 1
