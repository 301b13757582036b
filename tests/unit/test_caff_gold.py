"""Gold labels and template answers on a hand-checked candidate subgraph."""

from __future__ import annotations

from retrieval.bfs import Triple, first_reached
from retrieval.caff.qa import follow, gold_labels

# Gene G causes diseases D1 and D2; D1 has phenotypes P1, P2; D2 has P2; D1 is a subclass of C;
# G is also directly associated with phenotype P1 (a shortcut of length 1).
HOPS = [
    [
        Triple(1, "G", "CAUSES>", "D1"),
        Triple(1, "G", "CAUSES>", "D2"),
        Triple(1, "G", "HAS_PHENOTYPE>", "P1"),
    ],
    [
        Triple(2, "D1", "HAS_PHENOTYPE>", "P1"),
        Triple(2, "D1", "HAS_PHENOTYPE>", "P2"),
        Triple(2, "D1", "SUBCLASS_OF>", "C"),
        Triple(2, "D2", "HAS_PHENOTYPE>", "P2"),
        Triple(2, "P1", "HAS_PHENOTYPE<", "D1"),
    ],
    [Triple(3, "P2", "HAS_PHENOTYPE<", "D3")],
]


def test_follow_takes_the_template_path_inside_the_candidates() -> None:
    assert follow(("CAUSES>", "HAS_PHENOTYPE>"), HOPS, "G") == {"P1", "P2"}
    assert follow(("CAUSES>",), HOPS, "G") == {"D1", "D2"}


def test_gold_marks_every_shortest_path_and_only_those() -> None:
    labels = gold_labels(HOPS, "G", {"P1", "P2"})
    # P1 is one hop away through the shortcut, so only that triple leads to it;
    # P2 is two hops away through D1 and through D2: both paths are gold.
    assert labels[0] == [1, 1, 1]
    assert labels[1] == [0, 1, 0, 1, 0]
    assert labels[2] == [0]


def test_unreachable_answer_labels_nothing() -> None:
    assert gold_labels(HOPS, "G", {"X"}) == [[0, 0, 0], [0, 0, 0, 0, 0], [0]]


def test_first_reached_keeps_order_and_skips_visited() -> None:
    assert first_reached(HOPS[1], {"G", "D1", "D2", "P1"}) == ["P2", "C"]


def test_triple_statement_restores_the_stored_direction() -> None:
    assert Triple(2, "P1", "HAS_PHENOTYPE<", "D1").statement == ("D1", "HAS_PHENOTYPE", "P1")
    assert Triple(1, "G", "CAUSES>", "D1").statement == ("G", "CAUSES", "D1")
