"""Who states what: the curated sources and the Biolink infores id of every knowledge source
the graph names (curated sources, evigraph itself, the FDA's MAUDE)."""

from __future__ import annotations

from enum import StrEnum

# evigraph: the primary knowledge source of extracted statements, the aggregator of the rest.
EVIGRAPH_INFORES = "infores:evigraph"
FDA_MAUDE_INFORES = "infores:fda-maude"


class Source(StrEnum):
    """A curated source; the value is the key used as property prefix and in run ids."""

    HPO = "hpo"  # hp.obo, the ontology itself
    HPOA = "hpoa"  # phenotype.hpoa, genes_to_phenotype, phenotype_to_genes
    ORPHANET = "orphanet"
    OMIM = "omim"
    # The OMIM diseases a newer HPO annotation release adds (ingest/hpoa_supplement.py).
    HPOA_SUPPLEMENT = "hpoa_supplement"

    @property
    def infores(self) -> str:
        return _INFORES[self]


_INFORES = {
    Source.HPO: "infores:hpo",
    Source.HPOA: "infores:hpo-annotations",
    Source.ORPHANET: "infores:orphanet",
    Source.OMIM: "infores:omim",
    Source.HPOA_SUPPLEMENT: "infores:hpo-annotations",
}

# The order of a statement's `sources` list.
SOURCE_KEYS = [s.value for s in Source]
# Source key (as stored in a statement's `sources`) -> its infores id.
SOURCE_INFORES = {s.value: s.infores for s in Source}
