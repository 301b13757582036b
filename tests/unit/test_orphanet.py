from __future__ import annotations

import io
import json
import tarfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from core.exceptions import IngestError
from graph.vocabulary import NodeLabel, RelType
from ingest.orphanet import parse_packets
from ingest.rows import EdgeRow, NodeRow, ParsedFile

DATA = Path(__file__).resolve().parents[1] / "data" / "orphanet" / "packets"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "orphanet"
RELEASE = "1.3.42 / 4.1.8 [2025-03-03] (2025-12-09)"


def pack(tmp_path: Path, members: dict[str, bytes]) -> Path:
    """A .tar.gz laid out like the real one: members json/ORPHApacket_<code>.json."""
    out = tmp_path / "packets.tar.gz"
    with tarfile.open(out, "w:gz") as tar:
        for name, data in sorted(members.items()):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def fixture_members() -> dict[str, bytes]:
    return {f"json/{p.name}": p.read_bytes() for p in sorted((DATA / "json").glob("*.json"))}


def packet(code: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((DATA / "json" / f"ORPHApacket_{code}.json").read_text())
    return doc


def edges(pf: ParsedFile, subject: str, rel: RelType) -> dict[str, EdgeRow]:
    return {e.object: e for e in pf.edges if e.subject == subject and e.rel == rel}


def mappings(pf: ParsedFile, subject: str) -> dict[str, EdgeRow]:
    kinds = {RelType.EXACT_MATCH, RelType.BROAD_MATCH, RelType.NARROW_MATCH, RelType.CLOSE_MATCH}
    return {e.object: e for e in pf.edges if e.subject == subject and e.rel in kinds}


def disease(pf: ParsedFile, disease_id: str) -> NodeRow:
    """The packet's own node (parents' and OMIM placeholder nodes carry no disorder type)."""
    (node,) = [n for n in pf.nodes if n.id == disease_id and "disorder_type" in n.props]
    return node


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> ParsedFile:
    return parse_packets(pack(tmp_path_factory.mktemp("tar"), fixture_members()))


def test_tarball_release_and_counts(parsed: ParsedFile) -> None:
    assert parsed.release == RELEASE
    rels = Counter(e.rel for e in parsed.edges)
    assert rels == {
        RelType.HAS_PHENOTYPE: 84,  # 558: 68, 75373: 7, 2056: 6, 95707: 3
        RelType.SUBCLASS_OF: 16,
        RelType.HAS_MODE_OF_INHERITANCE: 6,
        RelType.CAUSES: 4,
        RelType.EXACT_MATCH: 4,
        RelType.NARROW_MATCH: 2,
        RelType.BROAD_MATCH: 1,
        RelType.CLOSE_MATCH: 1,
    }
    assert sum(e.negated for e in parsed.edges) == 3
    own = {n.id for n in parsed.nodes if "disorder_type" in n.props}
    assert own == {f"ORPHA:{c}" for c in (558, 2056, 95707, 646278, 91411, 75373)}
    assert parsed.skipped == {}


def test_directory_and_single_file_read_like_the_tarball(parsed: ParsedFile) -> None:
    from_dir = parse_packets(DATA)
    assert (from_dir.nodes, from_dir.edges) == (parsed.nodes, parsed.edges)
    one = parse_packets(DATA / "json" / "ORPHApacket_2056.json")
    assert one.release == RELEASE
    assert one.edges == [e for e in parsed.edges if "ORPHA:2056" in (e.subject, e.object)]


def test_marfan_node_phenotypes_and_mappings(parsed: ParsedFile) -> None:
    node = disease(parsed, "ORPHA:558")
    assert (node.label, node.name, node.synonyms) == (
        NodeLabel.DISEASE,
        "Marfan syndrome",
        ("MFS",),
    )
    assert str(node.props["definition"]).startswith("Marfan syndrome is a systemic disease")
    assert node.props["inheritance"] == ("Autosomal dominant",)
    assert node.props["onset"] == ("All ages",)
    assert "Point prevalence|1-5 / 10 000|Worldwide" in node.props["prevalence"]
    assert node.props["purl"] == "http://www.orpha.net/ORDO/Orphanet_558"
    phenotypes = edges(parsed, "ORPHA:558", RelType.HAS_PHENOTYPE)
    assert len(phenotypes) == 68
    assert phenotypes["HP:0001166"].props == {
        "frequency": "Very frequent (99-80%)",
        "frequency_hpo": "HP:0040281",
        "hpo_term": "Arachnodactyly",
    }
    # NTBT: ORPHA narrower than the OMIM entry -> broad match; BTNT -> narrow match.
    maps = mappings(parsed, "ORPHA:558")
    assert {o: e.rel for o, e in maps.items()} == {
        "OMIM:154700": RelType.NARROW_MATCH,
        "OMIM:610168": RelType.BROAD_MATCH,
    }
    assert str(maps["OMIM:610168"].props["mapping_relation"]).startswith("NTBT (ORPHAcode is")
    assert len(edges(parsed, "ORPHA:558", RelType.SUBCLASS_OF)) == 8
    assert edges(parsed, "ORPHA:558", RelType.SUBCLASS_OF)["ORPHA:284993"]
    inheritance = edges(parsed, "ORPHA:558", RelType.HAS_MODE_OF_INHERITANCE)
    assert inheritance["HP:0000006"].props == {"inheritance": "Autosomal dominant"}
    assert NodeRow("OMIM:154700", NodeLabel.DISEASE) in parsed.nodes


def test_excluded_phenotypes_are_negated_never_positive(parsed: ParsedFile) -> None:
    ph = [e for e in parsed.edges if e.subject == "ORPHA:95707" and e.rel == RelType.HAS_PHENOTYPE]
    assert {(e.object, e.negated, e.props["frequency_hpo"]) for e in ph} == {
        ("HP:0000054", False, "HP:0040280"),
        ("HP:0000047", True, "HP:0040285"),
        ("HP:0000062", True, "HP:0040285"),
    }


def test_gene_from_the_bare_xref_shape_packet(parsed: ParsedFile) -> None:
    gene = edges(parsed, "HGNC:6315", RelType.CAUSES)["ORPHA:2056"]
    assert gene.props == {"association_type": "Disease-causing germline mutation(s) in"}
    (node,) = [n for n in parsed.nodes if n.id == "HGNC:6315"]
    assert node.name == "KHK"
    assert node.xrefs == ("OMIM:614058",)
    assert node.props == {
        "symbol": "KHK",
        "full_name": "ketohexokinase",
        "hgnc_id": "HGNC:6315",
        "omim_gene": "614058",
    }
    assert edges(parsed, "ORPHA:2056", RelType.EXACT_MATCH)["OMIM:229800"]
    assert edges(parsed, "ORPHA:2056", RelType.HAS_PHENOTYPE)["HP:0003074"].negated


def test_gene_without_hgnc_gets_a_symbol_placeholder(parsed: ParsedFile) -> None:
    assert edges(parsed, "HGNC.SYMBOL:DHS6S1", RelType.CAUSES)["ORPHA:75373"]
    (node,) = {n.props["omim_gene"] for n in parsed.nodes if n.id == "HGNC.SYMBOL:DHS6S1"}
    assert node == "616842"


def test_null_item_and_placeholder_prevalence(parsed: ParsedFile) -> None:
    # ORPHA:646278 has a prevalence whose Source is null and every other field "no data".
    node = disease(parsed, "ORPHA:646278")
    assert node.props["prevalence"] == (
        "Cases/families|no data|Worldwide",
        "Point prevalence|<1 / 1 000 000|Worldwide",
    )
    assert node.props["onset"] == ("Childhood", "Infancy")


def test_mapping_relations_and_list_shaped_inheritance(parsed: ParsedFile) -> None:
    maps = mappings(parsed, "ORPHA:91411")
    assert {o: e.rel for o, e in maps.items()} == {
        "OMIM:178300": RelType.EXACT_MATCH,
        "OMIM:300245": RelType.NARROW_MATCH,
        "OMIM:616219": RelType.CLOSE_MATCH,
    }
    assert str(maps["OMIM:616219"].props["mapping_relation"]).startswith("ND (not yet decided")
    assert set(edges(parsed, "ORPHA:91411", RelType.HAS_MODE_OF_INHERITANCE)) == {
        "HP:0000006",
        "HP:0001419",
    }


def write_packet(tmp_path: Path, p: dict[str, Any]) -> Path:
    out = tmp_path / f"ORPHApacket_{p.get('ORPHAcode', 'x')}.json"
    out.write_text(json.dumps({"Orphapacket": p}))
    return out


def test_inheritance_without_hpo_mode_is_kept_on_the_node_and_skipped(tmp_path: Path) -> None:
    p = packet("95707")["Orphapacket"]
    p["TypeOfInheritances"] = {"TypeOfInheritance": [{"value": "Not applicable"}]}
    pf = parse_packets(write_packet(tmp_path, p))
    assert disease(pf, "ORPHA:95707").props["inheritance"] == ("Not applicable",)
    assert not [e for e in pf.edges if e.rel == RelType.HAS_MODE_OF_INHERITANCE]
    assert pf.skipped == {"inheritance without an HPO mode: Not applicable": 1}


def test_broken_json_names_member_and_line(tmp_path: Path) -> None:
    members = fixture_members()
    cut = members["json/ORPHApacket_558.json"][:300]
    members["json/ORPHApacket_558.json"] = cut
    with pytest.raises(IngestError, match=r"invalid JSON") as err:
        parse_packets(pack(tmp_path, members))
    # The JSON error is at the end of the cut text, on its last line.
    assert err.value.where == "json/ORPHApacket_558.json line 9"
    assert cut.count(b"\n") + 1 == 9


def test_invalid_utf8_names_member_and_line(tmp_path: Path) -> None:
    members = fixture_members()
    members["json/ORPHApacket_2056.json"] = members["json/ORPHApacket_2056.json"].replace(
        b"Essential fructosuria", b"Essential fructos\xffria", 1
    )
    with pytest.raises(IngestError, match="not valid UTF-8") as err:
        parse_packets(pack(tmp_path, members))
    assert err.value.where == "json/ORPHApacket_2056.json line 8"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.pop("ORPHAcode"), "missing ORPHAcode"),
        (lambda p: p.update(ORPHAcode="ORPHA-2056"), "ORPHAcode is not a number"),
        (lambda p: p["Phenotypes"][0]["Phenotype"].update(HPOId="HP:12"), "bad HPO id"),
        (lambda p: p["Phenotypes"][0]["Phenotype"].update(HPOFrequency="Often"), "frequency"),
        (lambda p: p["ExternalReferences"][0].update(Reference="22980"), "6-digit MIM"),
        (lambda p: p.update(Genes="no data"), "Gene is not an object"),
    ],
)
def test_bad_packet_content_names_the_member(tmp_path: Path, change: Any, message: str) -> None:
    p = packet("2056")["Orphapacket"]
    change(p)
    members = fixture_members()
    members["json/ORPHApacket_2056.json"] = json.dumps({"Orphapacket": p}).encode()
    with pytest.raises(IngestError, match=message) as err:
        parse_packets(pack(tmp_path, members))
    assert err.value.where == "json/ORPHApacket_2056.json"
    assert err.value.file.endswith("packets.tar.gz")


