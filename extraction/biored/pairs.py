"""Candidate entity pairs of a document and their gold labels (type, novelty, direction).

A candidate is an unordered pair of normalized ids whose entity types may be related in
BioRED; it is ordered by first appearance in the text, so "first argument" and "second
argument" are well defined for the direction head."""

from __future__ import annotations

from dataclasses import dataclass

from extraction.biored.corpus import RELATION_TYPES, Document

# Entity-type combinations that carry relations in BioRED (annotation guideline; checked
# against the training file in tests/unit/test_biored_corpus.py).
ALLOWED_TYPE_PAIRS: frozenset[frozenset[str]] = frozenset(
    frozenset(p)
    for p in (
        ("ChemicalEntity", "DiseaseOrPhenotypicFeature"),
        ("ChemicalEntity", "GeneOrGeneProduct"),
        ("ChemicalEntity", "ChemicalEntity"),
        ("ChemicalEntity", "SequenceVariant"),
        ("DiseaseOrPhenotypicFeature", "GeneOrGeneProduct"),
        ("DiseaseOrPhenotypicFeature", "SequenceVariant"),
        ("GeneOrGeneProduct", "GeneOrGeneProduct"),
        ("SequenceVariant", "SequenceVariant"),
    )
)
TYPE_LABELS = ("None", *RELATION_TYPES)  # index 0: no relation
DIRECTION_LABELS = ("undirected", "first_is_subject", "second_is_subject")
SHORT_TYPE = {
    "GeneOrGeneProduct": "Gene",
    "ChemicalEntity": "Chemical",
    "DiseaseOrPhenotypicFeature": "Disease",
    "SequenceVariant": "Variant",
    "OrganismTaxon": "Species",
    "CellLine": "CellLine",
}


@dataclass(frozen=True)
class Candidate:
    pmid: str
    id1: str  # first argument (appears first in the text)
    id2: str
    type1: str
    type2: str
    rel_type: int = 0  # index into TYPE_LABELS
    novel: int = 0  # 1 = Novel (only meaningful when rel_type > 0)
    direction: int = 0  # index into DIRECTION_LABELS

    @property
    def pair_type(self) -> str:
        a, b = sorted((SHORT_TYPE[self.type1], SHORT_TYPE[self.type2]))
        return f"{a}-{b}"


def entity_order(doc: Document) -> list[str]:
    """Normalized ids in order of their first mention."""
    seen: dict[str, None] = {}
    for m in sorted(doc.mentions, key=lambda m: (m.start, m.end)):
        for i in m.ids:
            seen.setdefault(i, None)
    return list(seen)


def candidates(doc: Document) -> list[Candidate]:
    """Every allowed pair of the document, labelled from its gold relations (if any)."""
    types = doc.entity_types()
    order = entity_order(doc)
    gold = {frozenset((r.id1, r.id2)): r for r in doc.relations}
    out: list[Candidate] = []
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            if frozenset((types[a], types[b])) not in ALLOWED_TYPE_PAIRS:
                continue
            r = gold.get(frozenset((a, b)))
            if r is None:
                out.append(Candidate(doc.pmid, a, b, types[a], types[b]))
                continue
            direction = 0 if r.subject is None else (1 if r.subject == a else 2)
            rel = TYPE_LABELS.index(r.type)
            out.append(Candidate(doc.pmid, a, b, types[a], types[b], rel, int(r.novel), direction))
    return out
