"""The QA benchmark's question wordings: several per template, drawn per question without
moving anything else, and none of bench/qa_recall.py's held-out wordings among them."""

from __future__ import annotations

from bench.qa_recall import PARAPHRASES, UNSEEN
from retrieval.caff.qa import wording
from retrieval.caff.templates import TEMPLATES


def test_every_template_has_several_distinct_wordings_naming_the_seed() -> None:
    for tpl in TEMPLATES:
        assert len(set(tpl.texts)) == len(tpl.texts) >= 4, tpl.name
        assert all(t.count("{name}") == 1 for t in tpl.texts), tpl.name


def test_the_wording_is_drawn_per_question_and_is_stable() -> None:
    tpl = TEMPLATES[0]
    drawn = {wording(tpl, 13, f"OMIM:{i}") for i in range(200)}
    assert drawn == set(tpl.texts)
    assert wording(tpl, 13, "OMIM:154700") == wording(tpl, 13, "OMIM:154700")


def test_the_held_out_wordings_are_never_trained_on() -> None:
    trained = {t.lower() for tpl in TEMPLATES for t in tpl.texts}
    for held_out in (PARAPHRASES, UNSEEN):
        assert set(held_out) == {tpl.name for tpl in TEMPLATES}
        assert not {p.lower() for p in held_out.values()} & trained
