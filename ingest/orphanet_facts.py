"""Orphanet facts and the one place they become rows, shared by the packet and XML readers.

ingest/orphanet.py (ORPHApackets) and ingest/orphanet_xml.py (Orphadata XML products) only read
their format into `DisorderFacts`; `OrphanetRows.add` turns facts into NodeRow/EdgeRow values.
Because both readers go through it, the same fact gives the same rows whichever file it came from.

Conventions (shared with the other parsers and relied on by the ingest job):
- Diseases are `ORPHA:<code>`; OMIM targets of mappings are `OMIM:<mim>` Disease nodes (no name).
- Orphanet has no NCBI Gene ids. Genes are `HGNC:<number>`, or `HGNC.SYMBOL:<symbol>` when
  Orphanet gives no HGNC id; the ingest job later resolves these placeholders to NCBIGene.
- Gene -> disease edges point gene -> disease; the association text stays in `association_type`.
- Phenotype frequencies map to HP frequency terms; "Excluded (0%)" is a negated (NOT) edge.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

from core.exceptions import IngestError
from graph.vocabulary import NodeLabel, RelType, normalize_curie
from ingest.inheritance import ORPHANET_INHERITANCE
from ingest.rows import EdgeRow, NodeRow, ParsedFile, PropValue

EXCLUDED: Final = "Excluded (0%)"
FREQUENCY_HPO: Final[dict[str, str]] = {
    "Obligate (100%)": "HP:0040280",
    "Very frequent (99-80%)": "HP:0040281",
    "Frequent (79-30%)": "HP:0040282",
    "Occasional (29-5%)": "HP:0040283",
    "Very rare (<4-1%)": "HP:0040284",
    EXCLUDED: "HP:0040285",
}

# Every DisorderGeneAssociationType of the December 2025 packets is listed; "Candidate gene
# tested in" and "Biomarker tested in" (XML products) and unknown types give ASSOCIATED_WITH.
_GENE_REL: Final[dict[str, RelType]] = {
    "Disease-causing germline mutation(s) in": RelType.CAUSES,
    "Disease-causing germline mutation(s) (loss of function) in": RelType.CAUSES,
    "Disease-causing germline mutation(s) (gain of function) in": RelType.CAUSES,
    "Disease-causing somatic mutation(s) in": RelType.CAUSES,
    "Major susceptibility factor in": RelType.CONTRIBUTES_TO,
    "Role in the phenotype of": RelType.CONTRIBUTES_TO,
    "Modifying germline mutation in": RelType.CONTRIBUTES_TO,
}

# Keyed on the letters before the explanation, which changed wording between releases
# ("NTBT (ORPHA code's Narrower Term maps ...)" vs "NTBT (ORPHAcode is narrower than ...)").
_MAPPING_REL: Final[dict[str, RelType]] = {
    "E": RelType.EXACT_MATCH,
    "NTBT": RelType.BROAD_MATCH,  # the ORPHA code is narrower than the OMIM entry
    "BTNT": RelType.NARROW_MATCH,  # the ORPHA code is broader than the OMIM entry
}

# Source names whose spelling is not a CURIE prefix; the rest go through normalize_curie.
_PREFIXES: Final[dict[str, str]] = {"ICD-10": "ICD10", "ICD-11": "ICD11", "MedDRA": "MEDDRA"}
_GENE_XREF_SOURCES: Final = frozenset({"HGNC", "OMIM", "Ensembl"})

_ORPHA_CODE = re.compile(r"^\d+$")
_HPO_ID = re.compile(r"^HP:\d{7}$")
_MIM = re.compile(r"^\d{6}$")


class FactError(ValueError):
    """A fact that cannot become a row; the reader adds the file and the packet or element."""

    def __init__(self, message: str, value: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.value = value


@dataclass(frozen=True, slots=True)
class Xref:
    source: str
    reference: str
    relation: str | None = None  # DisorderMappingRelation text, for disorders


@dataclass(frozen=True, slots=True)
class PhenotypeFact:
    hpo_id: str
    term: str | None
    frequency: str | None


@dataclass(frozen=True, slots=True)
class GeneFact:
    symbol: str | None
    name: str | None
    association: str | None
    xrefs: tuple[Xref, ...] = ()
    synonyms: tuple[str, ...] = ()


@dataclass(slots=True)
class DisorderFacts:
    """What one packet, or one Disorder element of an XML product, says about a disorder."""

    code: str
    name: str | None = None
    disorder_type: str | None = None
    synonyms: list[str] = field(default_factory=list)
    definition: str | None = None
    purl: str | None = None
    xrefs: list[Xref] = field(default_factory=list)
    parents: list[tuple[str, str | None]] = field(default_factory=list)  # (code, label)
    phenotypes: list[PhenotypeFact] = field(default_factory=list)
    genes: list[GeneFact] = field(default_factory=list)
    inheritance: list[str] = field(default_factory=list)
    onset: list[str] = field(default_factory=list)
    prevalence: list[str] = field(default_factory=list)  # "type|class|geographic"


def orpha_id(code: str) -> str:
    if not _ORPHA_CODE.match(code):
        raise FactError("ORPHAcode is not a number", code)
    return f"ORPHA:{code}"


def gene_rel(association: str | None) -> RelType:
    return _GENE_REL.get(association or "", RelType.ASSOCIATED_WITH)


def mapping_rel(relation: str | None) -> RelType:
    letters = (relation or "").split(" ", 1)[0].upper()
    return _MAPPING_REL.get(letters, RelType.CLOSE_MATCH)


def xref_curie(xref: Xref) -> str:
    """`ICD-10` + `Q87.4` -> `ICD10:Q87.4`; a reference that already carries its prefix is kept."""
    prefix = _PREFIXES.get(xref.source, xref.source)
    ref = xref.reference.strip()
    if not prefix or not ref:
        raise FactError("cross-reference without Source or Reference", xref)
    head, _, rest = ref.partition(":")
    try:
        if rest and _same_prefix(head, prefix):
            return normalize_curie(ref)
        return normalize_curie(f"{prefix}:{ref}")
    except ValueError as e:
        raise FactError(f"bad {xref.source} cross-reference", xref.reference) from e


def _same_prefix(a: str, b: str) -> bool:
    try:
        return normalize_curie(f"{a}:x") == normalize_curie(f"{b}:x")
    except ValueError:
        return False


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _props(**values: PropValue | None) -> dict[str, PropValue]:
    """Props without empty values (None, "", ())."""
    return {k: v for k, v in values.items() if v not in (None, "", ())}


class OrphanetRows:
    """Collects the rows of one file; `add` validates a disorder's facts and emits its rows."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.nodes: list[NodeRow] = []
        self.edges: list[EdgeRow] = []
        self.skipped: Counter[str] = Counter()

    def add(self, facts: DisorderFacts, where: str) -> None:
        try:
            self._add(facts)
        except FactError as e:
            raise IngestError(self.file, where, e.message, e.value) from e

    def parsed(self, release: str) -> ParsedFile:
        return ParsedFile(self.file, release, self.nodes, self.edges, dict(self.skipped))

    def _add(self, f: DisorderFacts) -> None:
        disease = orpha_id(f.code)
        self.nodes.append(self._disease_node(disease, f))
        for code, label in f.parents:
            self.nodes.append(NodeRow(orpha_id(code), NodeLabel.DISEASE, name=label or None))
            self.edges.append(EdgeRow(disease, RelType.SUBCLASS_OF, orpha_id(code)))
        for p in f.phenotypes:
            self.edges.append(_phenotype_edge(disease, p))
        for g in f.genes:
            self._add_gene(disease, g)
        for x in f.xrefs:
            if x.source == "OMIM":
                self._add_mapping(disease, x)
        for label in f.inheritance:
            hp = ORPHANET_INHERITANCE.get(label)
            if hp is None:
                self.skipped[f"inheritance without an HPO mode: {label}"] += 1
                continue
            props = _props(inheritance=label)
            self.edges.append(EdgeRow(disease, RelType.HAS_MODE_OF_INHERITANCE, hp, props=props))

    def _disease_node(self, disease: str, f: DisorderFacts) -> NodeRow:
        xrefs = sorted({xref_curie(x) for x in f.xrefs if x.source != "OMIM"})
        props = _props(
            definition=f.definition,
            disorder_type=f.disorder_type,
            prevalence=_unique(f.prevalence),
            onset=_unique(f.onset),
            inheritance=_unique(f.inheritance),
            purl=f.purl,
        )
        synonyms = _unique(f.synonyms)
        return NodeRow(disease, NodeLabel.DISEASE, f.name, synonyms, tuple(xrefs), props)

    def _add_gene(self, disease: str, g: GeneFact) -> None:
        node = gene_node(g)
        self.nodes.append(node)
        props = _props(association_type=g.association)
        self.edges.append(EdgeRow(node.id, gene_rel(g.association), disease, props=props))

    def _add_mapping(self, disease: str, x: Xref) -> None:
        mim = x.reference.strip()
        if not _MIM.match(mim):
            raise FactError("OMIM reference is not a 6-digit MIM number", x.reference)
        props = _props(mapping_relation=x.relation)
        self.nodes.append(NodeRow(f"OMIM:{mim}", NodeLabel.DISEASE))
        self.edges.append(EdgeRow(disease, mapping_rel(x.relation), f"OMIM:{mim}", props=props))


