"""Question templates of the QA benchmark: real 1- to 3-hop relation paths of the graph."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    name: str
    path: tuple[str, ...]  # relation keys followed from the seed, one per hop
    text: str  # formatted with the seed's name

    @property
    def hops(self) -> int:
        return len(self.path)

    @property
    def seed_relation(self) -> tuple[str, bool]:
        """(type, outgoing) of the first step: seeds are sampled among entities that have it."""
        key = self.path[0]
        return key[:-1], key.endswith(">")


TEMPLATES: tuple[Template, ...] = (
    Template("phenotypes", ("HAS_PHENOTYPE>",), "What are the phenotypic features of {name}?"),
    Template("parents", ("SUBCLASS_OF>",), "Which broader classes does {name} belong to?"),
    Template("gene_diseases", ("CAUSES>",), "Which diseases are caused by mutations in {name}?"),
    Template(
        "gene_disease_phenotypes",
        ("CAUSES>", "HAS_PHENOTYPE>"),
        "Which phenotypes are seen in the diseases caused by {name}?",
    ),
    Template(
        "phenotype_disease_genes",
        ("HAS_PHENOTYPE<", "CAUSES<"),
        "Which genes cause diseases that present with {name}?",
    ),
    Template(
        "gene_disease_inheritance",
        ("CAUSES>", "HAS_MODE_OF_INHERITANCE>"),
        "How are the diseases caused by {name} inherited?",
    ),
    Template(
        "grandparents",
        ("SUBCLASS_OF>", "SUBCLASS_OF>"),
        "Which classes lie two levels above {name} in the classification?",
    ),
    Template(
        "disease_gene_diseases",
        ("CAUSES<", "CAUSES>"),
        "Which other diseases are caused by the genes that cause {name}?",
    ),
    Template(
        "sibling_genes",
        ("SUBCLASS_OF>", "SUBCLASS_OF<", "CAUSES<"),
        "Which genes cause the other diseases in the same group as {name}?",
    ),
    Template(
        "phenotype_gene_inheritance",
        ("HAS_PHENOTYPE<", "CAUSES>", "HAS_MODE_OF_INHERITANCE>"),
        "What modes of inheritance have the diseases caused by genes associated with {name}?",
    ),
    Template(
        "disease_gene_disease_phenotypes",
        ("CAUSES<", "CAUSES>", "HAS_PHENOTYPE>"),
        "Which phenotypes occur in the other diseases caused by the genes behind {name}?",
    ),
)
