"""Node ids: CURIEs with one prefix per namespace, whatever spelling a source uses."""

from __future__ import annotations

import re

# "-" in prefixes: HPO cross-references ICD-10:, ICD-O: and ICD-9: (see the aliases below).
_CURIE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*:[^\s|]+$")
_PREFIX_ALIASES = {
    "orphanet": "ORPHA",
    "orpha": "ORPHA",
    "ordo": "ORPHA",
    "omim": "OMIM",
    "mim": "OMIM",
    "decipher": "DECIPHER",
    "hp": "HP",
    "hpo": "HP",
    "ncbigene": "NCBIGene",
    "entrez": "NCBIGene",
    "hgnc": "HGNC",
    "ensembl": "ENSEMBL",
    "umls": "UMLS",
    "mesh": "MESH",
    "msh": "MESH",
    "snomedct_us": "SNOMEDCT",
    "snomedct": "SNOMEDCT",
    "icd-10": "ICD10",
    "icd10": "ICD10",
    "gard": "GARD",
    "mondo": "MONDO",
}


def normalize_curie(raw: str) -> str:
    """Normalise a CURIE's prefix (Orphanet:/ORDO:/orphanet: -> ORPHA:, MIM: -> OMIM: ...).

    Raises ValueError for a value that is not a CURIE; parsers turn that into an IngestError
    naming their file and line.
    """
    value = raw.strip()
    if value.startswith("http://www.orpha.net/ORDO/Orphanet_"):
        value = "ORPHA:" + value.rsplit("_", 1)[1]
    if not _CURIE.match(value):
        raise ValueError(f"not a CURIE: {raw!r}")
    prefix, local = value.split(":", 1)
    return f"{_PREFIX_ALIASES.get(prefix.lower(), prefix)}:{local}"
