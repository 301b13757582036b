"""Why a disease ranks where it does: for each observed term, the annotation that matches
it and the subclass_of path between them, with the annotation's frequency and provenance;
the excluded terms that count against it; the observed terms it leaves unexplained."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from graph.vocabulary import RelType
from retrieval.phenotype.kb import Annotation, PhenotypeKB
from retrieval.phenotype.score import Scores

_SUBCLASS_OF = RelType.SUBCLASS_OF.predicate

MIN_IC = 1.0  # a match through a near-root class (organ system) explains nothing


def _ref(kb: PhenotypeKB, t: int) -> dict[str, str]:
    return {"id": kb.onto.ids[t], "name": kb.onto.names[t]}


def _path(kb: PhenotypeKB, q: int, via: int, ann: Annotation) -> list[dict[str, str]]:
    """patient term -subclass_of-> ... common ancestor <-subclass_of- ... annotated term
    <-has_phenotype- disease, as triples."""
    onto = kb.onto
    up = onto.path_up(q, via)
    down = onto.path_up(ann.term, via)
    triples = [
        {"subject": onto.ids[a], "predicate": _SUBCLASS_OF, "object": onto.ids[b]}
        for a, b in pairwise(up)
    ]
    triples += [
        {"subject": onto.ids[a], "predicate": _SUBCLASS_OF, "object": onto.ids[b]}
        for a, b in pairwise(down)
    ]
    triples.append(
        {
            "subject": ann.source_id,
            "predicate": RelType.HAS_PHENOTYPE.predicate,
            "object": onto.ids[ann.term],
        }
    )
    return triples


def _explained(kb: PhenotypeKB, s: Scores, e: int, row: int, q: int) -> dict[str, Any] | None:
    under = kb.best_under(e)
    for a in kb.ranked_ancestors(q):  # most informative first, then most specific
        if kb.ic[a] < MIN_IC and a != q:
            return None
        ann = under.get(a)
        if ann is None:
            continue
        return {
            "phenotype": _ref(kb, q),
            "annotation": _ref(kb, ann.term),
            "via": _ref(kb, a),
            "match": "exact" if a == q else "shared ancestor",
            "ic": round(float(s.best_ic[row, e]), 3),
            "frequency": ann.frequency,
            "path": _path(kb, q, a, ann),
            "sources": list(ann.sources),
            "publications": list(ann.publications)[:10],
        }
    return None


def explain_entry(kb: PhenotypeKB, s: Scores, e: int) -> dict[str, Any]:
    explained, unexplained = [], []
    for row, q in enumerate(s.observed):
        got = _explained(kb, s, e, row, int(q))
        if got is None:
            unexplained.append(_ref(kb, int(q)))
        else:
            explained.append(got)
    hits: list[dict[str, Any]] = []
    under = kb.best_under(e)
    for x in s.excluded:
        ann = under.get(int(x))
        if ann is not None:
            hits.append(
                {
                    "phenotype": _ref(kb, int(x)),
                    "annotation": _ref(kb, ann.term),
                    "frequency": ann.frequency,
                    "sources": list(ann.sources),
                    "publications": list(ann.publications)[:10],
                }
            )
    for q in s.observed:
        for a in kb.onto.ancestors(int(q)):
            neg = kb.negated.get(int(a))
            if neg is not None and e in neg:
                hits.append(
                    {
                        "phenotype": _ref(kb, int(q)),
                        "annotation": _ref(kb, int(a)),
                        "negated": True,
                        "frequency": 0.0,
                    }
                )
    return {"explained": explained, "excluded_hits": hits, "unexplained": unexplained}
