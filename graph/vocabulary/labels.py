"""Node labels: the allow-list the Cypher receives, each with its Biolink categories.

`category` is what a node of the label is written with (curated nodes and extractors alike,
unless an extractor knows better, as BioRED's DiseaseOrPhenotypicFeature mentions do);
`categories` is every category a node with that label may carry, which the KGX import and
the validator check. AdverseEvent has no Biolink class of its own: an adverse event is a
disease or phenotypic feature."""

from __future__ import annotations

from enum import StrEnum


class NodeLabel(StrEnum):
    # The order is the tie-break of CATEGORY_LABEL: the first label listing a category wins.
    DISEASE = "Disease"
    PHENOTYPIC_FEATURE = "PhenotypicFeature"
    GENE = "Gene"
    DRUG = "Drug"
    ADVERSE_EVENT = "AdverseEvent"
    CHEMICAL_ENTITY = "ChemicalEntity"
    SEQUENCE_VARIANT = "SequenceVariant"
    ORGANISM_TAXON = "OrganismTaxon"
    CELL_LINE = "CellLine"
    DEVICE = "Device"
    DEVICE_REPORT = "DeviceReport"

    @property
    def category(self) -> str:
        return _CATEGORY.get(self, "biolink:" + self.value)

    @property
    def categories(self) -> frozenset[str]:
        return _CATEGORIES[self]


# Labels whose category is not "biolink:" + the label.
_CATEGORY = {
    NodeLabel.ADVERSE_EVENT: "biolink:PhenotypicFeature",
    NodeLabel.DEVICE_REPORT: "biolink:InformationContentEntity",
}

_CATEGORIES: dict[NodeLabel, frozenset[str]] = {
    NodeLabel.DISEASE: frozenset({"biolink:Disease"}),
    NodeLabel.PHENOTYPIC_FEATURE: frozenset(
        {"biolink:PhenotypicFeature", "biolink:ClinicalFinding"}
    ),
    NodeLabel.GENE: frozenset({"biolink:Gene"}),
    NodeLabel.DRUG: frozenset({"biolink:Drug", "biolink:SmallMolecule", "biolink:ChemicalEntity"}),
    NodeLabel.ADVERSE_EVENT: frozenset(
        {
            "biolink:PhenotypicFeature",
            "biolink:Disease",
            "biolink:DiseaseOrPhenotypicFeature",
            "biolink:ClinicalFinding",
        }
    ),
    NodeLabel.CHEMICAL_ENTITY: frozenset(
        {"biolink:ChemicalEntity", "biolink:SmallMolecule", "biolink:MolecularEntity"}
    ),
    NodeLabel.SEQUENCE_VARIANT: frozenset({"biolink:SequenceVariant"}),
    NodeLabel.ORGANISM_TAXON: frozenset({"biolink:OrganismTaxon"}),
    NodeLabel.CELL_LINE: frozenset({"biolink:CellLine"}),
    NodeLabel.DEVICE: frozenset({"biolink:Device"}),
    NodeLabel.DEVICE_REPORT: frozenset({"biolink:InformationContentEntity", "biolink:Publication"}),
}

# Label name -> the categories a node with that label may carry.
LABEL_CATEGORIES: dict[str, frozenset[str]] = {label.value: label.categories for label in NodeLabel}

# The label a category gets when a KGX file names no label (first label listing it).
CATEGORY_LABEL: dict[str, str] = {}
for _label in NodeLabel:
    for _cat in sorted(_label.categories):
        CATEGORY_LABEL.setdefault(_cat, _label.value)
