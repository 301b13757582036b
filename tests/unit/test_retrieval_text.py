from __future__ import annotations

from retrieval.linking import CURIE, Seed, _drop_nested, _mentions
from retrieval.relations import Relation, parse_key, relation_key, vocabulary


def test_relation_keys_round_trip_and_read_both_ways() -> None:
    assert relation_key("HAS_PHENOTYPE", True, False) == "HAS_PHENOTYPE!<"
    assert parse_key("HAS_PHENOTYPE!<") == ("HAS_PHENOTYPE", True, False)
    assert Relation("CAUSES<", "CAUSES", False, False, 1).text == "is caused by"
    assert Relation("HAS_PHENOTYPE!>", "HAS_PHENOTYPE", True, True, 1).text == (
        "does not have phenotype"
    )
    assert Relation("X_Y>", "X_Y", False, True, 1).text == "x y"


def test_vocabulary_drops_rare_relations_and_keeps_both_directions() -> None:
    rows = [
        {"type": "CAUSES", "negated": False, "count": 100},
        {"type": "CLOSE_MATCH", "negated": False, "count": 3},
    ]
    assert [r.key for r in vocabulary(rows, 50)] == ["CAUSES<", "CAUSES>"]


def test_mentions_are_whole_words_and_case_insensitive() -> None:
    q = "Which genes cause Marfan syndrome, and what about EDS?"
    assert _mentions(q, "marfan syndrome")
    assert not _mentions(q, "Marfan syndrome type 2")
    assert not _mentions(q, "arfan")  # inside a word
    assert not _mentions(q, "ED")  # too short to trust


def test_longer_mentions_win_and_exact_beats_synonym() -> None:
    seeds = [
        Seed("A", "Marfan syndrome", "", "exact", 1.0, "Marfan syndrome"),
        Seed("B", "Marfan syndrome type 1", "", "exact", 1.0, "Marfan syndrome type 1"),
        Seed("C", "Other", "", "synonym", 1.0, "Marfan syndrome type 1"),
    ]
    assert [s.id for s in _drop_nested(seeds)] == ["B"]


def test_curies_are_found_in_text() -> None:
    found = [m.group(1) for m in CURIE.finditer("genes of ORPHA:558 and HP:0001166?")]
    assert found == ["ORPHA:558", "HP:0001166"]
