from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from core.exceptions import IngestError
from graph.vocabulary import NodeLabel, RelType
from ingest.omim import parse_genemap2, parse_mim2gene, parse_morbidmap
from ingest.rows import NodeRow, ParsedFile

DATA = Path(__file__).resolve().parents[1] / "data" / "omim"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "omim"
MIM2GENE = DATA / "mim2gene_sample.txt"
GENEMAP2 = DATA / "genemap2_synthetic.txt"
MORBIDMAP = DATA / "morbidmap_synthetic.txt"


def node(pf: ParsedFile, node_id: str) -> NodeRow:
    return next(n for n in pf.nodes if n.id == node_id)


def test_mim2gene_sample() -> None:
    pf = parse_mim2gene(MIM2GENE)
    assert pf.release == "2025-06-24"
    assert Counter(n.label for n in pf.nodes) == {NodeLabel.GENE: 14, NodeLabel.DISEASE: 10}
    assert pf.skipped == {"moved/removed entry": 2, "gene entry without an Entrez Gene ID": 2}
    assert pf.edges == []
    fbn1 = node(pf, "NCBIGene:2200")
    assert (fbn1.label, fbn1.name) == (NodeLabel.GENE, "FBN1")
    assert fbn1.xrefs == ("OMIM:134797", "ENSEMBL:ENSG00000166147")
    assert fbn1.props == {"symbol": "FBN1", "omim_gene": "134797", "ensembl": "ENSG00000166147"}
    assert node(pf, "NCBIGene:217").props["omim_gene"] == "100650"  # a gene/phenotype entry
    assert node(pf, "NCBIGene:568").props == {"omim_gene": "109710"}  # no symbol, no Ensembl
    assert node(pf, "OMIM:154700").props == {"mim_type": "phenotype"}
    assert node(pf, "OMIM:100050").props == {"mim_type": "predominantly phenotypes"}
    assert not [n for n in pf.nodes if n.id in ("OMIM:100500", "OMIM:113510")]


def _variant(tmp_path: Path, source: Path, old: bytes, new: bytes) -> tuple[Path, int]:
    """A copy of `source` with one change, and the line the change is on."""
    data = source.read_bytes()
    assert old in data
    out = tmp_path / source.name
    out.write_bytes(data.replace(old, new, 1))
    return out, data[: data.index(old)].count(b"\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b"134797\tgene\t2200", b"134797\tgene\t2200\textra", "expected 5 tab-separated columns"),
        (b"134797\tgene", b"134797 gene", "expected 5 tab-separated columns, found 4"),
        (b"134797\tgene", b"13479X\tgene", "MIM Number is not a 6-digit number"),
        (b"134797\tgene", b"134797\tgenes", "unknown MIM Entry Type"),
        (b"134797\tgene\t2200", b"134797\tgene\t22O0", "Entrez Gene ID is not a number"),
        (b"\tFBN1\t", b"\tFBN\xff\t", "not valid UTF-8"),
    ],
)
def test_mim2gene_errors_name_file_and_line(
    tmp_path: Path, old: bytes, new: bytes, message: str
) -> None:
    bad, line = _variant(tmp_path, MIM2GENE, old, new)
    with pytest.raises(IngestError, match=message) as err:
        parse_mim2gene(bad)
    assert (err.value.file, err.value.where) == (str(bad), line)


