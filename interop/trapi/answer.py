"""The TRAPI 2.0 Response of an answered query: knowledge graph, results, logs.

Edges carry `sources` (each primary knowledge source of the statement, and evigraph as the
aggregator of curated ones with them upstream), `knowledge_level` and `agent_type` (top-level
Edge properties in TRAPI 2.0), and attributes: biolink:publications, and for extracted
statements the document, the sentence, the model and its score. Predicates Biolink marks
non-canonical (narrow_match) are stated through their canonical inverse. CURIEs go out as
the Biolink prefix map writes them (ORPHA:558 as ORDO:Orphanet_558). TRAPI 2.0 allows no
nulls: absent values are left out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from graph.vocabulary import EVIGRAPH_INFORES
from interop.biolink import BIOLINK_VERSION
from interop.kgx import statement_id
from interop.prefixes import to_biolink
from interop.trapi.engine import Found, Hit, join
from interop.trapi.query import TRAPI_VERSION, Plan, tables


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
    made: dict[tuple[str, int], list[str]] = {}  # (query edge, row) -> its KG edge ids
    for nodes, edges in results:
        bindings = {q: {"ids": [to_biolink(i)]} for q, i in nodes.items()}
        for node_id in nodes.values():
            kg_nodes.setdefault(to_biolink(node_id), _node(node_id, found.nodes[node_id]))
        edge_bindings = {}
        for qedge, rows in edges.items():
            ids = []
            for n in sorted(rows):
                if (qedge, n) not in made:
                    pairs = _edges(found.edges[qedge][n][2])
                    kg_edges.update(pairs)
                    made[qedge, n] = [edge_id for edge_id, _ in pairs]
                ids.extend(made[qedge, n])
            edge_bindings[qedge] = {"ids": ids}
        result: dict[str, Any] = {"node_bindings": bindings}
        if edge_bindings:
            result["analyses"] = [{"resource_id": EVIGRAPH_INFORES, "edge_bindings": edge_bindings}]
        out_results.append(result)
    qg = plan.query.message.query_graph.model_dump(exclude_none=True)
    if not qg.get("edges"):
        qg.pop("edges", None)  # TRAPI 2.0: absent, never empty
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


def _edges(hit: Hit) -> list[tuple[str, dict[str, Any]]]:
    """A statement as TRAPI edges: one per primary knowledge source (Translator's convention;
    a statement HPO annotations and Orphanet both assert is two edges, ids suffixed `#infores`)."""
    # The expansion returns plain values (a projection of scalar and list properties).
    props = {k: v for k, v in hit.props.items() if v is not None}
    statement = statement_id(hit.subject, hit.type, hit.object, props)
    primaries = props.get("primary_knowledge_source") or [EVIGRAPH_INFORES]
    primaries = primaries if isinstance(primaries, list) else [primaries]
    if len(primaries) == 1:
        return [(statement, _edge(hit, props, primaries[0]))]
    return [(f"{statement}#{p}", _edge(hit, props, p)) for p in primaries]


def _edge(hit: Hit, props: dict[str, Any], primary: str) -> dict[str, Any]:
    sources: list[dict[str, Any]] = [
        {"resource_id": primary, "resource_role": "primary_knowledge_source"}
    ]
    if primary != EVIGRAPH_INFORES:
        sources.append(
            {
                "resource_id": EVIGRAPH_INFORES,
                "resource_role": "aggregator_knowledge_source",
                "upstream_resource_ids": [primary],
            }
        )
    subject, predicate, obj = (
        hit.subject,
        props.get("predicate") or "biolink:related_to",
        hit.object,
    )
    canonical = tables()["non_canonical"].get(predicate)
    if canonical:  # stated through the canonical inverse: narrow_match as broad_match
        subject, predicate, obj = obj, canonical, subject
    edge = {
        "subject": to_biolink(subject),
        "object": to_biolink(obj),
        "predicate": predicate,
        "sources": sources,
        "knowledge_level": props.get("knowledge_level") or "not_provided",
        "agent_type": props.get("agent_type") or "not_provided",
    }
    attributes = _attributes(props)
    if attributes:
        edge["attributes"] = attributes
    return edge


def _attributes(props: dict[str, Any]) -> list[dict[str, Any]]:
    pubs = {p for k, v in props.items() if k.endswith("publications") for p in _list(v)}
    if str(props.get("document_id", "")).startswith("PMID:"):
        pubs.add(props["document_id"])
    out: list[dict[str, Any]] = []
    if pubs:
        out.append({"attribute_type_id": "biolink:publications", "value": sorted(pubs)})
    if props.get("score") is not None:
        out.append({"attribute_type_id": "biolink:has_confidence_score", "value": props["score"]})
    if props.get("evidence_id"):
        out.append(_study(props))
    return out


def _study(props: dict[str, Any]) -> dict[str, Any]:
    """An extracted statement's evidence as a study result (Biolink 4.4.6 puts the sentence and
    the extraction score on the study result, not on the edge), with the model that read it."""
    nested: list[dict[str, Any]] = []
    if props.get("sentence"):
        nested.append({"attribute_type_id": "biolink:supporting_text", "value": props["sentence"]})
    if props.get("score") is not None:
        nested.append(
            {"attribute_type_id": "biolink:extraction_confidence_score", "value": props["score"]}
        )
    if props.get("model_name"):
        model = f"{props['model_name']} {props.get('model_version', '')}".strip()
        nested.append(
            {
                "attribute_type_id": "biolink:has_attribute",
                "original_attribute_name": "model",
                "value": model,
            }
        )
    if props.get("document_id"):
        nested.append(
            {"attribute_type_id": "biolink:publications", "value": [props["document_id"]]}
        )
    return {
        "attribute_type_id": "biolink:has_supporting_studies",
        "value": f"EVIGRAPH:evidence/{props['evidence_id']}",
        "attributes": nested,
    }


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
