from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from core.exceptions import IngestError
from graph.vocabulary import NodeLabel, RelType
from ingest.orphanet import parse_packets
from ingest.orphanet_xml import (
    parse_classification,
    parse_product1,
    parse_product4,
    parse_product6,
)
from ingest.rows import EdgeRow, ParsedFile, PropValue

DATA = Path(__file__).resolve().parents[1] / "data" / "orphanet"
PRODUCT1 = DATA / "en_product1_sample.xml"
PRODUCT3 = DATA / "en_product3_sample.xml"
PRODUCT4 = DATA / "en_product4_sample.xml"
PRODUCT6 = DATA / "en_product6_sample.xml"
RELEASE = "1.3.42 / 4.1.8 [2025-03-03] (orientdb version) (2025-12-01)"


def edge_set(pf: ParsedFile) -> set[tuple[str, RelType, str, bool]]:
    return {e.key for e in pf.edges}


def test_product1_nomenclature_xrefs_and_mappings() -> None:
    pf = parse_product1(PRODUCT1)
    assert pf.release == RELEASE
    marfan = next(n for n in pf.nodes if n.id == "ORPHA:558")
    assert marfan.synonyms == ("MFS",)
    assert marfan.xrefs == ("ICD10:Q87.4", "MEDDRA:10026829", "MESH:D008382", "UMLS:C0024796")
    assert str(marfan.props["definition"]).startswith("Marfan syndrome is a systemic disease")
    assert marfan.props["disorder_type"] == "Disease"
    assert edge_set(pf) == {
        ("ORPHA:2056", RelType.EXACT_MATCH, "OMIM:229800", False),
        ("ORPHA:558", RelType.NARROW_MATCH, "OMIM:154700", False),
        ("ORPHA:558", RelType.BROAD_MATCH, "OMIM:610168", False),
    }
    # The file is ISO-8859-1; the OrphaCode and Name inside RootDisorder are not a disorder.
    orpha = [n for n in pf.nodes if n.id.startswith("ORPHA:")]
    assert [n.id for n in orpha] == ["ORPHA:2056", "ORPHA:558", "ORPHA:137862"]
    assert orpha[2].name == "Martínez-Frías syndrome"


def test_product4_phenotypes_and_excluded() -> None:
    pf = parse_product4(PRODUCT4)
    assert pf.release == RELEASE
    assert len(pf.edges) == 6
    excluded = [e for e in pf.edges if e.negated]
    assert [(e.object, e.props["frequency_hpo"]) for e in excluded] == [
        ("HP:0003074", "HP:0040285")
    ]
    first = pf.edges[0]
    assert (first.subject, first.rel, first.object) == (
        "ORPHA:2056",
        RelType.HAS_PHENOTYPE,
        "HP:0011033",
    )
    assert first.props == {
        "frequency": "Obligate (100%)",
        "frequency_hpo": "HP:0040280",
        "hpo_term": "Impairment of fructose metabolism",
    }


def test_product6_genes() -> None:
    pf = parse_product6(PRODUCT6)
    cdk13 = next(n for n in pf.nodes if n.id == "HGNC:1733")
    assert cdk13.label == NodeLabel.GENE
    assert cdk13.synonyms == ("CDC2L5", "CHED")
    # Genatlas, Reactome and SwissProt references are not kept.
    assert cdk13.xrefs == ("ENSEMBL:ENSG00000065883", "OMIM:603309")
    assert cdk13.props["ensembl"] == ("ENSG00000065883",)
    assert edge_set(pf) == {
        ("HGNC:6315", RelType.CAUSES, "ORPHA:2056", False),
        ("HGNC:1733", RelType.CAUSES, "ORPHA:646278", False),
    }


def test_classification_edges_follow_the_tree() -> None:
    pf = parse_classification(PRODUCT3)
    assert pf.release == RELEASE
    assert edge_set(pf) == {
        ("ORPHA:79161", RelType.SUBCLASS_OF, "ORPHA:68367", False),
        ("ORPHA:308463", RelType.SUBCLASS_OF, "ORPHA:79161", False),
        ("ORPHA:79177", RelType.SUBCLASS_OF, "ORPHA:79161", False),
        ("ORPHA:348", RelType.SUBCLASS_OF, "ORPHA:308463", False),
        ("ORPHA:348", RelType.SUBCLASS_OF, "ORPHA:79177", False),  # a second place in the tree
        ("ORPHA:469", RelType.SUBCLASS_OF, "ORPHA:308463", False),
        ("ORPHA:2056", RelType.SUBCLASS_OF, "ORPHA:308463", False),
    }


