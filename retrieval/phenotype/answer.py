"""Phenotype input of the evidence service: the patient's terms from the request (lists of
HPO ids or names, a GA4GH phenopacket, or names in the question), and the evidence answer
built from a ranking (its explanation paths are the retained, cited triples)."""

from __future__ import annotations

from typing import Any

from core.exceptions import RetrievalError
from graph.vocabulary import NodeLabel, RelType
from retrieval.phenotype.phenopacket import parse_phenopacket
from retrieval.phenotype.ranker import PhenotypeRanker
from retrieval.phenotype.resolve import Resolved, mentions, resolve, resolve_one

MIN_TEXT_PHENOTYPES = 2  # a question naming fewer phenotypes is not a patient description


def from_request(
    ranker: PhenotypeRanker,
    phenotypes: list[str] | None,
    excluded: list[str] | None,
    phenopacket: dict[str, Any] | None,
) -> Resolved | None:
    """The patient's terms, or None when the request brings none. HPO ids the graph's release
    cannot use are left out with a note; RetrievalError names the field of a name that is no
    HPO term, a bad phenopacket, a request left with no observed term, or a term both seen
    and not."""
    if not phenotypes and not excluded and phenopacket is None:
        return None
    onto = ranker.kb.onto
    r = resolve(onto, phenotypes or [], excluded or [])
    if phenopacket is not None:
        _add_packet(ranker, r, phenopacket)
    if not r.observed:
        why = f"; left out: {'; '.join(r.left_out)}" if r.left_out else ""
        raise RetrievalError(
            "phenotypes: no observed phenotype known to the graph's HPO release given "
            f"(excluded ones alone cannot rank diseases){why}"
        )
    both = set(r.observed) & set(r.excluded)
    if both:
        shown = ", ".join(onto.ids[t] for t in sorted(both))
        raise RetrievalError(f"excluded_phenotypes: {shown} given as both observed and excluded")
    return r


def _add_packet(ranker: PhenotypeRanker, r: Resolved, obj: dict[str, Any]) -> None:
    """A phenopacket's terms; terms newer than the graph's HPO release are left out with a
    note (a real packet often has a few), but it must keep one observed term."""
    case = parse_phenopacket(obj, "phenopacket")
    onto = ranker.kb.onto
    kept = 0
    for ids, target, kind in (
        (case.observed, r.observed, "observed"),
        (case.excluded, r.excluded, "excluded"),
    ):
        for tid in ids:
            try:
                t = resolve_one(onto, tid, f"phenopacket.phenotypicFeatures[{tid}]", r.notes)
            except RetrievalError as e:
                r.leave_out(e)
                continue
            if t not in target:
                target.append(t)
                r.given.setdefault(t, case.labels.get(tid) or tid)
            kept += kind == "observed"
    if not kept:
        raise RetrievalError(
            "phenopacket.phenotypicFeatures: no observed phenotype known to the graph's HPO release"
        )


def from_question(ranker: PhenotypeRanker, question: str) -> Resolved | None:
    """The phenotypes a free-text question names, when it names at least two."""
    found = mentions(ranker.kb.onto, question)
    if len(found.observed) < MIN_TEXT_PHENOTYPES:
        return None
    onto = ranker.kb.onto
    seen = ", ".join(f"{found.given[t]!r} -> {onto.ids[t]}" for t in found.observed)
    note = f"phenotypes linked from the question: {seen}"
    if found.excluded:
        absent = ", ".join(f"{found.given[t]!r} -> {onto.ids[t]}" for t in found.excluded)
        note += f"; excluded: {absent}"
    found.notes.append(note)
    return found


def cited_triples(ranking: list[dict[str, Any]], limit: int = 200) -> list[dict[str, Any]]:
    """The has_phenotype statements that explain the ranked diseases, with provenance."""
    out: list[dict[str, Any]] = []
    for entry in ranking:
        for ex in entry["explained"]:
            last = ex["path"][-1]
            out.append(
                {
                    "subject": {
                        "id": last["subject"],
                        "name": entry["name"],
                        "category": entry["category"],
                    },
                    "predicate": RelType.HAS_PHENOTYPE.predicate,
                    "relation": RelType.HAS_PHENOTYPE.value,
                    "negated": False,
                    "object": {
                        "id": ex["annotation"]["id"],
                        "name": ex["annotation"]["name"],
                        "category": NodeLabel.PHENOTYPIC_FEATURE.category,
                    },
                    "head": entry["id"],
                    "tail": ex["annotation"]["id"],
                    "score": entry["score"],
                    "provenance": {
                        "sources": ex["sources"],
                        "publications": ex["publications"],
                        "frequency": ex["frequency"],
                    },
                }
            )
            if len(out) >= limit:
                return out
    return out


def seeds_of(ranked: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": p["id"],
            "name": p["name"],
            "category": NodeLabel.PHENOTYPIC_FEATURE.category,
            "match": "phenotype",
            "score": 1.0,
        }
        for p in ranked["phenotypes"]
    ]


def ranking_fields(ranked: dict[str, Any]) -> dict[str, Any]:
    """The answer's phenotype fields."""
    return {
        "ranking": ranked["ranking"],
        "gene_ranking": ranked["gene_ranking"],
        "phenotypes": ranked["phenotypes"],
        "excluded_phenotypes": ranked["excluded_phenotypes"],
        "notes": ranked["notes"],
    }


def answer(question: str, ranked: dict[str, Any], model: dict[str, Any]) -> dict[str, Any]:
    """A whole evidence answer from a ranking alone (no question BFS)."""
    triples = cited_triples(ranked["ranking"])
    return {
        "question": question,
        "seeds": seeds_of(ranked),
        "hops": [{"hop": 1, "triples": triples}],
        "paths": [ex["path"] for e in ranked["ranking"] for ex in e["explained"]][:50],
        "model": model,
        **ranking_fields(ranked),
        "timings_ms": ranked["timings_ms"],
    }
