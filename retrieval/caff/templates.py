"""Question templates of the QA benchmark: real 1- to 3-hop relation paths of the graph, each
asked in several wordings so the scorer learns what a question asks for rather than one
sentence per relation path (bench/qa_recall.py scores the service on wordings kept out of
this list)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    name: str
    path: tuple[str, ...]  # relation keys followed from the seed, one per hop
    texts: tuple[str, ...]  # wordings, each formatted with the seed's name; the first is canonical

    @property
    def hops(self) -> int:
        return len(self.path)

    @property
    def text(self) -> str:
        return self.texts[0]

    @property
    def seed_relation(self) -> tuple[str, bool]:
        """(type, outgoing) of the first step: seeds are sampled among entities that have it."""
        key = self.path[0]
        return key[:-1], key.endswith(">")


TEMPLATES: tuple[Template, ...] = (
    Template(
        "phenotypes",
        ("HAS_PHENOTYPE>",),
        (
            "What are the phenotypic features of {name}?",
            "What are the symptoms of {name}?",
            "Which clinical signs are seen in {name}?",
            "List the phenotypes of {name}.",
            "What abnormalities do patients with {name} have?",
            "{name}: which features does it present with?",
        ),
    ),
    Template(
        "parents",
        ("SUBCLASS_OF>",),
        (
            "Which broader classes does {name} belong to?",
            "What is the parent category of {name}?",
            "{name} is a subtype of which disorders?",
            "Under which groups is {name} classified?",
            "What more general terms include {name}?",
        ),
    ),
    Template(
        "gene_diseases",
        ("CAUSES>",),
        (
            "Which diseases are caused by mutations in {name}?",
            "What conditions are linked to pathogenic variants of {name}?",
            "Which disorders does the {name} gene cause?",
            "List the diseases associated with {name} mutations.",
            "Defects in {name} lead to which diseases?",
        ),
    ),
    Template(
        "gene_disease_phenotypes",
        ("CAUSES>", "HAS_PHENOTYPE>"),
        (
            "Which phenotypes are seen in the diseases caused by {name}?",
            "What symptoms do patients with mutations in {name} show?",
            "Which signs are found in conditions caused by {name} defects?",
            "What abnormalities occur in disorders due to {name} variants?",
            "List the features of the conditions that {name} mutations cause.",
        ),
    ),
    Template(
        "phenotype_disease_genes",
        ("HAS_PHENOTYPE<", "CAUSES<"),
        (
            "Which genes cause diseases that present with {name}?",
            "What genes are implicated in disorders featuring {name}?",
            "Which genes, when mutated, give rise to diseases with {name}?",
            "List the genes behind conditions that show {name}.",
            "{name} occurs in diseases caused by which genes?",
        ),
    ),
    Template(
        "gene_disease_inheritance",
        ("CAUSES>", "HAS_MODE_OF_INHERITANCE>"),
        (
            "How are the diseases caused by {name} inherited?",
            "What is the mode of inheritance of {name}-related disorders?",
            "Are the conditions caused by {name} mutations dominant or recessive?",
            "Which inheritance patterns do diseases of {name} follow?",
            "How are {name} disorders passed on in families?",
        ),
    ),
    Template(
        "grandparents",
        ("SUBCLASS_OF>", "SUBCLASS_OF>"),
        (
            "Which classes lie two levels above {name} in the classification?",
            "What are the broader groups of the parent classes of {name}?",
            "Which categories contain the parents of {name}?",
            "Going up two levels from {name}, which classes do you reach?",
            "What higher-level groups does {name} fall under, two steps up?",
        ),
    ),
    Template(
        "disease_gene_diseases",
        ("CAUSES<", "CAUSES>"),
        (
            "Which other diseases are caused by the genes that cause {name}?",
            "What other disorders are caused by mutations in the gene behind {name}?",
            "Which conditions are allelic to {name}?",
            "Which diseases have the same causal gene as {name}?",
            "List other disorders due to the genes responsible for {name}.",
        ),
    ),
    Template(
        "sibling_genes",
        ("SUBCLASS_OF>", "SUBCLASS_OF<", "CAUSES<"),
        (
            "Which genes cause the other diseases in the same group as {name}?",
            "What genes are behind the diseases classified alongside {name}?",
            "Which genes cause disorders in the same category as {name}?",
            "List the genes of the sibling diseases of {name}.",
        ),
    ),
    Template(
        "phenotype_gene_inheritance",
        ("HAS_PHENOTYPE<", "CAUSES>", "HAS_MODE_OF_INHERITANCE>"),
        (
            "What modes of inheritance have the diseases caused by genes associated with {name}?",
            "How are the genetic disorders that feature {name} inherited?",
            "Which inheritance patterns do the diseases with {name} follow, through their genes?",
            "What is the inheritance of conditions whose genes cause {name}?",
        ),
    ),
    Template(
        "disease_gene_disease_phenotypes",
        ("CAUSES<", "CAUSES>", "HAS_PHENOTYPE>"),
        (
            "Which phenotypes occur in the other diseases caused by the genes behind {name}?",
            "What features are seen in disorders allelic to {name}?",
            "What symptoms do the other diseases of the genes that cause {name} show?",
            "Which clinical signs appear in other conditions due to the same genes as {name}?",
        ),
    ),
)