def _comparable(e: EdgeRow) -> tuple[str, RelType, str, bool, tuple[tuple[str, PropValue], ...]]:
    return (*e.key, tuple(sorted(e.props.items())))


def test_xml_products_give_the_packets_rows_for_the_same_facts() -> None:
    """The XML fixtures restate ORPHA:2056's packet; every row they share must be identical."""
    packet = parse_packets(DATA / "packets" / "json" / "ORPHApacket_2056.json")
    products = [parse_product1(PRODUCT1), parse_product4(PRODUCT4), parse_product6(PRODUCT6)]
    products.append(parse_classification(PRODUCT3))
    xml_edges = [e for pf in products for e in pf.edges if "ORPHA:2056" in (e.subject, e.object)]
    xml_nodes = [n for pf in products for n in pf.nodes]
    # Inheritance is in en_product9_ages, which is not read; everything else must match.
    want = [e for e in packet.edges if e.rel != RelType.HAS_MODE_OF_INHERITANCE]
    assert sorted(map(_comparable, xml_edges)) == sorted(map(_comparable, want))
    for node in packet.nodes:
        if node.id != "ORPHA:2056":  # the gene, the OMIM target, the parent
            assert node in xml_nodes
    merged: dict[str, PropValue] = {}
    synonyms: list[str] = []
    for n in xml_nodes:
        if n.id == "ORPHA:2056":
            assert n.name == "Essential fructosuria"
            merged |= n.props
            synonyms += [s for s in n.synonyms if s not in synonyms]
    (own,) = [n for n in packet.nodes if n.id == "ORPHA:2056"]
    assert tuple(synonyms) == own.synonyms
    packet_only = {"prevalence", "onset", "inheritance", "purl"}
    assert merged == {k: v for k, v in own.props.items() if k not in packet_only}


def test_gzipped_product_reads_the_same(tmp_path: Path) -> None:
    gz = tmp_path / "en_product4.xml.gz"
    gz.write_bytes(gzip.compress(PRODUCT4.read_bytes()))
    assert parse_product4(gz).edges == parse_product4(PRODUCT4).edges


def test_truncated_gzip_is_an_ingest_error(tmp_path: Path) -> None:
    data = gzip.compress(PRODUCT4.read_bytes())
    gz = tmp_path / "en_product4.xml.gz"
    gz.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError, match="cannot read file"):
        parse_product4(gz)


def _variant(tmp_path: Path, source: Path, old: bytes, new: bytes) -> Path:
    data = source.read_bytes()
    assert old in data
    out = tmp_path / source.name
    out.write_bytes(data.replace(old, new, 1))
    return out


def _line_of(path: Path, needle: bytes) -> int:
    data = path.read_bytes()
    return data[: data.index(needle)].count(b"\n") + 1


def test_malformed_xml_names_file_and_line(tmp_path: Path) -> None:
    bad = _variant(tmp_path, PRODUCT4, b"</HPOTerm>", b"</HPOTrem>")
    with pytest.raises(IngestError, match="malformed XML") as err:
        parse_product4(bad)
    assert err.value.file == str(bad)
    assert err.value.where == _line_of(bad, b"</HPOTrem>")


def test_invalid_utf8_in_xml_names_the_line(tmp_path: Path) -> None:
    bad = _variant(tmp_path, PRODUCT6, b"ketohexokinase", b"ketohex\xffkinase")
    with pytest.raises(IngestError, match="malformed XML") as err:
        parse_product6(bad)
    assert err.value.where == _line_of(bad, b"ketohex\xff")


def test_missing_orphacode_names_the_disorder_element(tmp_path: Path) -> None:
    bad = _variant(tmp_path, PRODUCT1, b"<OrphaCode>558</OrphaCode>", b"")
    with pytest.raises(IngestError, match="missing OrphaCode") as err:
        parse_product1(bad)
    line = _line_of(bad, b'<Disorder id="809">')
    assert err.value.where == f"Disorder OrphaCode=None line {line}"


def test_bad_hpo_id_names_the_disorder(tmp_path: Path) -> None:
    bad = _variant(tmp_path, PRODUCT4, b"<HPOId>HP:0012379</HPOId>", b"<HPOId>0012379</HPOId>")
    with pytest.raises(IngestError, match="bad HPO id") as err:
        parse_product4(bad)
    line = _line_of(bad, b'<Disorder id="2403">')
    assert err.value.where == f"Disorder OrphaCode=2056 line {line}"


def test_a_file_that_is_not_an_orphadata_product_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.xml"
    other.write_text("<?xml version='1.0'?>\n<DisorderList><Disorder/></DisorderList>\n")
    with pytest.raises(IngestError, match="not JDBOR"):
        parse_product1(other)
