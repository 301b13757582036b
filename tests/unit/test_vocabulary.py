"""The graph's vocabulary (graph/vocabulary/) and the shared HPO term reader."""

from __future__ import annotations

from pathlib import Path

from graph.hpo_terms import HpoTerm, terms_from_obo
from graph.vocabulary import (
    CATEGORY_LABEL,
    CURATED_RELS,
    SOURCE_INFORES,
    NodeLabel,
    RelType,
    relation_phrases,
)
from ingest.hpo import parse_obo

OBO = Path(__file__).resolve().parents[1] / "data" / "hpo" / "hp.obo"


def test_sources_and_infores() -> None:
    assert SOURCE_INFORES == {
        "hpo": "infores:hpo",
        "hpoa": "infores:hpo-annotations",
        "orphanet": "infores:orphanet",
        "omim": "infores:omim",
        "hpoa_supplement": "infores:hpo-annotations",  # a newer release of the same
    }


def test_each_label_is_written_with_a_category_it_accepts() -> None:
    for label in NodeLabel:
        assert label.category in label.categories, label
    assert NodeLabel.DISEASE.category == "biolink:Disease"
    assert NodeLabel.ADVERSE_EVENT.category == "biolink:PhenotypicFeature"
    assert NodeLabel.DEVICE_REPORT.category == "biolink:InformationContentEntity"


def test_a_category_without_a_label_gets_the_first_label_listing_it() -> None:
    assert CATEGORY_LABEL["biolink:PhenotypicFeature"] == "PhenotypicFeature"
    assert CATEGORY_LABEL["biolink:ChemicalEntity"] == "Drug"
    assert CATEGORY_LABEL["biolink:DiseaseOrPhenotypicFeature"] == "AdverseEvent"


def test_each_curated_predicate_names_one_curated_type() -> None:
    predicates = [r.predicate for r in CURATED_RELS]
    assert len(set(predicates)) == len(predicates) == 10
    assert RelType.ASSOCIATED_WITH.predicate == "biolink:gene_associated_with_condition"
    # An extracted type may share a curated predicate; it is not curated.
    assert RelType.CAUSES_ADVERSE_EVENT.predicate == RelType.CAUSES.predicate
    assert not RelType.CAUSES_ADVERSE_EVENT.curated


def test_phrases_of_listed_named_and_unknown_types() -> None:
    assert RelType.CAUSES.phrases == ("causes", "is caused by")
    assert RelType.BIND.phrases == ("bind", "is the object of bind")
    assert relation_phrases("SOME_NEW_TYPE") == ("some new type", "is the object of some new type")


def test_obo_terms_are_the_live_terms_ingest_reads() -> None:
    nodes = [n for n in parse_obo(OBO).nodes if not n.props.get("obsolete")]
    terms = terms_from_obo(OBO)
    assert terms == [HpoTerm(n.id, n.name or n.id, n.synonyms) for n in nodes]
    assert len(terms) < len(parse_obo(OBO).nodes)  # the fixture has obsolete terms
    assert any(t.synonyms for t in terms)


def test_every_relationship_type_has_a_biolink_predicate_rule() -> None:
    """`evigraph validate` knows every predicate the graph writes (BioRED's Cotreatment,
    biolink:coexists_with, was reported as an unknown predicate)."""
    from interop.biolink import PREDICATES

    missing = {t.value: t.predicate for t in RelType if t.predicate not in PREDICATES}
    assert missing == {}
