"""ingest.hpo on malformed variants of the fixtures: every error names the file and line."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest

from core.exceptions import IngestError
from ingest.hpo import parse_genes_to_phenotype, parse_hpoa, parse_obo, parse_phenotype_to_genes
from ingest.rows import ParsedFile

DATA = Path(__file__).resolve().parents[1] / "data" / "hpo"
Parser = Callable[[Path], ParsedFile]

PARSERS: dict[str, Parser] = {
    "hp.obo": parse_obo,
    "phenotype.hpoa": parse_hpoa,
    "genes_to_phenotype.txt": parse_genes_to_phenotype,
    "phenotype_to_genes.txt": parse_phenotype_to_genes,
}


def _broken(tmp_path: Path, name: str, old: str, new: str) -> tuple[Path, int]:
    """The fixture with its first line equal to `old` replaced; (path, that 1-based line)."""
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    lineno = lines.index(old) + 1
    lines[lineno - 1] = new
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path, lineno


def _raises_at(parser: Parser, path: Path, lineno: int, fragment: str) -> None:
    with pytest.raises(IngestError) as info:
        parser(path)
    assert str(info.value).startswith(f"{path}:{lineno}: "), str(info.value)
    assert (info.value.file, info.value.where) == (str(path), lineno)
    assert fragment in str(info.value)


T = "\t"
HPOA_HEADER = (
    "database_id disease_name qualifier hpo_id reference evidence onset frequency sex modifier"
    " aspect biocuration"
).replace(" ", T)
MARFAN_ROW = (
    "ORPHA:558\tMarfan syndrome\t\tHP:0001166\tORPHA:558\tTAS\t\tHP:0040281\t\t\tP"
    "\tORPHA:orphadata[2025-01-16]"
)


def _marfan(**changes: str) -> str:
    """MARFAN_ROW with the named columns changed."""
    cols = dict(zip(HPOA_HEADER.split(T), MARFAN_ROW.split(T), strict=True))
    return T.join({**cols, **changes}.values())


@pytest.mark.parametrize(
    ("name", "old", "new", "fragment"),
    [
        ("hp.obo", "id: HP:0001166", "id: HP:1166", "id is not an HP id"),
        ("hp.obo", "is_a: HP:0100807 ! Long fingers", "is_a: HP:01008", "is_a is not an HP id"),
        (
            "hp.obo",
            'synonym: "Spider fingers" EXACT layperson []',
            'synonym: "Spider fingers" SIMILAR []',
            "synonym needs a scope",
        ),
        (
            "hp.obo",
            'def: "Abnormally long and slender fingers (spider fingers)." '
            "[https://orcid.org/0000-0002-0736-9199]",
            'def: "Abnormally long and slender fin',
            "def must start with a quoted string",
        ),
        ("hp.obo", "xref: UMLS:C0003706", "xref: UMLS C0003706", "xref is not a CURIE"),
        ("hp.obo", "alt_id: HP:0001505", "alt_id: 0001505", "alt_id is not an HP id"),
        ("hp.obo", "name: Arachnodactyly", "name:", "expected `tag: value`"),
        ("hp.obo", "is_obsolete: true", "is_obsolete: yes", "is_obsolete must be true or false"),
        ("hp.obo", "data-version: hp/releases/2025-01-16", "data-version: v1", "data-version"),
        ("hp.obo", "[Typedef]", "[Typedef", "malformed or unknown stanza header"),
        ("phenotype.hpoa", "#version: 2025-01-16", "#version: latest", "#version"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(database_id="MONDO:0007947"), "database_id"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(database_id="558"), "database_id"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(disease_name=""), "disease_name is empty"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(qualifier="not"), "qualifier"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(hpo_id="HP:1166"), "hpo_id is not an HP id"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(reference="PMID:1;"), "reference has an empty"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(evidence="XYZ"), "evidence is not one of"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(onset="Adult"), "onset is not an HP id"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(frequency="often"), "frequency is not"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(frequency="5/3"), "frequency is not"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(frequency="120%"), "frequency is not"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(frequency="HP:0000006"), "frequency is not"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(sex="unknown"), "sex is not"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(modifier="HP:0012833;x"), "modifier is not"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(aspect="X"), "aspect is not one of"),
        ("phenotype.hpoa", MARFAN_ROW, _marfan(biocuration=""), "biocuration has an empty"),
        ("phenotype.hpoa", MARFAN_ROW, MARFAN_ROW + T, "expected 12 tab-separated columns"),
        (
            "phenotype.hpoa",
            HPOA_HEADER,
            HPOA_HEADER.replace("biocuration", "curation"),
            "header row is not the documented one",
        ),
        (
            "genes_to_phenotype.txt",
            "2200\tFBN1\tHP:0001166\tArachnodactyly\t124/197\tOMIM:154700",
            "FBN1\tFBN1\tHP:0001166\tArachnodactyly\t124/197\tOMIM:154700",
            "ncbi_gene_id is not a number",
        ),
        (
            "genes_to_phenotype.txt",
            "2200\tFBN1\tHP:0001166\tArachnodactyly\t124/197\tOMIM:154700",
            "2200\tFBN2\tHP:0001166\tArachnodactyly\t124/197\tOMIM:154700",
            "gene_symbol is empty or differs from earlier rows (FBN1)",
        ),
        (
            "genes_to_phenotype.txt",
            "2200\tFBN1\tHP:0001166\tArachnodactyly\t124/197\tOMIM:154700",
            "2200\tFBN1\tHP:0001166\tArachnodactyly\t197/124\tOMIM:154700",
            "frequency is not",
        ),
        (
            "genes_to_phenotype.txt",
            "2200\tFBN1\tHP:0001166\tArachnodactyly\t124/197\tOMIM:154700",
            "2200\tFBN1\tHP:0001166\tArachnodactyly\t124/197\t154700",
            "disease_id is not an OMIM:, ORPHA: or DECIPHER: id",
        ),
        (
            "genes_to_phenotype.txt",
            "ncbi_gene_id\tgene_symbol\thpo_id\thpo_name\tfrequency\tdisease_id",
            "hpo_id\thpo_name\tncbi_gene_id\tgene_symbol\tdisease_id",
            "header row is not the documented one",
        ),
        (
            "phenotype_to_genes.txt",
            "HP:0001166\tArachnodactyly\t2200\tFBN1\tOMIM:154700",
            "HP:00011\tArachnodactyly\t2200\tFBN1\tOMIM:154700",
            "hpo_id is not an HP id",
        ),
        (
            "phenotype_to_genes.txt",
            "HP:0001166\tArachnodactyly\t2200\tFBN1\tOMIM:154700",
            "HP:0001166\t\t2200\tFBN1\tOMIM:154700",
            "hpo_name is empty",
        ),
        (
            "phenotype_to_genes.txt",
            "HP:0001166\tArachnodactyly\t2200\tFBN1\tOMIM:154700",
            "HP:0001166\tArachnodactyly\t2200\tFBN1",
            "expected 5 tab-separated columns, found 4",
        ),
    ],
)
def test_malformed_line_names_file_and_line(
    tmp_path: Path, name: str, old: str, new: str, fragment: str
) -> None:
    path, lineno = _broken(tmp_path, name, old, new)
    _raises_at(PARSERS[name], path, lineno, fragment)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_obo_stanza_cut_before_its_is_a(tmp_path: Path) -> None:
    text = (DATA / "hp.obo").read_text(encoding="utf-8")
    cut = text[: text.index("is_a: HP:0001238 ! Slender finger")]
    path = _write(tmp_path, "hp.obo", cut.encode())
    term_line = cut.split("\n").index("id: HP:0001166")  # the [Term] header is the line above
    _raises_at(parse_obo, path, term_line, "term has no is_a and is not the root")


def test_obo_cut_after_an_is_a_to_a_later_term(tmp_path: Path) -> None:
    text = (DATA / "hp.obo").read_text(encoding="utf-8")
    end = text.index("is_a: HP:0001238 ! Slender finger")
    cut = text[: text.index("\n", end) + 1]
    path = _write(tmp_path, "hp.obo", cut.encode())
    # HP:0000924 (above the cut) is the first term whose parent lies past the cut
    lineno = cut.split("\n").index("is_a: HP:0033127 ! Abnormality of the musculoskeletal system")
    _raises_at(parse_obo, path, lineno + 1, "is_a target is not a term of this file")


def test_obo_cut_mid_line(tmp_path: Path) -> None:
    text = (DATA / "hp.obo").read_text(encoding="utf-8")
    cut = text[: text.index("is_a: HP:0001238 ! Slender finger") + len("is_a: HP:00012")]
    path = _write(tmp_path, "hp.obo", cut.encode())
    _raises_at(parse_obo, path, cut.count("\n") + 1, "is_a is not an HP id")


def _term_line(term_id: str) -> int:
    """1-based line of the [Term] header of a fixture term."""
    return (DATA / "hp.obo").read_text(encoding="utf-8").split("\n").index(f"id: {term_id}")


def test_obo_duplicate_term(tmp_path: Path) -> None:
    path, _ = _broken(tmp_path, "hp.obo", "id: HP:0000118", "id: HP:0000057")
    first = _term_line("HP:0000057")
    msg = f"duplicate term id (first at line {first})"
    _raises_at(parse_obo, path, _term_line("HP:0000118"), msg)


def test_obo_obsolete_term_with_is_a(tmp_path: Path) -> None:
    path, _ = _broken(tmp_path, "hp.obo", "replaced_by: HP:0008665", "is_a: HP:0000001 ! All")
    _raises_at(parse_obo, path, _term_line("HP:0000057"), "obsolete term has is_a")


def test_obo_without_data_version(tmp_path: Path) -> None:
    path, _ = _broken(tmp_path, "hp.obo", "data-version: hp/releases/2025-01-16", "remark: x")
    first_stanza = (DATA / "hp.obo").read_text(encoding="utf-8").split("\n").index("[Term]") + 1
    _raises_at(parse_obo, path, first_stanza, "header has no `data-version")


@pytest.mark.parametrize("name", list(PARSERS))
def test_invalid_utf8_names_the_line(tmp_path: Path, name: str) -> None:
    lines = (DATA / name).read_bytes().split(b"\n")
    lines[6] = b"\xff" + lines[6]
    path = _write(tmp_path, name, b"\n".join(lines))
    _raises_at(PARSERS[name], path, 7, "not valid UTF-8")


@pytest.mark.parametrize("name", list(PARSERS))
def test_truncated_gz_stream(tmp_path: Path, name: str) -> None:
    packed = gzip.compress((DATA / name).read_bytes(), mtime=0)
    path = _write(tmp_path, name + ".gz", packed[: len(packed) // 2])
    with pytest.raises(IngestError, match=r"cannot read file") as info:
        PARSERS[name](path)
    assert str(info.value).startswith(f"{path}:")


@pytest.mark.parametrize("name", list(PARSERS))
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, b"")
    with pytest.raises(IngestError) as info:
        PARSERS[name](path)
    assert str(info.value).startswith(f"{path}:1: ")


def test_tsv_cut_mid_row(tmp_path: Path) -> None:
    text = (DATA / "phenotype.hpoa").read_text(encoding="utf-8")
    cut = text[: text.rindex("HP:0040281")]
    path = _write(tmp_path, "phenotype.hpoa", cut.encode())
    _raises_at(parse_hpoa, path, cut.count("\n") + 1, "expected 12 tab-separated columns")
