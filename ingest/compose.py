"""What the transactional path stores in an empty database, computed in Python for a bulk load.

`compose` replays the write plans of several sources, in the order the job would run them,
the way the Cypher of cypher/ingest/ applies them to an empty database: the stub MERGE
(upsert_stub_nodes), the node and statement upserts (upsert_nodes, upsert_edges) and the
derived display properties (refresh_display_props). The result is every node and
relationship with exactly the labels and properties those queries would leave, so a bulk
import of it gives the same `evigraph stats --checksum` as loading the sources one by one
(tests/integration/test_bulk_ingest.py compares the two on the fixtures).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.vocabulary import SOURCE_INFORES, SOURCE_KEYS
from ingest.merge import Plan

# refresh_display_props: the resource that owns the id names it first.
NAME_ORDER = ("hpo", "orphanet", "omim", "hpoa", "hpoa_supplement")


@dataclass
class NodeState:
    id: str
    labels: list[str]
    props: dict[str, Any]
    described: bool = False  # some source wrote its own properties (not only a stub)


@dataclass
class Graph:
    nodes: dict[str, NodeState] = field(default_factory=dict)
    # (subject, rel, object, negated) -> properties; the type is `rel`.
    edges: dict[tuple[str, str, str, bool], dict[str, Any]] = field(default_factory=dict)


def compose(plans: list[tuple[Plan, str]], part: int = 0, parts: int = 1) -> Graph:
    """The graph an empty database holds after writing `plans` ((plan, run id), in run order).

    With parts > 1, only the statements of partition `part` (by a hash of their key, stable
    within one process tree) and, for part 0 only, the nodes: the partitions together are the
    whole graph, and can be composed in parallel (forked processes share the hash seed)."""
    g = Graph()
    if part == 0:
        _compose_nodes(g, plans)
    for plan, run_id in plans:
        src = plan.source.value
        for row in plan.edges:
            key = (row["subject"], row["rel"], row["object"], row["negated"])
            if parts > 1 and hash(key) % parts != part:
                continue
            props = g.edges.setdefault(key, {"negated": row["negated"]})
            props["subject"], props["predicate"] = row["subject"], row["predicate"]
            props["object"] = row["object"]
            _set_all(props, row["props"])
            props["sources"] = _with_source(props.get("sources"), src)
            _edge_provenance(props, run_id)
    return g


def _compose_nodes(g: Graph, plans: list[tuple[Plan, str]]) -> None:
    for plan, run_id in plans:
        src = plan.source.value
        for stub in plan.stubs:
            node = g.nodes.get(stub["id"])
            if node is None:  # ON CREATE SET n.category = row.category, n.sources = []
                node = g.nodes[stub["id"]] = NodeState(
                    stub["id"], ["Entity"], {"id": stub["id"], "category": stub["category"]}
                )
                node.props["sources"] = []
            _add_label(node, stub["label"])
        for row in plan.nodes:
            node = g.nodes.get(row["id"])
            if node is None:
                node = g.nodes[row["id"]] = NodeState(row["id"], ["Entity"], {"id": row["id"]})
            _add_label(node, row["label"])
            node.props["category"] = row["category"]
            _set_all(node.props, row["props"])
            node.props["sources"] = _with_source(node.props.get("sources"), src)
            node.props["last_ingest_run"] = run_id
            node.described = True
    for node in g.nodes.values():
        if node.described:
            _display_props(node.props)


def _add_label(node: NodeState, label: str) -> None:
    if label not in node.labels:
        node.labels.append(label)


def _set_all(props: dict[str, Any], new: dict[str, Any]) -> None:
    """SET x += map: a null value removes the key."""
    for k, v in new.items():
        if v is None:
            props.pop(k, None)
        else:
            props[k] = v


def _with_source(current: list[str] | None, src: str) -> list[str]:
    have = current or []
    return [s for s in SOURCE_KEYS if s in have or s == src]


def _edge_provenance(props: dict[str, Any], run_id: str) -> None:
    sources = props["sources"]
    props["primary_knowledge_source"] = [SOURCE_INFORES[s] for s in sources]
    for k in ("knowledge_level", "agent_type"):
        first = props.get(sources[0] + "_" + k) if sources else None
        if first is None:
            props.pop(k, None)
        else:
            props[k] = first
    props["last_ingest_run"] = run_id


def _display_props(props: dict[str, Any]) -> None:
    name = next(
        (props[s + "_name"] for s in NAME_ORDER if props.get(s + "_name") is not None), None
    )
    if name is None:
        props.pop("name", None)
    else:
        props["name"] = name
    synonyms = _concat_unique(props, "synonyms")
    props["synonyms"] = synonyms
    props["xrefs"] = _concat_unique(props, "xrefs")
    text = ""
    for s in synonyms:  # reduce(t = '', s IN synonyms | t + CASE WHEN t = '' ... END + s)
        text += ("" if text == "" else " | ") + s
    props["synonym_text"] = text
    props["primary_knowledge_source"] = [SOURCE_INFORES[s] for s in props.get("sources") or []]


def _concat_unique(props: dict[str, Any], what: str) -> list[Any]:
    """coalesce(n.hpo_x, []) + ... + coalesce(n.hpoa_x, []), first occurrences kept."""
    out: list[Any] = []
    for s in NAME_ORDER:
        value = props.get(f"{s}_{what}")
        for item in value if isinstance(value, list) else ([] if value is None else [value]):
            if item not in out:
                out.append(item)
    return out
