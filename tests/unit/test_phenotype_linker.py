from __future__ import annotations

from extraction.phenotype_linker import PhenotypeLinker
from graph.hpo_terms import HpoTerm

TERMS = [
    HpoTerm("HP:0012531", "Pain"),
    HpoTerm("HP:0002027", "Abdominal pain", ("Stomach ache", "Pain in abdomen")),
    HpoTerm("HP:0100658", "Cellulitis"),
    HpoTerm("HP:0000001", "All"),
    HpoTerm("HP:9999999", "Ra"),
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
