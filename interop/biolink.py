"""The Biolink model rules evigraph relies on (biolink-model 4.4.6), as data.

Only the classes and predicates the graph uses are listed, with the Biolink ancestors needed
to check domain and range. Where evigraph deliberately departs from Biolink, the rule says so
in `deviation` and the validator reports it as a note, not a violation. Which categories
each node label carries is the graph's vocabulary (graph/vocabulary/labels.py)."""

from __future__ import annotations

from dataclasses import dataclass

BIOLINK_VERSION = "4.4.6"

# class -> its Biolink parents (is_a and the mixins used in domains/ranges).
CLASS_PARENTS: dict[str, tuple[str, ...]] = {
    "biolink:NamedThing": (),
    "biolink:OntologyClass": (),
    "biolink:BiologicalEntity": ("biolink:NamedThing",),
    "biolink:DiseaseOrPhenotypicFeature": ("biolink:BiologicalEntity", "biolink:OntologyClass"),
    "biolink:Disease": ("biolink:DiseaseOrPhenotypicFeature",),
    "biolink:PhenotypicFeature": ("biolink:DiseaseOrPhenotypicFeature",),
    "biolink:ClinicalFinding": ("biolink:PhenotypicFeature",),
    "biolink:GeneticInheritance": ("biolink:BiologicalEntity",),
    "biolink:Gene": ("biolink:BiologicalEntity", "biolink:OntologyClass"),
    "biolink:SequenceVariant": ("biolink:BiologicalEntity", "biolink:OntologyClass"),
    "biolink:ChemicalOrDrugOrTreatment": (),
    "biolink:ChemicalEntity": ("biolink:NamedThing", "biolink:ChemicalOrDrugOrTreatment"),
    "biolink:MolecularEntity": ("biolink:ChemicalEntity", "biolink:OntologyClass"),
    "biolink:SmallMolecule": ("biolink:MolecularEntity",),
    "biolink:MolecularMixture": ("biolink:ChemicalEntity",),
    "biolink:Drug": (
        "biolink:MolecularMixture",
        "biolink:ChemicalOrDrugOrTreatment",
        "biolink:OntologyClass",
    ),
    "biolink:OrganismTaxon": ("biolink:NamedThing",),
    "biolink:CellLine": ("biolink:NamedThing",),
    "biolink:Device": ("biolink:NamedThing",),
    "biolink:InformationContentEntity": ("biolink:NamedThing",),
    "biolink:Publication": ("biolink:InformationContentEntity",),
}

KNOWLEDGE_LEVELS = frozenset(
    {
        "knowledge_assertion",
        "logical_entailment",
        "prediction",
        "statistical_association",
        "text_co_occurrence",
        "observation",
        "not_provided",
    }
)
AGENT_TYPES = frozenset(
    {
        "manual_agent",
        "automated_agent",
        "data_analysis_pipeline",
        "computational_model",
        "text_mining_agent",
        "image_processing_agent",
        "manual_validation_of_automated_agent",
        "not_provided",
    }
)


@dataclass(frozen=True)
class PredicateRule:
    domain: str  # a Biolink class; NamedThing when Biolink leaves it open
    range: str
    deviation: str = ""  # why evigraph accepts more than Biolink does, if it does
    accepted_range: str = ""  # the range evigraph accepts instead


_ANY = "biolink:NamedThing"
PREDICATES: dict[str, PredicateRule] = {
    "biolink:subclass_of": PredicateRule("biolink:OntologyClass", "biolink:OntologyClass"),
    "biolink:has_phenotype": PredicateRule("biolink:BiologicalEntity", "biolink:PhenotypicFeature"),
    "biolink:has_mode_of_inheritance": PredicateRule(
        "biolink:DiseaseOrPhenotypicFeature",
        "biolink:GeneticInheritance",
        deviation="HPO mode-of-inheritance terms (the HP:0000005 subtree) keep the category "
        "PhenotypicFeature that the ontology gives them",
        accepted_range="biolink:PhenotypicFeature",
    ),
    "biolink:causes": PredicateRule(_ANY, _ANY),
    "biolink:contributes_to": PredicateRule(_ANY, _ANY),
    "biolink:gene_associated_with_condition": PredicateRule(
        "biolink:Gene", "biolink:DiseaseOrPhenotypicFeature"
    ),
    "biolink:exact_match": PredicateRule(_ANY, _ANY),
    "biolink:broad_match": PredicateRule(_ANY, _ANY),
    "biolink:narrow_match": PredicateRule(_ANY, _ANY),
    "biolink:close_match": PredicateRule(_ANY, _ANY),
    # Extracted statements (graph/vocabulary/relations.py).
    "biolink:has_adverse_event": PredicateRule(
        "biolink:ChemicalOrDrugOrTreatment", "biolink:DiseaseOrPhenotypicFeature"
    ),
    "biolink:associated_with": PredicateRule(_ANY, _ANY),
    "biolink:correlated_with": PredicateRule(_ANY, _ANY),
    "biolink:positively_correlated_with": PredicateRule(_ANY, _ANY),
    "biolink:negatively_correlated_with": PredicateRule(_ANY, _ANY),
    "biolink:interacts_with": PredicateRule(_ANY, _ANY),
    "biolink:coexists_with": PredicateRule(_ANY, _ANY),
    "biolink:physically_interacts_with": PredicateRule(_ANY, _ANY),
    "biolink:directly_physically_interacts_with": PredicateRule(_ANY, _ANY),
    "biolink:affects": PredicateRule(_ANY, _ANY),
    "biolink:related_to": PredicateRule(_ANY, _ANY),
    "biolink:mentions": PredicateRule(_ANY, _ANY),
    "biolink:has_part": PredicateRule(_ANY, _ANY),
}


def ancestors(category: str) -> set[str]:
    """`category` and every Biolink class above it (empty when the class is unknown)."""
    if category not in CLASS_PARENTS:
        return set()
    seen = {category}
    todo = [category]
    while todo:
        for parent in CLASS_PARENTS[todo.pop()]:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen | {"biolink:NamedThing"}


def fits(category: str, wanted: str) -> bool:
    """Whether a node of `category` may fill a slot whose domain or range is `wanted`."""
    return wanted in ancestors(category)
