"""The documented CURIE prefix map: every node id in the graph must use one of these prefixes.

IRIs follow the Biolink model's prefix map (biolink-model 4.4.6, prefixmaps/) where it names
the prefix; ORPHA, DECIPHER, infores and EVIGRAPH are added here. EVIGRAPH is the namespace of
what evigraph itself mints: statement, run, model and file IRIs, and ids an extractor gives to
a mention it could not ground in a public vocabulary."""

from __future__ import annotations

import re
from urllib.parse import quote

EVIGRAPH_BASE = "https://w3id.org/evigraph/"
BIOLINK_BASE = "https://w3id.org/biolink/vocab/"
INFORES_BASE = "https://w3id.org/information-resource-registry/"

# Node id prefixes: the curated sources, then vocabularies the extractors ground mentions in.
PREFIX_MAP: dict[str, str] = {
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "ORPHA": "http://www.orpha.net/ORDO/Orphanet_",
    "OMIM": "http://purl.obolibrary.org/obo/OMIM_",
    "DECIPHER": "https://www.deciphergenomics.org/syndrome/",
    "NCBIGene": "http://identifiers.org/ncbigene/",
    "HGNC": "http://identifiers.org/hgnc/",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "UMLS": "http://identifiers.org/umls/",
    "MEDDRA": "http://identifiers.org/meddra/",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "DRUGBANK": "http://identifiers.org/drugbank/",
    "RXCUI": "https://mor.nlm.nih.gov/RxNav/search?searchBy=RXCUI&searchTerm=",
    "UNII": "http://identifiers.org/unii/",
    "PUBCHEM.COMPOUND": "http://identifiers.org/pubchem.compound/",
    "NCBITaxon": "http://purl.obolibrary.org/obo/NCBITaxon_",
    "CLO": "http://purl.obolibrary.org/obo/CLO_",
    "CVCL": "https://www.cellosaurus.org/CVCL_",
    "DBSNP": "http://identifiers.org/dbsnp/",
    "CLINVAR": "http://identifiers.org/clinvar/",
    "PMID": "http://www.ncbi.nlm.nih.gov/pubmed/",
    "PMC": "http://europepmc.org/articles/PMC",
    "doi": "https://doi.org/",
    "ENSEMBL": "http://identifiers.org/ensembl/",
    "SNOMEDCT": "http://snomed.info/id/",
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "ICD10": "https://icd.who.int/browse10/2016/en#/",
    "ICD9": "http://translator.ncats.nih.gov/ICD9_",
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "EFO": "http://www.ebi.ac.uk/efo/EFO_",
    "MP": "http://purl.obolibrary.org/obo/MP_",
    "MAUDE": "https://www.accessdata.fda.gov/scripts/cdrh/cfdocs/cfmaude/detail.cfm?mdrfoi__id=",
    "infores": INFORES_BASE,
    "EVIGRAPH": EVIGRAPH_BASE + "id/",
}

# Exports (KGX, TRAPI) write CURIEs as the Biolink 4.4.6 prefix map names them. Only Orphanet
# differs: Biolink's context and Disease.id_prefixes use ORDO with the local id `Orphanet_N`
# (the same IRI as evigraph's ORPHA:N). DECIPHER has no Biolink prefix at all and is written
# as it is (the one documented deviation). Both directions are exact: no evigraph id starts
# with "ORDO:".
BIOLINK_REWRITES: dict[str, tuple[str, str]] = {"ORPHA": ("ORDO", "Orphanet_")}
_FROM_BIOLINK = {f"{new}:{local}": f"{old}:" for old, (new, local) in BIOLINK_REWRITES.items()}
DEVIATION_PREFIXES = ("DECIPHER",)

_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*):(\S+)$")


def split_curie(curie: str) -> tuple[str, str] | None:
    """(prefix, local id), or None when `curie` is not a CURIE."""
    m = _CURIE.match(curie)
    return (m.group(1), m.group(2)) if m else None


def known_prefix(curie: str) -> bool:
    parts = split_curie(curie)
    return parts is not None and parts[0] in PREFIX_MAP


def curie_to_iri(curie: str) -> str:
    """The IRI of a CURIE with a documented prefix; anything else goes under EVIGRAPH id/."""
    parts = split_curie(curie)
    if parts and parts[0] in PREFIX_MAP:
        return PREFIX_MAP[parts[0]] + parts[1]
    if curie.startswith(("http://", "https://")):
        return curie
    return PREFIX_MAP["EVIGRAPH"] + "unmapped/" + _iri_safe(curie)


def _iri_safe(text: str) -> str:
    return quote(text, safe=":")


def to_biolink(curie: str) -> str:
    """The CURIE the Biolink prefix map gives an evigraph id (ORPHA:558 -> ORDO:Orphanet_558)."""
    prefix, sep, local = curie.partition(":")
    rewrite = BIOLINK_REWRITES.get(prefix) if sep else None
    return f"{rewrite[0]}:{rewrite[1]}{local}" if rewrite else curie


def from_biolink(curie: str) -> str:
    """The evigraph id of a CURIE in the Biolink prefix map (the inverse of to_biolink)."""
    for start, prefix in _FROM_BIOLINK.items():
        if curie.startswith(start):
            return prefix + curie[len(start) :]
    return curie
