"""Relationship types: the allow-list the Cypher receives, each with its one Biolink
predicate and the phrases that read it forwards (subject -> object) and backwards.

Curated types are stated by the sources ingest reads; extracted types by the extractors
(write-back). A KGX file from elsewhere names no relationship type: each curated predicate
belongs to exactly one curated type, which the import gives it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RelType(StrEnum):
    # Curated.
    SUBCLASS_OF = "SUBCLASS_OF"  # HPO is_a, Orphanet parents
    HAS_PHENOTYPE = "HAS_PHENOTYPE"  # disease or gene -> HP term
    HAS_MODE_OF_INHERITANCE = "HAS_MODE_OF_INHERITANCE"
    CAUSES = "CAUSES"  # gene -> disease
    CONTRIBUTES_TO = "CONTRIBUTES_TO"  # gene -> disease
    ASSOCIATED_WITH = "ASSOCIATED_WITH"  # gene -> disease
    EXACT_MATCH = "EXACT_MATCH"  # ORPHA -> OMIM
    BROAD_MATCH = "BROAD_MATCH"  # subject is narrower than object
    NARROW_MATCH = "NARROW_MATCH"  # subject is broader than object
    CLOSE_MATCH = "CLOSE_MATCH"  # mapping relation not decided
    # Extracted.
    CAUSES_ADVERSE_EVENT = "CAUSES_ADVERSE_EVENT"  # ADE: drug -> adverse event
    ASSOCIATION = "ASSOCIATION"  # BioRED relation types
    POSITIVE_CORRELATION = "POSITIVE_CORRELATION"
    NEGATIVE_CORRELATION = "NEGATIVE_CORRELATION"
    BIND = "BIND"
    COTREATMENT = "COTREATMENT"
    COMPARISON = "COMPARISON"
    DRUG_INTERACTION = "DRUG_INTERACTION"
    CONVERSION = "CONVERSION"
    INVOLVES_DEVICE = "INVOLVES_DEVICE"  # MAUDE: report -> device
    MENTIONS_PHENOTYPE = "MENTIONS_PHENOTYPE"  # MAUDE: report -> HP term

    @property
    def predicate(self) -> str:
        return _RELS[self].predicate

    @property
    def curated(self) -> bool:
        return _RELS[self].curated

    @property
    def phrases(self) -> tuple[str, str]:
        return relation_phrases(self.value)


@dataclass(frozen=True)
class _Rel:
    predicate: str
    curated: bool
    phrases: tuple[str, str] | None = None  # (forward, backward); None: read from the name


_R = RelType
_RELS: dict[RelType, _Rel] = {
    _R.SUBCLASS_OF: _Rel("biolink:subclass_of", True, ("is a subclass of", "has subclass")),
    _R.HAS_PHENOTYPE: _Rel("biolink:has_phenotype", True, ("has phenotype", "is a phenotype of")),
    _R.HAS_MODE_OF_INHERITANCE: _Rel(
        "biolink:has_mode_of_inheritance",
        True,
        ("has mode of inheritance", "is the mode of inheritance of"),
    ),
    _R.CAUSES: _Rel("biolink:causes", True, ("causes", "is caused by")),
    _R.CONTRIBUTES_TO: _Rel(
        "biolink:contributes_to", True, ("contributes to", "has contributing gene")
    ),
    _R.ASSOCIATED_WITH: _Rel(
        "biolink:gene_associated_with_condition",
        True,
        ("is associated with", "is associated with"),
    ),
    _R.EXACT_MATCH: _Rel(
        "biolink:exact_match", True, ("is the same concept as", "is the same concept as")
    ),
    _R.BROAD_MATCH: _Rel("biolink:broad_match", True, ("has broader match", "has narrower match")),
    _R.NARROW_MATCH: _Rel(
        "biolink:narrow_match", True, ("has narrower match", "has broader match")
    ),
    _R.CLOSE_MATCH: _Rel("biolink:close_match", True, ("closely matches", "closely matches")),
    _R.CAUSES_ADVERSE_EVENT: _Rel(
        "biolink:causes", False, ("causes adverse event", "is an adverse event of")
    ),
    _R.ASSOCIATION: _Rel("biolink:associated_with", False),
    _R.POSITIVE_CORRELATION: _Rel(
        "biolink:positively_correlated_with",
        False,
        ("positively correlates with", "positively correlates with"),
    ),
    _R.NEGATIVE_CORRELATION: _Rel(
        "biolink:negatively_correlated_with",
        False,
        ("negatively correlates with", "negatively correlates with"),
    ),
    _R.BIND: _Rel("biolink:directly_physically_interacts_with", False),
    _R.COTREATMENT: _Rel("biolink:coexists_with", False),
    _R.COMPARISON: _Rel("biolink:related_to", False),
    _R.DRUG_INTERACTION: _Rel(
        "biolink:interacts_with", False, ("interacts with drug", "interacts with drug")
    ),
    _R.CONVERSION: _Rel("biolink:affects", False),
    _R.INVOLVES_DEVICE: _Rel("biolink:related_to", False),
    _R.MENTIONS_PHENOTYPE: _Rel("biolink:mentions", False),
}

CURATED_RELS = tuple(r for r in RelType if r.curated)
_PHRASES = {r.value: rel.phrases for r, rel in _RELS.items() if rel.phrases is not None}


def relation_phrases(rel_type: str) -> tuple[str, str]:
    """(forward, backward) phrases of a relationship type, for any type the graph holds: a
    type without phrases of its own is read from its name ('BIND' -> 'bind')."""
    if rel_type in _PHRASES:
        return _PHRASES[rel_type]
    words = rel_type.lower().replace("_", " ")
    return words, f"is the object of {words}"