def test_genemap2_relations_inheritance_and_gene_ids() -> None:
    pf = parse_genemap2(GENEMAP2)
    assert pf.release == "2025-06-24"
    gene_a, gene_b = "NCBIGene:900000001", "OMIM.GENE:990002"  # B has no Entrez id
    assert {e.key for e in pf.edges} == {
        (gene_a, RelType.CAUSES, "OMIM:990101", False),
        (gene_a, RelType.CONTRIBUTES_TO, "OMIM:990102", False),  # {susceptibility}
        (gene_a, RelType.ASSOCIATED_WITH, "OMIM:990103", False),  # [nondisease]
        (gene_a, RelType.ASSOCIATED_WITH, "OMIM:990104", False),  # ?provisional
        (gene_b, RelType.CONTRIBUTES_TO, "OMIM:990105", False),  # key 4
        (gene_b, RelType.ASSOCIATED_WITH, "OMIM:990106", False),  # key 1
        ("OMIM:990101", RelType.HAS_MODE_OF_INHERITANCE, "HP:0000006", False),
        ("OMIM:990102", RelType.HAS_MODE_OF_INHERITANCE, "HP:0000007", False),
        ("OMIM:990102", RelType.HAS_MODE_OF_INHERITANCE, "HP:0001426", False),
        ("OMIM:990104", RelType.HAS_MODE_OF_INHERITANCE, "HP:0001417", False),
        ("OMIM:990105", RelType.HAS_MODE_OF_INHERITANCE, "HP:0000006", False),
    }
    assert pf.skipped == {
        "phenotype entry without a phenotype MIM number": 1,  # "Synthetic locus E (2)"
        "inheritance without an HPO mode: Somatic mutation": 1,
    }
    susceptibility = next(e for e in pf.edges if e.object == "OMIM:990102")
    assert susceptibility.props == {
        "mapping_key": "3",
        "omim_phenotype": "{Synthetic susceptibility B}, 990102 (3), Autosomal recessive, "
        "Multifactorial",
    }
    assert node(pf, "OMIM:990102").name == "Synthetic susceptibility B"
    assert node(pf, "OMIM:990104").name == "Synthetic disorder D"
    gene = node(pf, gene_a)
    assert (gene.name, gene.synonyms) == ("XSYNA", ("XSA1",))
    assert gene.props["omim_gene"] == "990001"
    assert gene.props["ensembl"] == "ENSG99999900001"
    assert node(pf, "NCBIGene:900000003").label == NodeLabel.GENE  # a gene with no phenotype


def test_morbidmap_uses_gene_mim_placeholders() -> None:
    pf = parse_morbidmap(MORBIDMAP)
    assert pf.release == "2025-06-24"
    assert {e.key for e in pf.edges} == {
        ("OMIM.GENE:990001", RelType.CAUSES, "OMIM:990101", False),
        ("OMIM.GENE:990001", RelType.CONTRIBUTES_TO, "OMIM:990102", False),
        ("OMIM.GENE:990001", RelType.ASSOCIATED_WITH, "OMIM:990104", False),
        ("OMIM.GENE:990002", RelType.CONTRIBUTES_TO, "OMIM:990105", False),
    }
    assert pf.skipped == {"phenotype entry without a phenotype MIM number": 1}
    assert node(pf, "OMIM.GENE:990001").props["cyto_location"] == "1p36.33"


@pytest.mark.parametrize(
    ("parse", "source", "old", "new", "message"),
    [
        (parse_genemap2, GENEMAP2, b"990103 (3)", b"990103 [3]", "phenotype entry is not"),
        (parse_genemap2, GENEMAP2, b"\t990002\t", b"\t99002\t", "not a 6-digit number"),
        (parse_genemap2, GENEMAP2, b"\tXSYNC\t900000003", b"\tXSYNC", "expected 14"),
        (parse_morbidmap, MORBIDMAP, b"990105 (4)", b"990105", "phenotype entry is not"),
        (parse_morbidmap, MORBIDMAP, b"\t2q11.2", b"", "expected 4 tab-separated columns"),
    ],
)
def test_genemap2_and_morbidmap_errors_name_the_line(
    tmp_path: Path,
    parse: Callable[[Path], ParsedFile],
    source: Path,
    old: bytes,
    new: bytes,
    message: str,
) -> None:
    bad, line = _variant(tmp_path, source, old, new)
    with pytest.raises(IngestError, match=message) as err:
        parse(bad)
    assert err.value.where == line


def test_real_mim2gene_matches_the_manifest() -> None:
    pf = parse_mim2gene(SHARED / "mim2gene.txt")
    assert pf.release == "2025-06-24"
    # 17,590 gene + 10 gene/phenotype entries, 95 of them without an Entrez id.
    assert Counter(n.label for n in pf.nodes) == {NodeLabel.GENE: 17_505, NodeLabel.DISEASE: 10_231}
    assert pf.skipped == {"moved/removed entry": 1_373, "gene entry without an Entrez Gene ID": 95}
