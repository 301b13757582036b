"""Literature readers on the real PubMed/MEDLINE, PubTator and BioC files and on malformed
fixtures cut from them (tests/data/pubmed/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.exceptions import IngestError
from core.settings import Settings
from extraction.literature.documents import Deletion, LitDocument
from extraction.literature.readers import read_items, sniff

SHARED = Settings().ingest.data_dir
DATA = Path(__file__).parents[1] / "data" / "pubmed"


def _read(*paths: Path) -> tuple[list[LitDocument], list[Deletion], list[str]]:
    problems: list[str] = []
    items = list(read_items(paths, problems))
    docs = [i for i in items if isinstance(i, LitDocument)]
    return docs, [i for i in items if isinstance(i, Deletion)], problems


def test_whole_2016_medline_file() -> None:
    docs, deletions, problems = _read(SHARED / "pubmed" / "medline16n0902.xml.gz")
    assert (len(docs), problems) == (604, [])
    assert deletions == [Deletion("PMID:26432306", deletions[0].source)]
    first = docs[0]
    assert first.id == "PMID:17942999" and first.published == "2007"
    assert [s.label for s in first.sections] == ["PURPOSE", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert first.text.startswith(first.title + " An auditory electrophysiological study")
    assert "MESH:D000161" in first.mesh
    # 1,417 AbstractText (MANIFEST.md), 21 of them in OtherAbstract (translations): not read
    assert sum(len(d.sections) for d in docs) == 1417 - 21
    assert len({d.id for d in docs}) == 604


def test_current_pubmed_layout() -> None:
    docs, deletions, problems = _read(
        SHARED / "pubmed" / "test_current_medline.xml.gz", SHARED / "pubmed" / "pubmed-29768149.xml"
    )
    assert not deletions and not problems
    ids = [d.id for d in docs]
    assert ids[0] == "PMID:36400559" and ids[-1] == "PMID:29768149"
    back_pain = docs[0]
    assert back_pain.published == "2023-02"
    assert back_pain.chemicals == ("MESH:D000894",)
    assert "6\xa0weeks" in back_pain.abstract  # entities decoded, references' PMIDs not read
    assert "PMID:29768146" not in ids


def test_pubtator_bioc_and_jsonl(tmp_path: Path) -> None:
    pubtator, _, p1 = _read(SHARED / "bc5cdr" / "CDR_TestSet.PubTator.txt")
    assert (len(pubtator), p1) == (500, [])
    fam = pubtator[0]
    assert fam.id == "PMID:8701013" and fam.annotations[0].ids == ("D015738",)
    assert fam.text[0:10] == "Famotidine"
    xml, _, _ = _read(SHARED / "biored" / "Dev.BioC.XML")
    js, _, _ = _read(SHARED / "biored" / "Dev.BioC.JSON")
    tsv, _, _ = _read(SHARED / "biored" / "Dev.PubTator.txt")
    assert len(xml) == len(js) == len(tsv) == 100
    # the three formats of one corpus give the same text and mentions
    assert [(d.id, d.text, d.annotations) for d in xml] == [
        (d.id, d.text, d.annotations) for d in tsv
    ]
    lines = tmp_path / "docs.jsonl"
    lines.write_text(
        json.dumps({"id": "a", "text": "Aspirin caused nausea."})
        + "\n{broken\n"
        + json.dumps({"text": "no id"})
        + "\n"
    )
    docs, _, problems = _read(lines)
    assert [(d.id, d.text) for d in docs] == [("a", "Aspirin caused nausea.")]
    assert [p.split(": ")[0] for p in problems] == [f"{lines}:2", f"{lines}:3"]


def test_folders_are_read_file_by_file() -> None:
    problems: list[str] = []
    with pytest.raises(IngestError, match="medline16_truncated"):
        list(read_items([DATA], problems))
    assert any("README.md:1: not a literature file" in p for p in problems)
    assert any("bc5cdr_bad_offsets.pubtator:18" in p for p in problems)


def test_a_citation_without_pmid_is_skipped_and_named() -> None:
    docs, _, problems = _read(DATA / "medline16_no_pmid.xml")
    assert [d.id for d in docs] == ["PMID:17942999", "PMID:19602546"]  # first and third
    (problem,) = problems
    assert problem.startswith(f"{DATA / 'medline16_no_pmid.xml'}:") and "without a PMID" in problem


def test_a_truncated_gzip_keeps_the_documents_before_it() -> None:
    got: list[str] = []
    with pytest.raises(
        IngestError, match=r"medline16_truncated\.xml\.gz:\d+: malformed or truncated"
    ):
        for item in read_items([DATA / "medline16_truncated.xml.gz"], []):
            got.append(item.id)
    whole, _, _ = _read(SHARED / "pubmed" / "medline16n0902.xml.gz")
    assert len(got) >= 10 and got == [d.id for d in whole[: len(got)]]


def test_pubtator_offsets_outside_the_text_drop_only_that_document() -> None:
    docs, _, problems = _read(DATA / "bc5cdr_bad_offsets.pubtator")
    assert [d.id for d in docs] == ["PMID:8701013", "PMID:22836123"]
    (problem,) = problems
    assert problem.startswith(f"{DATA / 'bc5cdr_bad_offsets.pubtator'}:18: mention offsets outside")
    assert "document 439781 skipped" in problem


def test_not_a_literature_file(tmp_path: Path) -> None:
    csv = tmp_path / "table.csv"
    csv.write_text("a,b\n1,2\n")
    with pytest.raises(IngestError, match=r"table\.csv:1: not a literature file"):
        sniff(csv)
