"""BioRED readers: PubTator with BioREDirect direction lines, BioC JSON, errors with file and
line, candidate pairs and their labels (hand-checked against the files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.exceptions import IngestError
from extraction.biored.corpus import Document, read_bioc_json, read_documents, read_pubtator
from extraction.biored.pairs import ALLOWED_TYPE_PAIRS, DIRECTION_LABELS, TYPE_LABELS, candidates

DATA = Path(__file__).parents[1] / "data" / "biored"


def _doc(pmid: str) -> Document:
    return next(d for d in read_pubtator(DATA / "sample.pubtator") if d.pmid == pmid)


def test_pubtator_reads_mentions_relations_and_directions() -> None:
    docs = read_pubtator(DATA / "sample.pubtator")
    assert [d.pmid for d in docs] == ["15485686", "10491763", "24671324"]
    doc = _doc("15485686")
    assert doc.text[8:13] == "SCN5A" and doc.mentions[0].ids == ("6331",)
    rels = {(r.type, r.id1, r.id2): r for r in doc.relations}
    # "15485686  6331  D001919  Subject:6331" belongs to "Association D001919 6331" (ids swapped).
    assert rels[("Association", "D001919", "6331")].subject == "6331"
    # "15485686  D001919  p|SUB|V|1763|M  Subject:p|SUB|V|1763|M": the variant is the subject.
    assert rels[("Positive_Correlation", "D001919", "p|SUB|V|1763|M")].subject == "p|SUB|V|1763|M"
    # 24671324: the cotreatments have no direction line; they stay undirected.
    cotreat = [r for r in _doc("24671324").relations if r.type == "Cotreatment"]
    assert len(cotreat) == 3 and all(r.subject is None for r in cotreat)
    assert rels[("Negative_Correlation", "D001145", "D008801")].novel is False
    # 10491763: glucose is the subject of its positive correlation with insulin.
    glucose = {(r.id1, r.id2): r for r in _doc("10491763").relations}[("D005947", "3630")]
    assert glucose.type == "Positive_Correlation" and glucose.subject == "D005947"


def test_multi_id_mentions_are_split() -> None:
    mody = next(m for m in _doc("10491763").mentions if m.text == "MODY")
    assert mody.ids == ("3172", "3651", "6927")


def test_direction_labels_of_candidates() -> None:
    cands = {(c.id1, c.id2): c for c in candidates(_doc("15485686"))}
    # SCN5A (offset 8) precedes bradycardia (109): first argument SCN5A, the subject.
    gene_disease = cands[("6331", "D001919")]
    assert TYPE_LABELS[gene_disease.rel_type] == "Association"
    assert DIRECTION_LABELS[gene_disease.direction] == "first_is_subject"
    assert gene_disease.novel == 1
    # lidocaine (D008012) treats atrioventricular block (D054537): the block appears first.
    block = cands[("D054537", "D008012")]
    assert DIRECTION_LABELS[block.direction] == "second_is_subject"
    assert TYPE_LABELS[block.rel_type] == "Negative_Correlation" and block.novel == 0
    variant = cands[("D001919", "p|SUB|V|1763|M")]  # bradycardia before V1763M in the text
    assert DIRECTION_LABELS[variant.direction] == "second_is_subject"
    cotreat = {(c.id1, c.id2): c for c in candidates(_doc("24671324"))}[("D003907", "D000069283")]
    assert TYPE_LABELS[cotreat.rel_type] == "Cotreatment"
    assert DIRECTION_LABELS[cotreat.direction] == "undirected"
    # Species and cell lines never pair; every gold relation is a candidate.
    assert not any("9606" in k or "CVCL_2737" in k for k in cands)
    gold = {frozenset((r.id1, r.id2)) for r in _doc("15485686").relations}
    assert gold <= {frozenset(k) for k, c in cands.items() if c.rel_type > 0}


def test_allowed_type_pairs_cover_every_relation() -> None:
    for doc in read_pubtator(DATA / "sample.pubtator"):
        types = doc.entity_types()
        for r in doc.relations:
            assert frozenset((types[r.id1], types[r.id2])) in ALLOWED_TYPE_PAIRS


def test_bioc_json_matches_offsets_and_novelty() -> None:
    (doc,) = read_bioc_json(DATA / "sample.BioC.JSON")
    assert doc.pmid == "14510914" and len(doc.relations) == 12
    for m in doc.mentions:
        assert doc.text[m.start : m.end] == m.text
    assert all(r.subject is None for r in doc.relations)  # BioC has no direction lines
    assert read_documents(DATA / "sample.BioC.JSON")[0].pmid == "14510914"


def test_malformed_lines_name_file_and_line(tmp_path: Path) -> None:
    text = (DATA / "sample.pubtator").read_text()
    lines = text.splitlines()
    bad = tmp_path / "bad.pubtator"
    lines[3] = lines[3].replace("\tDiseaseOrPhenotypicFeature\t", "\tOrgan\t")
    bad.write_text("\n".join(lines))
    with pytest.raises(IngestError, match=r"bad.pubtator:4: unknown entity type"):
        read_pubtator(bad)
    lines = text.splitlines()
    lines[2] = lines[2].replace("\t8\t13\t", "\t9\t13\t")
    bad.write_text("\n".join(lines))
    with pytest.raises(IngestError, match=r"bad.pubtator:3: mention text does not match"):
        read_pubtator(bad)
    lines = text.splitlines()
    direction = next(i for i, ln in enumerate(lines) if "Subject:" in ln)
    lines[direction] = lines[direction].replace("Subject:", "Object:")
    bad.write_text("\n".join(lines))
    with pytest.raises(IngestError, match=rf"bad.pubtator:{direction + 1}: direction must be"):
        read_pubtator(bad)


def test_bad_json_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"documents": [\n{"id": "1",}')
    with pytest.raises(IngestError, match=r"x.json:2: invalid JSON"):
        read_bioc_json(bad)


def test_relation_with_unmentioned_id_is_kept_and_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # BC8 test has three such gold relations (e.g. 36106887 names taxon 9606 without a mention).
    text = (
        (DATA / "sample.pubtator")
        .read_text()
        .replace(
            "15485686\tNegative_Correlation\tD001145\tD008801\tNo",
            "15485686\tNegative_Correlation\tD001145\t999999\tNo",
        )
        .replace("15485686\tD001145\tD008801\tSubject:D008801\n", "")
    )
    f = tmp_path / "odd.pubtator"
    f.write_text(text)
    with caplog.at_level("WARNING"):
        doc = next(d for d in read_pubtator(f) if d.pmid == "15485686")
    assert any(r.id2 == "999999" for r in doc.relations)
    assert "document 15485686" in caplog.text and "'999999'" in caplog.text
    assert all("999999" not in (c.id1, c.id2) for c in candidates(doc))


def test_user_input_loses_only_the_malformed_document(tmp_path: Path) -> None:
    """Lenient reading (extract biored, POST /v1/extract/biored): a bad line drops its own
    document, reported with file and line; the documents around it are kept."""
    lines = (DATA / "sample.pubtator").read_text().splitlines()
    bad = next(i for i, x in enumerate(lines) if x.startswith("10491763\t") and x.count("\t") == 5)
    parts = lines[bad].split("\t")
    lines[bad] = "\t".join([parts[0], "99999", "100000", *parts[3:]])  # offsets past the text
    f = tmp_path / "bad.pubtator"
    f.write_text("\n".join(lines) + "\n")
    with pytest.raises(IngestError, match=rf"bad.pubtator:{bad + 1}: mention offsets|text does"):
        read_pubtator(f)
    skipped: list[str] = []
    docs = read_documents(f, skipped)
    assert [d.pmid for d in docs] == ["15485686", "24671324"]
    assert len(skipped) == 1 and skipped[0].startswith(f"{f}:{bad + 1}: ")
    assert skipped[0].endswith("document 10491763 skipped")
    assert docs == [d for d in read_pubtator(DATA / "sample.pubtator") if d.pmid != "10491763"]


def test_a_malformed_bioc_document_is_an_error_naming_it_never_a_crash() -> None:
    from extraction.biored.corpus import parse_bioc_collection

    good = {"id": "1", "passages": [{"offset": 0, "text": "BRCA1 causes cancer."}]}
    odd = {"id": "2", "passages": [{"offset": "zero", "text": "x"}]}
    with pytest.raises(IngestError, match=r"request:document 2: malformed BioC document"):
        parse_bioc_collection({"documents": [good, odd]})
    skipped: list[str] = []
    docs = parse_bioc_collection({"documents": [good, odd, 7]}, "request", skipped)
    assert [d.pmid for d in docs] == ["1"]
    assert [s.split(": ")[0] for s in skipped] == ["request:document 2", "request:documents[2]"]
    with pytest.raises(IngestError, match="no readable document"):
        parse_bioc_collection({"documents": [odd]}, "request", [])
