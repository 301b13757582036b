"""From parsed rows to write rows: merge duplicates, prefix props by source, add stub endpoints.

Pure functions (no Neo4j), so the write plan can be unit-tested and hashed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graph.vocabulary import NodeLabel, RelType, Source
from ingest.rows import EdgeRow, NodeRow, PropValue

# Which label an id's prefix implies, for endpoints a source references but does not describe.
PREFIX_LABELS = {
    "HP": NodeLabel.PHENOTYPIC_FEATURE,
    "ORPHA": NodeLabel.DISEASE,
    "OMIM": NodeLabel.DISEASE,
    "DECIPHER": NodeLabel.DISEASE,
    "MONDO": NodeLabel.DISEASE,
    "NCBIGene": NodeLabel.GENE,
    "HGNC": NodeLabel.GENE,
}

# Curated statements are knowledge assertions by manual agents; HPO's gene files are
# computed by joining annotations with gene-disease links, so they are entailments.
DERIVED_KNOWLEDGE = {(Source.HPOA, NodeLabel.GENE)}
# Statements inferred by evigraph's own rule, not stated by the source (the genes of the HPO
# supplement's diseases, ingest/hpo3_dump.py): Biolink's prediction.
PREDICTED_KNOWLEDGE = {(Source.HPOA_SUPPLEMENT, NodeLabel.GENE)}


@dataclass(frozen=True)
class Plan:
    """What one source run writes: merged, prefixed rows ready for UNWIND."""

    source: Source
    nodes: list[dict[str, Any]]
    stubs: list[dict[str, Any]]
    edges: list[dict[str, Any]]


def merge_values(values: list[PropValue]) -> PropValue:
    """One value from several rows' values: a scalar when they agree, else a sorted list."""
    flat: list[Any] = []
    multi = False
    for v in values:
        if isinstance(v, tuple):
            multi = True
            flat.extend(v)
        else:
            flat.append(v)
    unique = sorted(set(flat), key=lambda x: (str(type(x)), x))
    if not multi and len(unique) == 1:
        return unique[0]  # type: ignore[no-any-return]
    if len({type(x) for x in unique}) > 1:
        unique = sorted({str(x) for x in unique})
    return tuple(unique)


def _merge_props(dicts: Iterable[dict[str, PropValue]]) -> dict[str, PropValue]:
    collected: dict[str, list[PropValue]] = {}
    for d in dicts:
        for k, v in d.items():
            collected.setdefault(k, []).append(v)
    return {k: merge_values(vs) for k, vs in sorted(collected.items())}


def merge_nodes(rows: Iterable[NodeRow]) -> dict[str, NodeRow]:
    """One NodeRow per id: first name wins, synonyms/xrefs unioned in order, props merged."""
    groups: dict[str, list[NodeRow]] = {}
    for r in rows:
        groups.setdefault(r.id, []).append(r)
    merged = {}
    for node_id, group in groups.items():
        labels = {r.label for r in group}
        if len(labels) > 1:
            raise ValueError(f"{node_id} is given conflicting labels {sorted(labels)}")
        merged[node_id] = NodeRow(
            id=node_id,
            label=group[0].label,
            name=next((r.name for r in group if r.name), None),
            synonyms=_union(r.synonyms for r in group),
            xrefs=_union(r.xrefs for r in group),
            props=_merge_props(r.props for r in group),
        )
    return merged


def merge_edges(rows: Iterable[EdgeRow]) -> dict[tuple[str, RelType, str, bool], EdgeRow]:
    groups: dict[tuple[str, RelType, str, bool], list[EdgeRow]] = {}
    for r in rows:
        groups.setdefault(r.key, []).append(r)
    # Most statements come from one row; only repeated ones need their props merged.
    return {
        key: group[0]
        if len(group) == 1
        else EdgeRow(key[0], key[1], key[2], key[3], _merge_props(r.props for r in group))
        for key, group in groups.items()
    }


def _union(seqs: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for seq in seqs:
        for s in seq:
            seen.setdefault(s, None)
    return tuple(seen)


def _db_value(v: PropValue) -> Any:
    return list(v) if isinstance(v, tuple) else v


def content_hash(props: dict[str, Any]) -> str:
    """A stable hash of prop values (str, numbers, bools and lists of them): their repr is
    deterministic across processes, unlike hash(), and cheaper to build than JSON."""
    blob = repr(sorted(props.items()))
    return hashlib.blake2b(blob.encode(), digest_size=8).hexdigest()


def node_write_row(node: NodeRow, source: Source, release: str, run_id: str) -> dict[str, Any]:
    p = source.value + "_"
    props: dict[str, Any] = {p + k: _db_value(v) for k, v in node.props.items()}
    if node.name:
        props[p + "name"] = node.name
    if node.synonyms:
        props[p + "synonyms"] = list(node.synonyms)
    if node.xrefs:
        props[p + "xrefs"] = list(node.xrefs)
    props[p + "hash"] = content_hash(props)  # content only: a new release alone is no update
    props[p + "release"] = release
    props[p + "run"] = run_id
    return {
        "id": node.id,
        "label": node.label.value,
        "category": node.label.category,
        "props": props,
    }


def edge_write_row(
    edge: EdgeRow, source: Source, release: str, run_id: str, subject_label: NodeLabel
) -> dict[str, Any]:
    p = source.value + "_"
    props: dict[str, Any] = {p + k: _db_value(v) for k, v in edge.props.items()}
    props[p + "knowledge_level"], props[p + "agent_type"] = _knowledge(source, subject_label)
    props[p + "hash"] = content_hash(props)
    props[p + "release"] = release
    props[p + "run"] = run_id
    return {
        "subject": edge.subject,
        "object": edge.object,
        "rel": edge.rel.value,
        "predicate": edge.rel.predicate,
        "negated": edge.negated,
        "props": props,
    }


def _knowledge(source: Source, subject_label: NodeLabel) -> tuple[str, str]:
    """(knowledge_level, agent_type) of a source's edges from nodes of `subject_label`."""
    if (source, subject_label) in PREDICTED_KNOWLEDGE:
        return "prediction", "data_analysis_pipeline"
    if (source, subject_label) in DERIVED_KNOWLEDGE:
        return "logical_entailment", "automated_agent"
    return "knowledge_assertion", "manual_agent"


def label_for(curie: str) -> NodeLabel:
    prefix = curie.split(":", 1)[0]
    if prefix not in PREFIX_LABELS:
        raise ValueError(f"no node label known for the prefix of {curie!r}")
    return PREFIX_LABELS[prefix]


def build_plan(
    source: Source, nodes: Iterable[NodeRow], edges: Iterable[EdgeRow], release: str, run_id: str
) -> Plan:
    merged_nodes = merge_nodes(nodes)
    merged_edges = merge_edges(edges)
    labels = {nid: n.label for nid, n in merged_nodes.items()}
    stub_ids = sorted(
        {e.subject for e in merged_edges.values()} | {e.object for e in merged_edges.values()}
    )
    stubs = []
    for sid in stub_ids:
        if sid not in labels:
            labels[sid] = label_for(sid)
            stubs.append({"id": sid, "label": labels[sid].value, "category": labels[sid].category})
    return Plan(
        source=source,
        nodes=[node_write_row(n, source, release, run_id) for n in merged_nodes.values()],
        stubs=stubs,
        edges=[
            edge_write_row(e, source, release, run_id, labels[e.subject])
            for e in merged_edges.values()
        ],
    )
