"""Why a disease ranks where it does: for each observed term, the annotation that matches
it and the subclass_of path between them, with the annotation's frequency and provenance;
the excluded terms it is annotated with (`frequent`: in STRONG_FREQUENCY of its patients or
more); the observed terms it leaves unexplained."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from graph.vocabulary import RelType
from retrieval.phenotype.kb import Annotation, PhenotypeKB
from retrieval.phenotype.score import STRONG_FREQUENCY, Scores

_SUBCLASS_OF = RelType.SUBCLASS_OF.predicate
_HAS_PHENOTYPE = RelType.HAS_PHENOTYPE.predicate

MIN_IC = 1.0  # a match through a near-root class (organ system) explains nothing
MAX_CHAINS = 65536  # subclass_of chains kept as triples


class Explainer:
    """Explanations over one KB. The triples of a subclass_of chain are built once and
    shared by the answers that cite it (nothing changes them after)."""

    def __init__(self, kb: PhenotypeKB) -> None:
        self.kb = kb
        self._chains: dict[tuple[int, int], list[dict[str, str]]] = {}

    def entry(self, s: Scores, e: int) -> dict[str, Any]:
        kb = self.kb
        refs = kb.onto.refs
        under = kb.best_under(e)
        explained, unexplained = [], []
        for row, q in enumerate(s.observed.tolist()):
            got = self._explained(s, under, e, row, q)
            if got is None:
                unexplained.append(refs[q])
            else:
                explained.append(got)
        hits: list[dict[str, Any]] = []
        for x in s.excluded.tolist():
            ann = under.get(x)
            if ann is not None:
                hits.append(
                    {
                        "phenotype": refs[x],
                        "annotation": refs[ann.term],
                        "frequency": ann.frequency,
                        "frequent": (ann.frequency or 0.0) >= STRONG_FREQUENCY,
                        "sources": list(ann.sources),
                        "publications": list(ann.publications)[:10],
                    }
                )
        if s.not_hits[e] > 0:  # some observed term is annotated NOT for this entry
            hits += self._negated(s, e)
        return {"explained": explained, "excluded_hits": hits, "unexplained": unexplained}

    def _explained(
        self, s: Scores, under: dict[int, Annotation], e: int, row: int, q: int
    ) -> dict[str, Any] | None:
        kb = self.kb
        for a in kb.ranked_ancestors(q):  # most informative first, then most specific
            if kb.ic[a] < MIN_IC and a != q:
                return None
            ann = under.get(a)
            if ann is None:
                continue
            refs = kb.onto.refs
            return {
                "phenotype": refs[q],
                "annotation": refs[ann.term],
                "via": refs[a],
                "match": "exact" if a == q else "shared ancestor",
                "ic": round(float(s.best_ic[row, e]), 3),
                "frequency": ann.frequency,
                "path": self._path(q, a, ann),
                "sources": list(ann.sources),
                "publications": list(ann.publications)[:10],
            }
        return None

    def _path(self, q: int, via: int, ann: Annotation) -> list[dict[str, str]]:
        """patient term -subclass_of-> ... common ancestor <-subclass_of- ... annotated term
        <-has_phenotype- disease, as triples."""
        last = {
            "subject": ann.source_id,
            "predicate": _HAS_PHENOTYPE,
            "object": self.kb.onto.ids[ann.term],
        }
        return [*self._chain(q, via), *self._chain(ann.term, via), last]

    def _chain(self, child: int, ancestor: int) -> list[dict[str, str]]:
        got = self._chains.get((child, ancestor))
        if got is None:
            ids = self.kb.onto.ids
            got = [
                {"subject": ids[a], "predicate": _SUBCLASS_OF, "object": ids[b]}
                for a, b in pairwise(self.kb.onto.path_up(child, ancestor))
            ]
            if len(self._chains) >= MAX_CHAINS:
                self._chains.clear()
            self._chains[(child, ancestor)] = got
        return got

    def _negated(self, s: Scores, e: int) -> list[dict[str, Any]]:
        kb, refs = self.kb, self.kb.onto.refs
        out: list[dict[str, Any]] = []
        for q in s.observed.tolist():
            for a in kb.onto.ancestors(q).tolist():
                neg = kb.negated.get(a)
                if neg is not None and e in neg:
                    out.append(
                        {
                            "phenotype": refs[q],
                            "annotation": refs[a],
                            "negated": True,
                            "frequency": 0.0,
                            "frequent": False,
                        }
                    )
        return out
