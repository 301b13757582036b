from __future__ import annotations

from api import lucene


def test_words_only_reach_lucene() -> None:
    q = lucene.build('Marfan* syndrome~ OR name:"x" AND (a')
    assert q is not None
    assert set(q) <= set('abcdefghijklmnopqrstuvwxyzANDOR0123456789 "^*()')
    assert q.startswith('"marfan syndrome or name x and a"^4 OR ')
    # The user's OR/AND became lower-case words, never operators.
    assert "(marfan AND syndrome AND or AND name" in q


def test_last_word_is_a_prefix_when_long_enough() -> None:
    assert lucene.build("marf") == "(marf*)^2 OR marf"
    assert lucene.build("ab") == "(ab)^2 OR ab"


def test_no_words_gives_none() -> None:
    assert lucene.build("*** ::: ---") is None
    assert lucene.terms("Ab_Cd") == ["ab", "cd"]
