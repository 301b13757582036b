"""The typed rows every source parser yields, and the vocabulary they use.

Parsers are pure: they read files, validate every line and yield NodeRow / EdgeRow values.
They never talk to Neo4j. The ingest job (ingest/job.py) collects a source's rows in a
validation pass, merges duplicates and then writes them through graph/.

Property conventions:
- NodeRow.props and EdgeRow.props hold source-specific values: str, int, float, bool, or a
  tuple of str. They are stored on the node/edge under the source's key prefix
  (for example `orphanet_frequency`), so two sources never overwrite each other.
- Ids are CURIEs with normalised prefixes (see `normalize_curie`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

PropValue = str | int | float | bool | tuple[str, ...]


class Source(StrEnum):
    """A knowledge source; the value is the key used as property prefix and in run ids."""

    HPO = "hpo"  # hp.obo, the ontology itself
    HPOA = "hpoa"  # phenotype.hpoa, genes_to_phenotype, phenotype_to_genes
    ORPHANET = "orphanet"
    OMIM = "omim"

    @property
    def infores(self) -> str:
        return _INFORES[self]


_INFORES = {
    Source.HPO: "infores:hpo",
    Source.HPOA: "infores:hpo-annotations",
    Source.ORPHANET: "infores:orphanet",
    Source.OMIM: "infores:omim",
}


class NodeLabel(StrEnum):
    DISEASE = "Disease"
    PHENOTYPIC_FEATURE = "PhenotypicFeature"
    GENE = "Gene"

    @property
    def category(self) -> str:
        return "biolink:" + self.value


class RelType(StrEnum):
    """Neo4j relationship types; each has one Biolink predicate (`EdgeRow.predicate`)."""

    SUBCLASS_OF = "SUBCLASS_OF"  # biolink:subclass_of (HPO is_a, Orphanet parents)
    HAS_PHENOTYPE = "HAS_PHENOTYPE"  # biolink:has_phenotype (disease or gene -> HP term)
    HAS_MODE_OF_INHERITANCE = "HAS_MODE_OF_INHERITANCE"  # biolink:has_mode_of_inheritance
    CAUSES = "CAUSES"  # gene -> disease, biolink:causes
    CONTRIBUTES_TO = "CONTRIBUTES_TO"  # gene -> disease, biolink:contributes_to
    ASSOCIATED_WITH = "ASSOCIATED_WITH"  # gene -> disease, biolink:gene_associated_with_condition
    EXACT_MATCH = "EXACT_MATCH"  # ORPHA -> OMIM, biolink:exact_match
    BROAD_MATCH = "BROAD_MATCH"  # subject is narrower than object, biolink:broad_match
    NARROW_MATCH = "NARROW_MATCH"  # subject is broader than object, biolink:narrow_match
    CLOSE_MATCH = "CLOSE_MATCH"  # mapping relation not decided, biolink:close_match


PREDICATES: dict[RelType, str] = {
    RelType.SUBCLASS_OF: "biolink:subclass_of",
    RelType.HAS_PHENOTYPE: "biolink:has_phenotype",
    RelType.HAS_MODE_OF_INHERITANCE: "biolink:has_mode_of_inheritance",
    RelType.CAUSES: "biolink:causes",
    RelType.CONTRIBUTES_TO: "biolink:contributes_to",
    RelType.ASSOCIATED_WITH: "biolink:gene_associated_with_condition",
    RelType.EXACT_MATCH: "biolink:exact_match",
    RelType.BROAD_MATCH: "biolink:broad_match",
    RelType.NARROW_MATCH: "biolink:narrow_match",
    RelType.CLOSE_MATCH: "biolink:close_match",
}


@dataclass(frozen=True, slots=True)
class NodeRow:
    id: str
    label: NodeLabel
    name: str | None = None
    synonyms: tuple[str, ...] = ()
    xrefs: tuple[str, ...] = ()
    props: dict[str, PropValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EdgeRow:
    subject: str
    rel: RelType
    object: str
    negated: bool = False
    props: dict[str, PropValue] = field(default_factory=dict)

    @property
    def predicate(self) -> str:
        return PREDICATES[self.rel]

    @property
    def key(self) -> tuple[str, RelType, str, bool]:
        """Rows with the same key are one statement of a source; the job merges their props."""
        return (self.subject, self.rel, self.object, self.negated)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """Everything one source file asserts, validated: what a parse_* function returns."""

    path: str
    release: str  # the file's own release/version, "" when the file names none
    nodes: list[NodeRow]
    edges: list[EdgeRow]
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count of rows left out


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
