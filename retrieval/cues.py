"""Relation cues: the kinds of answer a question's words ask for, read as a path from its seed.

The learnt hop scorer reads a question through one sentence embedding, and a wording it was
not trained on can score the right relation below the hop's threshold (bench/qa_recall.py:
"Which other diseases share a gene with X?" kept about 1 answer in 6). The graph has a handful
of relation kinds, and the words that ask for them are few: genes, diseases, phenotypes
(symptoms, signs, features), inheritance, broader classes. A question names them in an order
that gives the path from the seed: the cues before the seed's mention read backwards, then those
after it forwards ("Which genes cause diseases that present with <X>?": X -> diseases ->
genes; "How are the diseases caused by <X> inherited?": X -> diseases -> inheritance).

The evidence service keeps, at hop i, the candidates that follow cue i from the entities the
cue path reached at hop i-1, besides what the scorer keeps (retrieval/service.py). Cues only
add triples on the path the question spells out; a question without cue words is the scorer's
alone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from graph.vocabulary import NodeLabel, RelType
from retrieval.candidates import HopCandidates
from retrieval.relations import parse_key

# Relations that never answer a "which genes / diseases" question: ontology structure and
# cross-scheme mappings.
_STRUCTURAL = frozenset(
    {
        RelType.SUBCLASS_OF.value,
        RelType.EXACT_MATCH.value,
        RelType.BROAD_MATCH.value,
        RelType.NARROW_MATCH.value,
        RelType.CLOSE_MATCH.value,
    }
)


@dataclass(frozen=True)
class Cue:
    name: str
    words: re.Pattern[str]
    relation: str | None = None  # the relationship type it follows (None: any not structural)
    forward: bool | None = None  # its direction (None: either)
    category: str | None = None  # the category of the entities it reaches
    kind_word: bool = False  # a noun for a kind of entity: "the gene FBN1" names the seed's kind

    def accepts(self, key: str, tail_category: str | None) -> bool:
        """Whether a candidate of relation `key` reaching a `tail_category` entity follows it."""
        rel, negated, forward = parse_key(key)
        if negated:
            return False
        if self.relation is None and rel in _STRUCTURAL:
            return False
        if self.relation is not None and rel != self.relation:
            return False
        if self.forward is not None and forward != self.forward:
            return False
        return self.category is None or tail_category == self.category


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)


CUES: tuple[Cue, ...] = (
    Cue(
        "gene",
        _words(r"genes?|genetic causes?"),
        category=NodeLabel.GENE.category,
        kind_word=True,
    ),
    Cue(
        "disease",
        _words(r"diseases?|disorders?|conditions?|syndromes?|illness(?:es)?|allelic"),
        category=NodeLabel.DISEASE.category,
        kind_word=True,
    ),
    Cue(
        "phenotype",
        _words(
            r"phenotyp\w*|symptoms?|signs?|features?|manifestations?|abnormalit(?:y|ies)|"
            r"findings?|present(?:s|ing)?|presentation"
        ),
        relation=RelType.HAS_PHENOTYPE.value,
        forward=True,
    ),
    Cue(
        "inheritance",
        _words(r"inherit\w*|inheritance|dominant|recessive|x-linked|passed on|transmi\w+"),
        relation=RelType.HAS_MODE_OF_INHERITANCE.value,
        forward=True,
    ),
    Cue(
        "class",
        _words(r"class\w*|categor(?:y|ies)|groups?|subtypes?|kinds?|broader|parents?|belongs?"),
        relation=RelType.SUBCLASS_OF.value,
        forward=True,
    ),
)


def cue_path(question: str, seed_names: Sequence[str], max_len: int) -> list[Cue]:
    """The cues of `question` in path order from its seed (at most `max_len`). The seeds' own
    names are not read for cues ("Marfan syndrome" asks for no disease), nor is a cue word
    that only describes the seed ("the gene FBN1", "the FBN1 gene")."""
    text, spans = _blank_names(question, seed_names)
    found = sorted(
        ((m.start(), m.end(), cue) for cue in CUES for m in cue.words.finditer(text)),
        key=lambda f: f[0],
    )
    if not spans:  # the seed is not named as such (a synonym): read the question backwards
        return _dedupe([c for _, _, c in found][::-1])[:max_len]
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    before = [c for _, to, c in found if to <= start and not _names(c, text[to:start])]
    after = [(at, c) for at, _, c in found if at >= end and not _names(c, text[end:at])]
    first: list[Cue] = []
    if after and after[0][1].kind_word and _LINKED.fullmatch(text[end : after[0][0]]):
        first = [after.pop(0)[1]]  # "features of <gene>-related disorders": disorders first
    return (_dedupe(first + before[::-1]) + _dedupe([c for _, c in after]))[:max_len]


# What may stand between a cue word and the seed's name when the word describes the seed.
_SEED_WORD = re.compile(r"\s*(?:the|a|an)?\s*", re.IGNORECASE)


# A kind word joined to the seed's name this way is the path's first step.
_LINKED = re.compile(r"\s*-?\s*(?:related|associated|linked|caused|induced)\s*", re.IGNORECASE)


def _names(cue: Cue, between: str) -> bool:
    """Whether `cue`, `between` characters away from the seed's name, names the seed's kind."""
    return cue.kind_word and _SEED_WORD.fullmatch(between) is not None


def _blank_names(question: str, seed_names: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """The question with each seed name found in it blanked out, and where they were."""
    text, spans = question, []
    for name in sorted({n for n in seed_names if n}, key=len, reverse=True):
        at = text.lower().find(name.lower())
        if at >= 0:
            spans.append((at, at + len(name)))
            text = text[:at] + " " * len(name) + text[at + len(name) :]
    return text, spans


def _dedupe(cues: list[Cue]) -> list[Cue]:
    """Runs of one cue as one ("diseases or disorders")."""
    out: list[Cue] = []
    for cue in cues:
        if not out or out[-1] is not cue:
            out.append(cue)
    return out


def cue_tables(relation_keys: Sequence[str], categories: Sequence[str]) -> dict[str, np.ndarray]:
    """Per cue, (relations x categories) bool: which candidates follow it."""
    return {
        cue.name: np.array([[cue.accepts(k, c) for c in categories] for k in relation_keys])
        for cue in CUES
    }


class CueWalk:
    """One question's cue path followed through its hops' candidates: at each hop, the first
    remaining cue that some candidate from the path's last entities follows (a cue nothing
    follows there is dropped: "diseases that present with <phenotype>" has no phenotype step)."""

    def __init__(self, cues: list[Cue], seeds: set[str], tables: dict[str, np.ndarray]) -> None:
        self.cues, self.heads, self.tables = list(cues), set(seeds), tables
        self.seen = set(seeds)  # entities the path has reached: never an answer again
        self.followed: list[str] = []

    def step(self, cand: HopCandidates) -> np.ndarray:
        """(N,) bool: the hop's candidates on the path."""
        if not self.cues or not len(cand):
            return np.zeros(len(cand), dtype=bool)
        on_heads = cand.heads_in(self.heads) > 0
        on_heads &= np.fromiter((t not in self.seen for t in cand.tails), bool, len(cand))
        while self.cues:
            cue = self.cues.pop(0)
            mask: np.ndarray = self.tables[cue.name][cand.rel, cand.tail_cat] & on_heads
            if mask.any():
                self.followed.append(cue.name)
                self.heads = {cand.tails[i] for i in np.flatnonzero(mask)}
                self.seen |= self.heads
                return mask
        return np.zeros(len(cand), dtype=bool)
