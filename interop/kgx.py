"""The mapping between a Neo4j node or statement and its KGX record, both ways.

KGX columns come first (id, category, name, xref, synonym, provided_by; id, subject,
predicate, object, primary_knowledge_source, knowledge_level, agent_type); every other
property follows under its own name, so a re-import gives back the same graph. Two columns are
evigraph's own: `neo4j_label` (the node's labels besides :Entity) and `neo4j_type` (the
relationship type), which KGX tools ignore.

What KGX readers need and the graph does not hold, and how the import undoes it:
- ids, subjects and objects use the Biolink prefix map (`ORPHA:558` -> `ORDO:Orphanet_558`,
  prefixes.to_biolink); a node whose id changed gets evigraph's id appended to `xref`, and
  the import maps the id back and drops that last xref.
- a node without a name is named by its (exported) id; the import drops a name equal to it.
- a statement asserted by several sources has one primary_knowledge_source (the first, a
  single value as Biolink says); the full list is `primary_knowledge_sources`, and
  `aggregator_knowledge_source` names evigraph.
- `negated` is written only when true (KGX: absent means false; kgx parses the TSV text
  "false" as true); the import gives every curated statement back its `negated: false`.
- evigraph's `sources` (source keys, not Biolink RetrievalSource objects) is `evigraph_sources`."""

from __future__ import annotations

import hashlib
from typing import Any

from graph.vocabulary import EVIGRAPH_INFORES
from interop.prefixes import from_biolink, to_biolink

# Neo4j property -> KGX column, for nodes.
NODE_RENAMES = {
    "synonyms": "synonym",
    "xrefs": "xref",
    "primary_knowledge_source": "provided_by",
    "sources": "evigraph_sources",
}
EDGE_RENAMES = {"sources": "evigraph_sources"}
NODE_FIRST = ("id", "category", "name", "xref", "synonym", "provided_by", "neo4j_label")
EDGE_FIRST = (
    "id",
    "subject",
    "predicate",
    "object",
    "primary_knowledge_source",
    "primary_knowledge_sources",
    "aggregator_knowledge_source",
    "knowledge_level",
    "agent_type",
    "neo4j_type",
)
# Columns the export derives; the import does not store them as properties.
EDGE_DERIVED = frozenset(
    {"id", "primary_knowledge_sources", "aggregator_knowledge_source", "neo4j_type"}
)


_PLAIN = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """A JSON-ready value: Neo4j temporal values become ISO strings."""
    if type(value) in _PLAIN:
        return value
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def plain_props(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v if type(v) in _PLAIN else plain(v) for k, v in props.items()}


def statement_id(subject: str, rel_type: str, obj: str, props: dict[str, Any]) -> str:
    """A stable id for a statement: its evidence id when read from text, else a hash of its key
    (endpoints, type, negation), the same key ingest merges statements on."""
    if props.get("evidence_id"):
        return f"EVIGRAPH:evidence/{props['evidence_id']}"
    key = f"{subject}|{rel_type}|{obj}|{bool(props.get('negated', False))}"
    return "EVIGRAPH:statement/" + hashlib.sha256(key.encode()).hexdigest()[:24]


def node_to_kgx(rec: dict[str, Any]) -> dict[str, Any]:
    props = plain_props(rec["props"])
    own_id = props.pop("id", rec["id"])
    out: dict[str, Any] = {"id": to_biolink(own_id)}
    category = props.pop("category", None)
    if category is not None:
        out["category"] = category if isinstance(category, list) else [category]
    if props.get("name") is None:
        out["name"] = out["id"]
    out["neo4j_label"] = sorted(rec["labels"])
    for key, value in props.items():
        out[NODE_RENAMES.get(key, key)] = value
    if out["id"] != own_id and isinstance(out.get("xref"), list):
        out["xref"] = [*out["xref"], own_id]
    return out


def edge_to_kgx(rec: dict[str, Any]) -> dict[str, Any]:
    props = plain_props(rec["props"])
    subject, obj, rel_type = rec["subject"], rec["object"], rec["type"]
    out: dict[str, Any] = {
        "id": statement_id(subject, rel_type, obj, props),
        "subject": to_biolink(subject),
        "predicate": props.pop("predicate", None),
        "object": to_biolink(obj),
    }
    # The relationship's copies of its endpoints are the columns (`validate` checks they agree).
    props.pop("subject", None)
    props.pop("object", None)
    sources = props.pop("primary_knowledge_source", None)
    if isinstance(sources, list):
        out["primary_knowledge_source"] = sources[0] if sources else None
        out["primary_knowledge_sources"] = sources
    elif sources is not None:
        out["primary_knowledge_source"] = sources
    if out.get("primary_knowledge_source") not in (None, EVIGRAPH_INFORES):
        out["aggregator_knowledge_source"] = [EVIGRAPH_INFORES]
    out["neo4j_type"] = rel_type
    if props.get("negated") is False:
        del props["negated"]
    for key, value in props.items():
        out[EDGE_RENAMES.get(key, key)] = value
    return {k: v for k, v in out.items() if v is not None}


def kgx_to_node(rec: dict[str, Any], label: list[str]) -> dict[str, Any]:
    """The import row of a KGX node whose labels are already resolved."""
    props: dict[str, Any] = {}
    inverse = {v: k for k, v in NODE_RENAMES.items()}
    for key, value in rec.items():
        if key == "neo4j_label":
            continue
        if key == "category":
            props["category"] = value[0] if isinstance(value, list) else value
            continue
        props[inverse.get(key, key)] = value
    node_id = from_biolink(rec["id"])
    props["id"] = node_id
    if props.get("name") == rec["id"]:
        del props["name"]  # the export named a nameless node by its id
    xrefs = props.get("xrefs")
    if node_id != rec["id"] and isinstance(xrefs, list) and xrefs and xrefs[-1] == node_id:
        props["xrefs"] = xrefs[:-1]
    return {"id": node_id, "labels": label, "props": props}


def kgx_to_edge(rec: dict[str, Any], rel_type: str) -> dict[str, Any]:
    """The import row of a KGX edge whose relationship type is already resolved."""
    inverse = {v: k for k, v in EDGE_RENAMES.items()}
    props = {inverse.get(k, k): v for k, v in rec.items() if k not in EDGE_DERIVED}
    if "primary_knowledge_sources" in rec:
        props["primary_knowledge_source"] = rec["primary_knowledge_sources"]
    if not props.get("evidence_id"):
        props["negated"] = bool(props.get("negated", False))
    subject, obj = from_biolink(rec["subject"]), from_biolink(rec["object"])
    # The relationship keeps its own copies of the endpoint ids (evigraph's, as in the graph).
    props["subject"], props["object"] = subject, obj
    return {"subject": subject, "object": obj, "type": rel_type, "props": props}
