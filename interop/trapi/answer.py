"""The TRAPI 2.0 Response of an answered query: knowledge graph, results, logs.

Edges carry `sources` (each primary knowledge source of the statement, and evigraph as the
aggregator of curated ones with them upstream), `knowledge_level` and `agent_type` (top-level
Edge properties in TRAPI 2.0), and attributes: biolink:publications, and for extracted
statements the document, the sentence, the model and its score. CURIEs go out as the Biolink
prefix map writes them (ORPHA:558 as ORDO:Orphanet_558). TRAPI 2.0 allows no nulls: absent
values are left out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from extraction.writeback import INFORES
from interop.biolink import BIOLINK_VERSION
from interop.kgx import plain_props, statement_id
from interop.prefixes import to_biolink
from interop.trapi.engine import Found, Hit, join
from interop.trapi.query import TRAPI_VERSION, Plan


def log(level: str, message: str, code: str | None = None) -> dict[str, Any]:
    entry = {"timestamp": datetime.now(UTC).isoformat(), "level": level, "message": message}
    if code:
        entry["code"] = code
    return entry


def response(
    message: dict[str, Any],
    logs: list[dict[str, Any]],
    status: str,
    description: str,
    parameters: dict[str, Any] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "message": message,
        "status": status,
        "description": description,
        "logs": logs,
        "schema_version": TRAPI_VERSION,
        "biolink_version": BIOLINK_VERSION,
    }
    if parameters:
        out["parameters"] = parameters
    return out


def answer(plan: Plan, found: Found, limit: int) -> dict[str, Any]:
    results = join(plan, found, limit)
    kg_nodes: dict[str, Any] = {}
    kg_edges: dict[str, Any] = {}
    out_results = []
    for nodes, edges in results:
        bindings = {q: {"ids": [to_biolink(i)]} for q, i in nodes.items()}
        for node_id in nodes.values():
            kg_nodes.setdefault(to_biolink(node_id), _node(node_id, found.nodes[node_id]))
        edge_bindings = {}
        for qedge, rows in edges.items():
            ids = []
            for n in sorted(rows):
                hit = found.edges[qedge][n][2]
                edge_id = statement_id(hit.subject, hit.type, hit.object, hit.props)
                kg_edges.setdefault(edge_id, _edge(hit))
                ids.append(edge_id)
            edge_bindings[qedge] = {"ids": ids}
        result: dict[str, Any] = {"node_bindings": bindings}
        if edge_bindings:
            result["analyses"] = [{"resource_id": INFORES, "edge_bindings": edge_bindings}]
        out_results.append(result)
    qg = plan.query.message.query_graph.model_dump(exclude_none=True, exclude_defaults=False)
    kg: dict[str, Any] = {"nodes": kg_nodes}
    if kg_edges:
        kg["edges"] = kg_edges
    logs = [log(level, text) for level, text in found.logs]
    described = f"Success. {len(out_results)} results."
    logs.append(log("INFO", described))
    message = {"query_graph": qg, "knowledge_graph": kg, "results": out_results}
    return response(message, logs, "Success", described, plan.query.parameters)


def _node(node_id: str, info: dict[str, Any]) -> dict[str, Any]:
    category = info.get("category") or "biolink:NamedThing"
    return {"name": info.get("name") or to_biolink(node_id), "categories": [category]}


def _edge(hit: Hit) -> dict[str, Any]:
    props = plain_props(hit.props)
    primaries = props.get("primary_knowledge_source") or [INFORES]
    primaries = primaries if isinstance(primaries, list) else [primaries]
    sources = [{"resource_id": p, "resource_role": "primary_knowledge_source"} for p in primaries]
    if primaries != [INFORES]:
        sources.append(
            {
                "resource_id": INFORES,
                "resource_role": "aggregator_knowledge_source",
                "upstream_resource_ids": primaries,
            }
        )
    edge = {
        "subject": to_biolink(hit.subject),
        "object": to_biolink(hit.object),
        "predicate": props.get("predicate") or "biolink:related_to",
        "sources": sources,
        "knowledge_level": props.get("knowledge_level") or "not_provided",
        "agent_type": props.get("agent_type") or "not_provided",
    }
    attributes = _attributes(props)
    if attributes:
        edge["attributes"] = attributes
    return edge


def _attributes(props: dict[str, Any]) -> list[dict[str, Any]]:
    pubs = {p for k, v in props.items() if k.endswith("_publications") for p in _list(v)}
    if str(props.get("document_id", "")).startswith("PMID:"):
        pubs.add(props["document_id"])
    out: list[dict[str, Any]] = []
    if pubs:
        out.append({"attribute_type_id": "biolink:publications", "value": sorted(pubs)})
    if props.get("sentence"):
        out.append({"attribute_type_id": "biolink:supporting_text", "value": [props["sentence"]]})
    if props.get("score") is not None:
        out.append(
            {"attribute_type_id": "biolink:extraction_confidence_score", "value": props["score"]}
        )
    if props.get("model_name"):
        model = f"{props['model_name']} {props.get('model_version', '')}".strip()
        out.append(
            {
                "attribute_type_id": "biolink:supporting_study_method_description",
                "value": model,
                "original_attribute_name": "model_name",
            }
        )
    if props.get("document_id"):
        out.append(
            {
                "attribute_type_id": "biolink:supporting_documents",
                "value": [props["document_id"]],
                "original_attribute_name": "document_id",
            }
        )
    return out


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
