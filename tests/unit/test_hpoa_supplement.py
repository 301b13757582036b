"""ingest.hpoa_supplement: the supplement file's parser on a fixture cut from the real export
(3 whole disease lines of HPO 2025-11-24 that 2025-01-16 lacks), its errors, the export's
subprocess errors, and the rule that infers the genes of a disease."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.exceptions import EvigraphError, IngestError
from graph.vocabulary import NodeLabel, RelType
from ingest.hpo import hpoa_diseases
from ingest.hpo3_dump import infer_genes
from ingest.hpoa_supplement import FORMAT, base_terms, export, parse_supplement

DATA = Path(__file__).resolve().parents[1] / "data" / "hpo"
HEAD = {"format": FORMAT, "release": "2025-11-24", "package": "hpo3 1.5.1"}


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "supplement.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_parses_the_real_fixture() -> None:
    parsed = parse_supplement(DATA / "hpoa-supplement.jsonl")
    assert parsed.release == "2025-11-24"
    assert [(n.id, n.label, n.name) for n in parsed.nodes] == [
        ("OMIM:100650", NodeLabel.DISEASE, "Alcohol sensitivity, acute"),
        ("OMIM:100675", NodeLabel.DISEASE, "ACETAMINOPHEN METABOLISM"),
        ("OMIM:181300", NodeLabel.DISEASE, "Scapula, contour of vertebral border of"),
        ("NCBIGene:217", NodeLabel.GENE, "ALDH2"),
    ]
    by_rel = {(e.subject, e.rel, e.object) for e in parsed.edges}
    assert ("OMIM:100650", RelType.HAS_PHENOTYPE, "HP:0003533") in by_rel
    assert ("OMIM:100650", RelType.HAS_MODE_OF_INHERITANCE, "HP:0000006") in by_rel
    (gene,) = [e for e in parsed.edges if e.rel == RelType.ASSOCIATED_WITH]
    assert (gene.subject, gene.object) == ("NCBIGene:217", "OMIM:100650")
    assert "inferred_from" in gene.props
    assert len(parsed.edges) == 8
    assert not any(e.negated for e in parsed.edges)


def test_the_genes_of_a_disease_are_those_whose_terms_hold_all_of_its() -> None:
    genes_of = {1: {(10, "A"), (20, "B"), (30, "C")}, 2: {(10, "A"), (20, "B")}, 3: {(10, "A")}}
    genes_of[4] = {(20, "B"), (30, "C")}
    assert infer_genes({1, 2, 3}, genes_of) == [[10, "A"]]
    assert infer_genes({1, 2, 4}, genes_of) == [[20, "B"]]
    assert infer_genes({1, 3, 4}, genes_of) == []  # no gene holds them all
    assert infer_genes({1, 2}, genes_of) == []  # fewer than MIN_TERMS terms
    genes_of[5] = {(g, s) for g, s in genes_of[1]}
    genes_of[6] = set(genes_of[1])
    assert infer_genes({1, 5, 6}, genes_of) == []  # three genes pass: more than MAX_GENES


@pytest.mark.parametrize(
    ("lines", "lineno", "message"),
    [
        ((), 1, "empty file"),
        (("{not json",), 1, "not a JSON object"),
        ((json.dumps({**HEAD, "format": "other"}),), 1, "format is not"),
        ((json.dumps({**HEAD, "release": "Nov 2025"}),), 1, "release is not YYYY-MM-DD"),
        ((json.dumps(HEAD), "[1, 2]"), 2, "not a JSON object"),
        ((json.dumps(HEAD), json.dumps({"id": "MONDO:1", "name": "x"})), 2, "id is not"),
        ((json.dumps(HEAD), json.dumps({"id": "OMIM:1", "name": " "})), 2, "name is empty"),
        (
            (json.dumps(HEAD), json.dumps({"id": "OMIM:1", "name": "x", "phenotypes": ["HP:1"]})),
            2,
            "phenotypes is not an HP id",
        ),
        (
            (json.dumps(HEAD), json.dumps({"id": "OMIM:1", "name": "x", "inheritance": "HP:1"})),
            2,
            "inheritance is not a list",
        ),
        (
            (json.dumps(HEAD), json.dumps({"id": "OMIM:1", "name": "x", "genes": "ALDH2"})),
            2,
            "genes is not a list",
        ),
        (
            (json.dumps(HEAD), json.dumps({"id": "OMIM:1", "name": "x", "genes": [{"id": "217"}]})),
            2,
            "genes: id is not an NCBIGene CURIE",
        ),
        (
            (
                json.dumps(HEAD),
                json.dumps({"id": "OMIM:1", "name": "x", "genes": [{"id": "NCBIGene:217"}]}),
            ),
            2,
            "genes: the symbol of NCBIGene:217 is empty",
        ),
        (
            (
                json.dumps(HEAD),
                json.dumps(
                    {"id": "OMIM:1", "name": "x", "genes": [{"id": "NCBIGene:2", "symbol": "A"}]}
                ),
                json.dumps(
                    {"id": "OMIM:3", "name": "y", "genes": [{"id": "NCBIGene:2", "symbol": "B"}]}
                ),
            ),
            3,
            "genes: NCBIGene:2 has two symbols",
        ),
        (
            (
                json.dumps(HEAD),
                json.dumps({"id": "OMIM:1", "name": "x"}),
                json.dumps({"id": "OMIM:1", "name": "y"}),
            ),
            3,
            "disease listed twice",
        ),
    ],
)
def test_bad_lines_name_the_file_line_and_field(
    tmp_path: Path, lines: tuple[str, ...], lineno: int, message: str
) -> None:
    path = _write(tmp_path, *lines)
    with pytest.raises(IngestError) as e:
        parse_supplement(path)
    assert e.value.file == str(path)
    assert e.value.where == lineno
    assert message in str(e.value)


def test_base_release_diseases_and_terms_of_the_fixtures() -> None:
    release, ids = hpoa_diseases(DATA / "phenotype.hpoa")
    assert release == "2025-01-16"
    assert "ORPHA:558" in ids and not any(i.startswith(("#", "database_id")) for i in ids)
    terms = base_terms(DATA / "hp.obo")
    assert "HP:0001166" in terms and len(terms) >= 25


def test_export_without_the_hpo3_venv_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(EvigraphError, match="make hpo3-venv"):
        export(DATA / "phenotype.hpoa", DATA / "hp.obo", tmp_path / "s.jsonl", tmp_path / "none")
    assert not (tmp_path / "s.jsonl").exists()


def test_a_failing_dump_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "s.jsonl"
    out.write_text("kept\n")
    with pytest.raises(EvigraphError, match=r"hpo3 dump failed \(exit 1\)"):
        export(DATA / "phenotype.hpoa", DATA / "hp.obo", out, Path("/bin/false"))
    assert out.read_text() == "kept\n"
