"""The full-text query for entity search, built from the words of the user's text.

Only word characters reach Lucene, lower-cased, so no user text can inject Lucene syntax
(operators, fields, wildcards, fuzzy or regex terms)."""

from __future__ import annotations

import re

MAX_TERMS = 12
_WORD = re.compile(r"[^\W_]+")


def terms(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)][:MAX_TERMS]


def build(text: str) -> str | None:
    """A Lucene query ranking the whole phrase, then all words (the last as a prefix, for
    type-ahead), then any word; None when the text has no word to search for."""
    words = terms(text)
    if not words:
        return None
    last = words[-1] + "*" if len(words[-1]) >= 3 else words[-1]
    every = " AND ".join([*words[:-1], last])
    parts = [f"({every})^2", *words]
    if len(words) > 1:
        parts.insert(0, '"' + " ".join(words) + '"^4')
    return " OR ".join(parts)
