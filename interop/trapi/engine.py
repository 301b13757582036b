"""Answer a planned TRAPI query from the graph: one parameterised Cypher call per query edge
(cypher/trapi/expand_edge.cypher, from the ids bound so far to the other end), then the rows
joined into results in Python.

Nothing of the request is formatted into Cypher: ids, predicates and categories are
parameters, and predicates and categories come from the Biolink tables, never from the request
text. The whole query has one time budget (each call gets what is left, as a server-side
transaction timeout) and the results a limit."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from core.exceptions import QueryTimeoutError
from graph.repository import GraphStore
from interop.trapi.query import Plan, Step

# Rows one expansion may return: the join works on them in memory.
MAX_ROWS = 50_000


@dataclass
class Hit:
    """One stored statement bound to a query edge."""

    subject: str
    object: str
    type: str
    props: dict[str, Any]


@dataclass
class Found:
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> name, category
    edges: dict[str, list[tuple[str, str, Hit]]] = field(default_factory=dict)  # qedge -> rows
    logs: list[tuple[str, str]] = field(default_factory=list)  # (level, message)
    truncated: bool = False


def run(store: GraphStore, plan: Plan, timeout_s: float) -> Found:
    deadline = time.monotonic() + timeout_s
    found = Found()
    bound: dict[str, set[str]] = {k: set(v) for k, v in plan.ids.items()}
    for step in plan.steps:
        rows = _expand(store, plan, step, bound, deadline, found)
        by_known: dict[str, set[str]] = defaultdict(set)
        for known, other, _ in rows:
            by_known[step.other].add(other)
            by_known[step.known].add(known)
        for qnode, ids in by_known.items():
            bound[qnode] = ids if qnode not in bound else bound[qnode] & ids
        for qnode in (step.known, step.other):
            bound.setdefault(qnode, set())
        found.edges[step.edge] = rows
    if not plan.steps:  # a query graph of pinned nodes only: look them up
        _lookup(store, plan, found)
    return found


def _expand(
    store: GraphStore,
    plan: Plan,
    step: Step,
    bound: dict[str, set[str]],
    deadline: float,
    found: Found,
) -> list[tuple[str, str, Hit]]:
    if step.qualified:
        found.logs.append(
            (
                "WARNING",
                f"query edge {step.edge}: evigraph's statements carry no Biolink "
                "qualifiers, so no statement meets its qualifier constraints",
            )
        )
        return []
    left = deadline - time.monotonic()
    if left <= 0:
        raise QueryTimeoutError("the TRAPI query ran past its time limit")
    other_ids = bound.get(step.other)
    rows = store.read_timed(
        "trapi/expand_edge",
        left,
        ids=sorted(bound[step.known]),
        out_predicates=list(step.out_predicates),
        in_predicates=list(step.in_predicates),
        categories=plan.categories.get(step.other),
        other_ids=sorted(other_ids) if other_ids is not None else None,
        limit=MAX_ROWS,
    )
    if len(rows) >= MAX_ROWS:
        found.truncated = True
        found.logs.append(("WARNING", f"query edge {step.edge}: stopped at {MAX_ROWS} statements"))
    out = []
    for r in rows:
        found.nodes[r["known"]] = {"name": r["known_name"], "category": r["known_category"]}
        found.nodes[r["other"]] = {"name": r["other_name"], "category": r["other_category"]}
        subject, obj = (r["known"], r["other"]) if r["outward"] else (r["other"], r["known"])
        out.append((r["known"], r["other"], Hit(subject, obj, r["type"], r["props"])))
    return out


def _lookup(store: GraphStore, plan: Plan, found: Found) -> None:
    ids = sorted({i for v in plan.ids.values() for i in v})
    for r in store.read("trapi/get_nodes", ids=ids, raw=True):
        found.nodes[r["id"]] = {"name": r["name"], "category": r["category"]}


def join(plan: Plan, found: Found, limit: int) -> list[tuple[dict[str, str], dict[str, set[int]]]]:
    """Results: node bindings (query node -> id) with, per query edge, the indexes of the rows
    (into found.edges[qedge]) that bind it. Partial results grow one query edge at a time."""
    partial: list[tuple[dict[str, str], dict[str, set[int]]]] = []
    if not plan.steps:
        for qnode, ids in plan.ids.items():
            partial = [({qnode: i}, {}) for i in ids if i in found.nodes]
        return partial[:limit]
    first = plan.steps[0]
    partial = [({first.known: k}, {}) for k in sorted({k for k, _, _ in found.edges[first.edge]})]
    for step in plan.steps:
        index: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for n, (known, other, _) in enumerate(found.edges[step.edge]):
            index[known].append((other, n))
        grown: dict[tuple[tuple[str, str], ...], tuple[dict[str, str], dict[str, set[int]]]] = {}
        for nodes, edges in partial:
            for other, n in index.get(nodes[step.known], ()):
                if nodes.get(step.other, other) != other:
                    continue
                new_nodes = {**nodes, step.other: other}
                key = tuple(sorted(new_nodes.items()))
                if key not in grown:
                    grown[key] = (new_nodes, {e: set(v) for e, v in edges.items()})
                grown[key][1].setdefault(step.edge, set()).add(n)
        partial = list(grown.values())
    return partial[:limit]