def test_packets_of_different_releases_are_refused(tmp_path: Path) -> None:
    members = fixture_members()
    p = packet("95707")["Orphapacket"]  # the last member, after five packets of RELEASE
    p["version"] = "1.3.41 / 4.1.8 [2025-03-03]"
    members["json/ORPHApacket_95707.json"] = json.dumps({"Orphapacket": p}).encode()
    with pytest.raises(IngestError, match="release differs") as err:
        parse_packets(pack(tmp_path, members))
    assert err.value.where == "json/ORPHApacket_95707.json"
    assert err.value.value == "1.3.41 / 4.1.8 [2025-03-03] (2025-12-09)"


def test_truncated_archive_is_an_ingest_error(tmp_path: Path) -> None:
    whole = pack(tmp_path, fixture_members()).read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(IngestError, match="cannot read the archive"):
        parse_packets(cut)


def test_real_packets_match_the_manifest() -> None:
    pf = parse_packets(SHARED / "orphapacket_json_2025-12.tar.gz")
    assert pf.release == RELEASE
    rels = Counter(e.rel for e in pf.edges)
    assert rels[RelType.HAS_PHENOTYPE] == 115_878
    assert sum(e.negated for e in pf.edges) == 727  # the Excluded (0%) annotations
    gene_rels = (RelType.CAUSES, RelType.CONTRIBUTES_TO, RelType.ASSOCIATED_WITH)
    assert sum(rels[r] for r in gene_rels) == 8_018
    mapping_rels = (RelType.EXACT_MATCH, RelType.BROAD_MATCH, RelType.NARROW_MATCH)
    assert sum(rels[r] for r in mapping_rels) + rels[RelType.CLOSE_MATCH] == 8_435
    assert rels[RelType.EXACT_MATCH] == 3_659
    assert len({n.id for n in pf.nodes if "disorder_type" in n.props}) == 9_960


def test_mim2gene_among_the_inputs_keys_orphanet_genes_by_ncbi_gene() -> None:
    """`ingest all` passes mim2gene as one of its inputs: Orphanet genes must still resolve."""
    from graph.vocabulary import Source
    from ingest.sources import Input, parse_source

    data = Path(__file__).resolve().parents[1] / "data"
    packets = Input("packets", data / "orphanet" / "packets")
    mim2gene = Input("mim2gene", data / "omim" / "mim2gene_sample.txt")

    def genes(inputs: list[Input]) -> set[str]:
        parsed = parse_source(Source.ORPHANET, inputs, None)
        return {n.id for p in parsed for n in p.nodes if n.label is NodeLabel.GENE}

    assert "NCBIGene:3795" in genes([mim2gene, packets])
    assert "NCBIGene:3795" not in genes([packets])  # no map: the HGNC placeholder stays
