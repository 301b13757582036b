"""Raw input for ADE extraction: sentence chunks keep document offsets, long sentences are
cut at a configurable limit, and bad files get errors naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.exceptions import ExtractionError
from extraction.ade.linking import HpoLinker, drug_node, normalize
from extraction.ade.text import Document, check_document, chunks, read_documents
from graph.hpo_terms import HpoTerm

TEXT = (
    "Intravenous azithromycin-induced ototoxicity. "
    "METHODS: We report two cases of pseudoporphyria caused by naproxen and oxaprozin."
)


def test_chunks_keep_document_offsets() -> None:
    parts = chunks(Document("d", TEXT), 1000)
    assert [c.text for c in parts] == [
        "Intravenous azithromycin-induced ototoxicity.",
        "METHODS: We report two cases of pseudoporphyria caused by naproxen and oxaprozin.",
    ]
    assert all(TEXT[c.start : c.start + len(c.text)] == c.text for c in parts)


def test_long_sentence_is_cut_at_the_limit() -> None:
    long = " ".join(["word"] * 100)
    parts = chunks(Document("d", long), 60)
    assert all(len(c.text) <= 60 for c in parts) and len(parts) > 5
    assert " ".join(c.text for c in parts) == long
    assert all(long[c.start : c.start + len(c.text)] == c.text for c in parts)


def test_empty_and_oversized_documents_are_refused() -> None:
    with pytest.raises(ExtractionError, match="doc-7: the text is empty"):
        check_document(Document("doc-7", " \n "), 100)
    with pytest.raises(ExtractionError, match="exceed the limit of 10"):
        check_document(Document("d", "x" * 11), 10)


def test_invalid_utf8_names_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "in.txt"
    f.write_bytes(b"fine line\nsecond \xff line\n")
    with pytest.raises(ExtractionError, match=r"in.txt:2: invalid UTF-8"):
        read_documents(f)
    f = tmp_path / "in.jsonl"
    f.write_bytes(b'{"id": "a", "text": "fine"}\n{"id": "b", "text": "bad \xff"}\n')
    docs, skipped = read_documents(f)
    assert docs == [Document("a", "fine")]
    assert skipped == [f"{f}:2: invalid UTF-8 at byte 25 of the line"]


def test_a_bad_jsonl_line_is_skipped_with_its_line_and_the_rest_read(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(
        '{"id": "a", "text": "Aspirin caused bleeding."}\n\n{"id": "b"}\nnot json\n'
        '{"id": true, "text": "x"}\n{"id": 7, "text": "x"}\n'
    )
    docs, skipped = read_documents(f)
    assert docs == [Document("a", "Aspirin caused bleeding."), Document("7", "x")]
    assert [s.split(": ")[0] for s in skipped] == [f"{f}:3", f"{f}:4", f"{f}:5"]
    assert "field 'text'" in skipped[0] and "field 'id'" in skipped[2]


def test_a_file_with_no_document_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text('{"id": "b"}\n')
    with pytest.raises(ExtractionError, match=r"no document to read; .*in.jsonl:1: field 'text'"):
        read_documents(f)
    with pytest.raises(ExtractionError, match=r"expected a \.txt or \.jsonl"):
        (tmp_path / "x.csv").write_text("a")
        read_documents(tmp_path / "x.csv")


def test_drug_ids_and_exact_hpo_links() -> None:
    assert drug_node(" Cisplatin ").id == drug_node("cisplatin").id == "DRUG:cisplatin"
    assert normalize("5-FU") == "5-fu"
    linker = HpoLinker([HpoTerm("HP:0000365", "Hearing impairment", ("Deafness",))], encode=None)
    exact, unlinked = linker.link_many(["deafness", "ototoxicity"])
    assert (exact.node.id, exact.method) == ("HP:0000365", "exact")
    assert (unlinked.node.id, unlinked.method) == ("AE:ototoxicity", "unlinked")
