"""Modes of inheritance as HPO terms (HP:0000005 subtree), for the sources that name them in words.

Orphanet (TypeOfInheritance) and OMIM (genemap2 phenotype entries) each have their own labels;
both map to the same HPO terms so the graph has one HAS_MODE_OF_INHERITANCE vocabulary. Labels
that are not a mode of inheritance ("Not applicable", "Somatic mutation", ...) or that have no
agreed HPO term are left out here on purpose: parsers count them as skipped, never guess.
"""

from __future__ import annotations

from typing import Final

AUTOSOMAL_DOMINANT: Final = "HP:0000006"
AUTOSOMAL_RECESSIVE: Final = "HP:0000007"
X_LINKED: Final = "HP:0001417"
X_LINKED_RECESSIVE: Final = "HP:0001419"
X_LINKED_DOMINANT: Final = "HP:0001423"
MULTIFACTORIAL: Final = "HP:0001426"
MITOCHONDRIAL: Final = "HP:0001427"
Y_LINKED: Final = "HP:0001450"
OLIGOGENIC: Final = "HP:0010983"
SEMIDOMINANT: Final = "HP:0032113"

# Every label the December 2025 ORPHApackets use, except "Not applicable", "Unknown",
# "No data available" and "Not yet documented", which say nothing about a mode.
ORPHANET_INHERITANCE: Final[dict[str, str]] = {
    "Autosomal dominant": AUTOSOMAL_DOMINANT,
    "Autosomal recessive": AUTOSOMAL_RECESSIVE,
    "X-linked recessive": X_LINKED_RECESSIVE,
    "X-linked dominant": X_LINKED_DOMINANT,
    "Mitochondrial inheritance": MITOCHONDRIAL,
    "Multigenic/multifactorial": MULTIFACTORIAL,
    "Y-linked": Y_LINKED,
    "Semi-dominant": SEMIDOMINANT,
    "Oligogenic": OLIGOGENIC,
}

# OMIM genemap2 inheritance words. "Somatic mutation", "Somatic mosaicism", "Isolated cases",
# "Digenic ...", "Pseudoautosomal ..." and "Inherited chromosomal imbalance" are skipped.
OMIM_INHERITANCE: Final[dict[str, str]] = {
    "Autosomal dominant": AUTOSOMAL_DOMINANT,
    "Autosomal recessive": AUTOSOMAL_RECESSIVE,
    "X-linked": X_LINKED,
    "X-linked recessive": X_LINKED_RECESSIVE,
    "X-linked dominant": X_LINKED_DOMINANT,
    "Y-linked": Y_LINKED,
    "Mitochondrial": MITOCHONDRIAL,
    "Multifactorial": MULTIFACTORIAL,
}
