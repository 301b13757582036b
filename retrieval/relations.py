"""The relation vocabulary of retrieval: a relationship type read in one direction.

A key is TYPE + '!' when negated + '>' (read subject -> object) or '<' (read backwards),
e.g. 'CAUSES<' is 'is caused by'. Each key is verbalized for the frozen encoder, with the
phrases of the graph's vocabulary (graph/vocabulary/relations.py)."""

from __future__ import annotations

from dataclasses import dataclass

from graph.vocabulary import relation_phrases


@dataclass(frozen=True)
class Relation:
    key: str
    type: str
    negated: bool
    forward: bool
    count: int

    @property
    def text(self) -> str:
        fwd, back = relation_phrases(self.type)
        phrase = fwd if self.forward else back
        return _negate(phrase) if self.negated else phrase


def _negate(phrase: str) -> str:
    if phrase.startswith("has "):
        return "does not have " + phrase[4:]
    if phrase.startswith("is "):
        return "is not " + phrase[3:]
    return "not " + phrase


def relation_key(rel_type: str, negated: bool, forward: bool) -> str:
    return f"{rel_type}{'!' if negated else ''}{'>' if forward else '<'}"


def parse_key(key: str) -> tuple[str, bool, bool]:
    """'HAS_PHENOTYPE!<' -> ('HAS_PHENOTYPE', negated=True, forward=False)."""
    forward = key.endswith(">")
    body = key[:-1]
    negated = body.endswith("!")
    return body.rstrip("!"), negated, forward


def vocabulary(counts: list[dict[str, object]], min_freq: int) -> list[Relation]:
    """Both directions of every (type, negation) seen at least `min_freq` times, sorted."""
    out: list[Relation] = []
    for row in counts:
        n = int(str(row["count"]))
        if n < min_freq:
            continue
        for forward in (True, False):
            t, neg = str(row["type"]), bool(row["negated"])
            out.append(Relation(relation_key(t, neg, forward), t, neg, forward, n))
    return sorted(out, key=lambda r: r.key)
