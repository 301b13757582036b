"""Relation cues: the path a question's words spell out from its seed, and that path followed
through hand-built hop candidates."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from retrieval.caff.data import CATEGORIES
from retrieval.candidates import HeadBlock, HopCandidates
from retrieval.cues import CueWalk, cue_path, cue_tables

RELATIONS = [
    "CAUSES>",
    "CAUSES<",
    "HAS_PHENOTYPE>",
    "HAS_PHENOTYPE<",
    "HAS_MODE_OF_INHERITANCE>",
    "SUBCLASS_OF>",
    "SUBCLASS_OF<",
    "HAS_PHENOTYPE!>",
]
DISEASE, PHENOTYPE, GENE = "biolink:Disease", "biolink:PhenotypicFeature", "biolink:Gene"


@pytest.mark.parametrize(
    ("question", "seed", "path"),
    [
        ("What are the symptoms of Marfan syndrome?", "Marfan syndrome", ["phenotype"]),
        ("How does Marfan syndrome present clinically?", "Marfan syndrome", ["phenotype"]),
        ("Which genes cause Marfan syndrome?", "Marfan syndrome", ["gene"]),
        (
            "Which other diseases share a gene with Noonan syndrome 1?",
            "Noonan syndrome 1",
            ["gene", "disease"],
        ),
        (
            "How are the diseases caused by CAPRIN1 inherited?",
            "CAPRIN1",
            ["disease", "inheritance"],
        ),
        (
            "Which genes cause diseases that present with Arachnodactyly?",
            "Arachnodactyly",
            ["phenotype", "disease", "gene"],
        ),
        # a kind word that only names the seed's kind is no step
        ("Which disorders does the FBN1 gene cause?", "FBN1", ["disease"]),
        ("Which phenotypes are associated with the gene FBN1?", "FBN1", ["phenotype"]),
        # "<gene>-related disorders": the disorders are the first step
        (
            "What clinical features do patients with FBN1-related disorders show?",
            "FBN1",
            ["disease", "phenotype"],
        ),
        ("Is Marfan syndrome dominant or recessive?", "Marfan syndrome", ["inheritance"]),
        ("Tell me about Marfan syndrome.", "Marfan syndrome", []),
        ("", "Marfan syndrome", []),
    ],
)
def test_the_cue_path_reads_outwards_from_the_seed(
    question: str, seed: str, path: list[str]
) -> None:
    assert [c.name for c in cue_path(question, [seed], 3)] == path


def test_a_seed_named_by_a_synonym_reads_the_question_backwards() -> None:
    q = "Which diseases share a gene with MFS?"
    assert [c.name for c in cue_path(q, ["Marfan syndrome"], 3)] == ["gene", "disease"]
    assert [c.name for c in cue_path(q, ["Marfan syndrome"], 1)] == ["gene"]


def block(head: str, row: int, edges: Sequence[tuple[str, str, str]]) -> HeadBlock:
    """`edges`: (relation key, tail, tail category)."""
    return HeadBlock(
        head=head,
        head_row=row,
        rels=tuple(r for r, _, _ in edges),
        tails=tuple(t for _, t, _ in edges),
        tail_names=tuple(t for _, t, _ in edges),
        tail_categories=tuple(c for _, _, c in edges),
        rel_idx=np.array([RELATIONS.index(r) for r, _, _ in edges], dtype=np.int64),
        tail_row=np.zeros(len(edges), dtype=np.int64),
        tail_cat=np.array([CATEGORIES.index(c) for _, _, c in edges], dtype=np.int64),
    )


def test_the_walk_follows_each_cue_from_the_entities_the_last_one_reached() -> None:
    # D1 is caused by G; G also causes D2; D1's phenotype P and parent C are not on the path.
    tables = cue_tables(RELATIONS, CATEGORIES)
    walk = CueWalk(cue_path("Which diseases share a gene with D1?", ["D1"], 3), {"D1"}, tables)
    hop1 = HopCandidates(
        1,
        [
            block(
                "D1",
                0,
                [
                    ("CAUSES<", "G", GENE),
                    ("HAS_PHENOTYPE>", "P", PHENOTYPE),
                    ("SUBCLASS_OF>", "C", DISEASE),
                ],
            )
        ],
    )
    assert walk.step(hop1).tolist() == [True, False, False]
    hop2 = HopCandidates(
        2,
        [
            block("G", 1, [("CAUSES>", "D1", DISEASE), ("CAUSES>", "D2", DISEASE)]),
            block("C", 2, [("SUBCLASS_OF<", "D3", DISEASE)]),
        ],
    )
    # the seed is no answer; D3 is reached from C, which is not on the path
    assert walk.step(hop2).tolist() == [False, True, False]
    assert walk.followed == ["gene", "disease"]
    assert not walk.step(hop2).any()  # the path is spent


def test_a_cue_nothing_follows_is_dropped_and_negated_statements_never_follow() -> None:
    tables = cue_tables(RELATIONS, CATEGORIES)
    q = "Which genes cause diseases that present with P?"
    walk = CueWalk(cue_path(q, ["P"], 3), {"P"}, tables)
    hop1 = HopCandidates(
        1, [block("P", 0, [("HAS_PHENOTYPE<", "D1", DISEASE), ("SUBCLASS_OF>", "Q", PHENOTYPE)])]
    )
    assert walk.step(hop1).tolist() == [True, False]  # no phenotype step from a phenotype
    assert walk.followed == ["disease"]
    negated = CueWalk(cue_path("What are the features of D1?", ["D1"], 3), {"D1"}, tables)
    hop = HopCandidates(
        1,
        [
            block(
                "D1", 0, [("HAS_PHENOTYPE!>", "P1", PHENOTYPE), ("HAS_PHENOTYPE>", "P2", PHENOTYPE)]
            )
        ],
    )
    assert negated.step(hop).tolist() == [False, True]
