from __future__ import annotations

from extraction.phenotype_linker import PhenotypeLinker

TERMS = [
    {"id": "HP:0012531", "name": "Pain", "synonyms": []},
    {"id": "HP:0002027", "name": "Abdominal pain", "synonyms": ["Stomach ache", "Pain in abdomen"]},
    {"id": "HP:0100658", "name": "Cellulitis", "synonyms": []},
    {"id": "HP:0000001", "name": "All", "synonyms": []},
    {"id": "HP:9999999", "name": "Ra", "synonyms": []},
]


def test_longest_match_first_with_offsets_and_match_type() -> None:
    linker = PhenotypeLinker(TERMS)
    text = "PT HAD ABDOMINAL PAIN, THEN PAIN IN ABDOMEN AND CELLULITIS. ALL RA."
    got = [(m.term_id, text[m.start : m.end], m.match) for m in linker.link(text)]
    assert got == [
        ("HP:0002027", "ABDOMINAL PAIN", "exact"),
        ("HP:0002027", "PAIN IN ABDOMEN", "synonym"),
        ("HP:0100658", "CELLULITIS", "exact"),
    ]


def test_no_partial_word_matches() -> None:
    linker = PhenotypeLinker(TERMS)
    assert linker.link("PAINFUL PAINS") == []