def _phenotype_edge(disease: str, p: PhenotypeFact) -> EdgeRow:
    if not _HPO_ID.match(p.hpo_id):
        raise FactError("bad HPO id", p.hpo_id)
    hp_frequency = None
    if p.frequency:
        hp_frequency = FREQUENCY_HPO.get(p.frequency)
        if hp_frequency is None:
            # An unknown class might be another NOT statement; never guess a positive edge.
            raise FactError("unknown HPO frequency class", p.frequency)
    props = _props(frequency=p.frequency, frequency_hpo=hp_frequency, hpo_term=p.term)
    negated = p.frequency == EXCLUDED
    return EdgeRow(disease, RelType.HAS_PHENOTYPE, p.hpo_id, negated=negated, props=props)


def gene_node(g: GeneFact) -> NodeRow:
    """`HGNC:<n>` from the gene's HGNC reference, else the `HGNC.SYMBOL:<symbol>` placeholder."""
    curies = [xref_curie(x) for x in g.xrefs if x.source in _GENE_XREF_SOURCES]
    hgnc = [c for c in curies if c.startswith("HGNC:")]
    if any(not c[5:].isdigit() for c in hgnc):
        raise FactError("HGNC reference is not a number", hgnc)
    if hgnc:
        gene_id = hgnc[0]
    elif g.symbol:
        gene_id = xref_curie(Xref("HGNC.SYMBOL", g.symbol))
    else:
        raise FactError("gene has neither an HGNC id nor a symbol", g.name)
    mims = _unique([c[5:] for c in curies if c.startswith("OMIM:")])
    props = _props(
        symbol=g.symbol,
        full_name=g.name,
        hgnc_id=hgnc[0] if hgnc else None,
        # One MIM as a string; the few genes with several (IGH, SHOX) keep them all.
        omim_gene=mims[0] if len(mims) == 1 else mims,
        ensembl=_unique([c.split(":", 1)[1] for c in curies if c.startswith("ENSEMBL:")]),
    )
    xrefs = tuple(sorted(set(curies) - {gene_id}))
    return NodeRow(gene_id, NodeLabel.GENE, g.symbol, _unique(list(g.synonyms)), xrefs, props)
