"""TRAPI 2.0 query graphs: the request models, the Biolink tables, and the plan (the order in
which query edges are expanded, each with the graph predicates and categories it matches).

Everything a client sends is checked here, before any Cypher runs: an unknown predicate or
category, an edge naming a missing node, a disconnected graph, a graph with no ids on any
node, constraints evigraph cannot honour and TRAPI 1.x queries raise TrapiQueryError or
TrapiVersionError, whose message becomes the answer's TRAPI log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.exceptions import TrapiQueryError, TrapiVersionError
from interop.prefixes import from_biolink

TRAPI_VERSION = "2.0.0-beta"
MAX_IDS = 1000  # ids on one query node


class QNode(BaseModel):
    model_config = ConfigDict(extra="allow")
    ids: list[str] | None = Field(default=None, min_length=1, max_length=MAX_IDS)
    categories: list[str] | None = Field(default=None, min_length=1)
    set_interpretation: Literal["BATCH", "ALL", "MANY", "COLLATE"] = "BATCH"
    member_ids: list[str] | None = None
    constraints: list[dict[str, Any]] | None = None


class QEdge(BaseModel):
    model_config = ConfigDict(extra="allow")
    subject: str
    object: str
    predicates: list[str] | None = Field(default=None, min_length=1)
    knowledge_type: str = "lookup"
    constraints: dict[str, Any] | None = None


class QueryGraph(BaseModel):
    model_config = ConfigDict(extra="allow")
    nodes: dict[str, QNode] = Field(min_length=1)
    edges: dict[str, QEdge] = Field(default_factory=dict)
    paths: dict[str, Any] | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    query_graph: QueryGraph


class Query(BaseModel):
    model_config = ConfigDict(extra="allow")
    message: Message
    parameters: dict[str, Any] | None = None
    submitter: str | None = None
    workflow: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class Step:
    """Expand query edge `edge` from the bound node `known` to `other`."""

    edge: str
    known: str
    other: str
    out_predicates: tuple[str, ...]
    in_predicates: tuple[str, ...]
    qualified: bool = False  # qualifier constraints: evigraph's statements carry no qualifiers


@dataclass(frozen=True)
class Plan:
    query: Query
    ids: dict[str, list[str]]  # query node -> evigraph ids it is pinned to
    categories: dict[str, list[str] | None]  # query node -> graph categories (None: any)
    steps: list[Step]


@cache
def tables() -> dict[str, Any]:
    """Biolink 4.4.6 predicate and class tables computed with bmt (gen_tables.py)."""
    text = resources.files("interop.trapi").joinpath("biolink_tables.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def parse(payload: Any) -> Query:
    _check_version(payload)
    try:
        return Query.model_validate(payload)
    except ValidationError as e:
        where = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()[:5]
        )
        raise TrapiVersionError(f"not a TRAPI {TRAPI_VERSION} query: {where}") from e


def _check_version(payload: Any) -> None:
    if not isinstance(payload, dict):
        raise TrapiVersionError("a TRAPI query is a JSON object with a message")
    version = payload.get("schema_version")
    if version is not None and not str(version).startswith("2.0"):
        raise TrapiVersionError(
            f"TRAPI version {version!r} is not supported: this endpoint speaks {TRAPI_VERSION}"
        )
    old = [k for k in ("log_level", "bypass_cache") if k in payload]
    message = payload.get("message")
    qg = message.get("query_graph") if isinstance(message, dict) else None
    edges = qg.get("edges") if isinstance(qg, dict) else None
    for key, edge in edges.items() if isinstance(edges, dict) else ():
        if isinstance(edge, dict):
            legacy = ("attribute_constraints", "qualifier_constraints")
            old += [f"edges.{key}.{k}" for k in legacy if k in edge]
    if old:
        raise TrapiVersionError(
            f"TRAPI 1.x query ({', '.join(old)}): this endpoint speaks TRAPI {TRAPI_VERSION}, "
            "where these are parameters.log_level, parameters.bypass_cache and "
            "QEdge.constraints"
        )


def plan(query: Query) -> Plan:
    qg = query.message.query_graph
    ids = {k: [from_biolink(i) for i in n.ids] for k, n in qg.nodes.items() if n.ids}
    categories = {k: _categories(k, n) for k, n in qg.nodes.items()}
    for key, node in qg.nodes.items():
        if node.set_interpretation != "BATCH":
            raise TrapiQueryError(
                f"query node {key}: set_interpretation "
                f"{node.set_interpretation} is not supported (BATCH only)"
            )
    if qg.paths:
        raise TrapiQueryError("pathfinder queries (query_graph.paths) are not supported")
    for key, edge in qg.edges.items():
        _check_edge(key, edge, qg)
    if not ids:
        raise TrapiQueryError("no query node has ids: pin at least one node to CURIEs")
    return Plan(query, ids, categories, _order(qg, ids))


def _categories(key: str, node: QNode) -> list[str] | None:
    if not node.categories:
        return None
    classes = tables()["classes"]
    unknown = [c for c in node.categories if c not in classes]
    if unknown:
        raise TrapiQueryError(f"query node {key}: unknown Biolink categories {unknown}")
    covered = sorted({g for c in node.categories for g in classes[c]})
    return covered


def _check_edge(key: str, edge: QEdge, qg: QueryGraph) -> None:
    for end in (edge.subject, edge.object):
        if end not in qg.nodes:
            raise TrapiQueryError(f"query edge {key}: no query node {end!r}")
    if edge.knowledge_type != "lookup":
        raise TrapiQueryError(
            f"query edge {key}: knowledge_type {edge.knowledge_type!r} is "
            "not supported (lookup only)"
        )
    unknown = [p for p in edge.predicates or () if p not in tables()["predicates"]]
    if unknown:
        raise TrapiQueryError(f"query edge {key}: unknown Biolink predicates {unknown}")
    qualifiers = (edge.constraints or {}).get("qualifiers")
    if qualifiers is not None and not qualifiers:
        raise TrapiQueryError(f"query edge {key}: constraints.qualifiers must not be empty")
    extra = sorted(set(edge.constraints or {}) - {"qualifiers"})
    if extra:
        raise TrapiQueryError(f"query edge {key}: constraints {extra} are not supported")


def _order(qg: QueryGraph, ids: dict[str, list[str]]) -> list[Step]:
    """Edges in the order they can be expanded: each from a node already bound, starting at the
    pinned node with the fewest ids; a graph that is not connected is refused."""
    bound = {min(ids, key=lambda k: len(ids[k]))}
    todo = dict(qg.edges)
    steps: list[Step] = []
    while todo:
        ready = [k for k, e in todo.items() if e.subject in bound or e.object in bound]
        if not ready:
            break
        key = ready[0]
        edge = todo.pop(key)
        steps.append(_step(key, edge, edge.subject in bound, bool(edge.constraints)))
        bound |= {edge.subject, edge.object}
    missing = sorted(set(qg.nodes) - bound) + sorted(todo)
    if missing:
        raise TrapiQueryError(
            f"the query graph is not connected: {', '.join(missing)} cannot be reached"
        )
    return steps


def _step(key: str, edge: QEdge, from_subject: bool, qualified: bool) -> Step:
    table = tables()["predicates"]
    forward: set[str] = set()
    reverse: set[str] = set()
    for pred in edge.predicates or ["biolink:related_to"]:
        forward.update(table[pred]["forward"])
        reverse.update(table[pred]["reverse"])
    fwd, rev = tuple(sorted(forward)), tuple(sorted(reverse))
    if from_subject:
        return Step(key, edge.subject, edge.object, fwd, rev, qualified)
    return Step(key, edge.object, edge.subject, rev, fwd, qualified)
