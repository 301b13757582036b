"""hp.obo: the ontology as PhenotypicFeature nodes and SUBCLASS_OF edges, made of the terms
that the strict reader graph/hpo_obo.py gives."""

from __future__ import annotations

from pathlib import Path

from graph.hpo_obo import SCOPES, OboTerm, read_obo
from graph.vocabulary import NodeLabel, RelType
from ingest.rows import EdgeRow, NodeRow, ParsedFile, PropValue


def _node(term: OboTerm) -> NodeRow:
    props: dict[str, PropValue] = {}
    if term.definition:
        props["definition"] = term.definition
    for scope in SCOPES:
        texts = tuple(dict.fromkeys(text for s, text in term.synonyms if s == scope))
        if texts:
            props[f"{scope.lower()}_synonyms"] = texts
    if term.alt_ids:
        props["alt_ids"] = tuple(term.alt_ids)
    if term.obsolete:
        props["obsolete"] = True
    if term.replaced_by:
        props["replaced_by"] = term.replaced_by[0]
    # A term split in two (HP:0000535) names two replacements; the second becomes a
    # `consider` so that replaced_by stays one id.
    consider = tuple(dict.fromkeys(term.consider + term.replaced_by[1:]))
    if consider:
        props["consider"] = consider
    if term.comment:
        props["comment"] = term.comment
    return NodeRow(
        id=term.id,
        label=NodeLabel.PHENOTYPIC_FEATURE,
        name=term.name,
        synonyms=tuple(dict.fromkeys(text for _, text in term.synonyms)),
        xrefs=tuple(dict.fromkeys(term.xrefs)),
        props=props,
    )


def parse_obo(path: Path) -> ParsedFile:
    """hp.obo: one PhenotypicFeature per [Term] and a SUBCLASS_OF edge per is_a.

    Obsolete terms are kept, flagged `obsolete`, with their replaced_by/consider and no
    edges; a second replaced_by (one term in 2025-01-16) is added to consider. Empty props
    are left out. Every is_a target is a term of the file (read_obo checks it).
    """
    release, terms = read_obo(path)
    edges = [
        EdgeRow(term.id, RelType.SUBCLASS_OF, parent)
        for term in terms
        for _, parent in term.parents
    ]
    return ParsedFile(str(path), release, [_node(t) for t in terms], edges)
