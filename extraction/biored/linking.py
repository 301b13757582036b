"""BioRED identifiers as CURIEs and graph nodes.

Genes become NCBIGene:<id> and so join the curated Gene nodes, whose ids are NCBIGene
CURIEs. Diseases given as OMIM:<id> join the curated OMIM Disease nodes by id; MeSH
diseases join a curated Disease or PhenotypicFeature node when one lists the MeSH id among
its xrefs (the default sources carry none today: HPO gives UMLS and SNOMED, Orphanet and
OMIM no MeSH), otherwise they become new nodes. Variants: dbSNP ids as DBSNP:rs<n>, tmVar
normal forms as HGVS-style strings (HGVS:p.V1763M); the BioRED id is kept on the node."""

from __future__ import annotations

from extraction.biored.corpus import Mention
from extraction.writeback import Node
from graph.repository import GraphStore
from graph.vocabulary import NodeLabel

# BioRED entity type -> node label. A BioRED disease may be a phenotype: its node keeps the
# Disease label with the wider category.
_NODE_LABEL: dict[str, NodeLabel] = {
    "GeneOrGeneProduct": NodeLabel.GENE,
    "ChemicalEntity": NodeLabel.CHEMICAL_ENTITY,
    "DiseaseOrPhenotypicFeature": NodeLabel.DISEASE,
    "SequenceVariant": NodeLabel.SEQUENCE_VARIANT,
    "OrganismTaxon": NodeLabel.ORGANISM_TAXON,
    "CellLine": NodeLabel.CELL_LINE,
}
_CATEGORY = {"DiseaseOrPhenotypicFeature": "biolink:DiseaseOrPhenotypicFeature"}
_HGVS_OPS = {"DEL": "del", "INS": "ins", "DUP": "dup", "INDEL": "delins", "FS": "fs"}


def hgvs_like(tmvar: str) -> str:
    """tmVar normal form (`p|SUB|V|1763|M`) as an HGVS-style string (`p.V1763M`)."""
    parts = tmvar.split("|")
    if len(parts) < 4:
        return tmvar.replace(" ", "")
    seq, op, *rest = parts
    prefix = f"{seq}." if seq else ""
    if op == "SUB" and len(rest) >= 3:
        ref, pos, alt = rest[0], rest[1], rest[2]
        body = f"{ref}{pos}{alt}" if seq == "p" else f"{pos}{ref}>{alt}"
    elif op in _HGVS_OPS and len(rest) >= 2:
        body = f"{rest[0]}{_HGVS_OPS[op]}{rest[1]}"
    else:
        body = "".join(rest) if op.lower() == "allele" else f"{op}{''.join(rest)}"
    return (prefix + body).replace(" ", "")


def curie(entity_id: str, entity_type: str) -> str:
    """The CURIE of a BioRED normalized id of the given entity type."""
    if ":" in entity_id and entity_id.split(":", 1)[0] in ("OMIM", "MESH", "NCBIGene"):
        return entity_id
    if entity_type == "GeneOrGeneProduct":
        return f"NCBIGene:{entity_id}"
    if entity_type in ("ChemicalEntity", "DiseaseOrPhenotypicFeature"):
        return f"MESH:{entity_id}"
    if entity_type == "OrganismTaxon":
        return f"NCBITaxon:{entity_id}"
    if entity_type == "CellLine":
        return f"Cellosaurus:{entity_id}"
    if entity_type == "SequenceVariant":
        if entity_id.startswith("rs") and entity_id[2:].isdigit():
            return f"DBSNP:{entity_id}"
        if entity_id.startswith("RS#:"):
            return f"DBSNP:rs{entity_id[4:]}"
        return f"HGVS:{hgvs_like(entity_id)}"
    return f"BIORED:{entity_id}"


def curated_disease_ids(store: GraphStore, curies: list[str]) -> dict[str, str]:
    """MeSH CURIE -> id of the curated node that lists it as an xref (first by id)."""
    wanted = sorted({c for c in curies if c.startswith("MESH:")})
    if not wanted:
        return {}
    variants = wanted + [c.replace("MESH:", "MSH:") for c in wanted]
    rows = store.read("extraction/find_nodes_by_xref", xrefs=variants)
    found: dict[str, str] = {}
    for row in rows:
        found.setdefault(str(row["xref"]).replace("MSH:", "MESH:"), str(row["id"]))
    return found


def make_node(
    entity_id: str, entity_type: str, mention: Mention | None, joined: dict[str, str]
) -> Node:
    """A write-back node; `joined` maps CURIEs to curated ids found by xref."""
    label = _NODE_LABEL[entity_type]
    category = _CATEGORY.get(entity_type, label.category)
    c = curie(entity_id, entity_type)
    node_id = joined.get(c, c)
    props: dict[str, str | list[str] | None] = {"biored_id": entity_id, "biored_type": entity_type}
    if node_id != c:
        props["xref"] = c
    name = mention.text if mention is not None else entity_id
    return Node(node_id, label, name, category, dict(props))
