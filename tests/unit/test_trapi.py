"""TRAPI query graphs checked and planned with no server: the Biolink tables, the expansion
order, and every kind of bad query graph."""

from __future__ import annotations

from typing import Any

import pytest

from core.exceptions import TrapiQueryError, TrapiVersionError
from interop.trapi import query


def _q(nodes: dict[str, Any], edges: dict[str, Any]) -> dict[str, Any]:
    return {"message": {"query_graph": {"nodes": nodes, "edges": edges}}}


def test_tables_hold_the_predicate_hierarchy_and_inverses() -> None:
    preds = query.tables()["predicates"]
    assert query.tables()["biolink_version"] == "4.4.6"
    assert "biolink:has_phenotype" in preds["biolink:related_to"]["forward"]
    assert "biolink:has_phenotype" in preds["biolink:related_to"]["reverse"]  # symmetric
    assert preds["biolink:phenotype_of"] == {"forward": [], "reverse": ["biolink:has_phenotype"]}
    assert preds["biolink:has_phenotype"] == {"forward": ["biolink:has_phenotype"], "reverse": []}
    classes = query.tables()["classes"]
    assert {"biolink:Disease", "biolink:PhenotypicFeature"} <= set(
        classes["biolink:DiseaseOrPhenotypicFeature"]
    )


def test_two_hop_plan_starts_at_the_pinned_node_and_follows_the_edges() -> None:
    q = _q(
        {
            "g": {"ids": ["NCBIGene:2200"]},
            "d": {"categories": ["biolink:Disease"]},
            "p": {"categories": ["biolink:PhenotypicFeature"]},
        },
        {
            "e1": {"subject": "d", "object": "p", "predicates": ["biolink:has_phenotype"]},
            "e0": {"subject": "d", "object": "g", "predicates": ["biolink:related_to"]},
        },
    )
    plan = query.plan(query.parse(q))
    assert [(s.edge, s.known, s.other) for s in plan.steps] == [("e0", "g", "d"), ("e1", "d", "p")]
    # e0 runs from its object: statements stored from the gene outwards match in reverse.
    assert "biolink:gene_associated_with_condition" in plan.steps[0].out_predicates
    assert plan.steps[1].out_predicates == ("biolink:has_phenotype",)
    assert plan.categories["d"] == ["biolink:Disease"]


def test_biolink_curies_come_in_as_evigraph_ids() -> None:
    plan = query.plan(query.parse(_q({"d": {"ids": ["ORDO:Orphanet_558", "OMIM:1"]}}, {})))
    assert plan.ids == {"d": ["ORPHA:558", "OMIM:1"]} and plan.steps == []


@pytest.mark.parametrize(
    "body,error,words",
    [
        (
            _q(
                {"a": {"ids": ["HP:1"]}, "b": {}},
                {"e": {"subject": "a", "object": "b", "predicates": ["biolink:frobnicates"]}},
            ),
            TrapiQueryError,
            "unknown Biolink predicates",
        ),
        (
            _q({"a": {"categories": ["biolink:Disease"]}}, {}),
            TrapiQueryError,
            "no query node has ids",
        ),
        (
            _q({"a": {"ids": ["HP:1"]}, "b": {}, "c": {}}, {"e": {"subject": "b", "object": "c"}}),
            TrapiQueryError,
            "not connected",
        ),
        (
            _q({"a": {"ids": ["HP:1"]}}, {"e": {"subject": "a", "object": "z"}}),
            TrapiQueryError,
            "no query node 'z'",
        ),
        (
            _q({"a": {"ids": ["HP:1"], "categories": ["biolink:Widget"]}}, {}),
            TrapiQueryError,
            "unknown Biolink categories",
        ),
        (_q({"a": {"ids": ["HP:1"], "set_interpretation": "ALL"}}, {}), TrapiQueryError, "BATCH"),
        (
            _q(
                {"a": {"ids": ["HP:1"]}, "b": {}},
                {"e": {"subject": "a", "object": "b", "qualifier_constraints": []}},
            ),
            TrapiVersionError,
            "TRAPI 1.x",
        ),
        (
            {**_q({"a": {"ids": ["HP:1"]}}, {}), "schema_version": "1.6.0"},
            TrapiVersionError,
            "1.6.0",
        ),
        (_q({}, {}), TrapiVersionError, "nodes"),
        ([], TrapiVersionError, "JSON object"),
    ],
)
def test_bad_query_graphs_are_refused_with_the_reason(
    body: Any, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        query.plan(query.parse(body))


def test_qualifier_constraints_are_understood_and_match_nothing() -> None:
    """TRAPI 2.0 QEdge.constraints.qualifiers: evigraph's statements carry no Biolink
    qualifiers, so the edge is planned as one no statement can meet (the engine logs it)."""
    qualifiers = [
        {
            "qualifier_set": [
                {
                    "qualifier_type_id": "biolink:frequency_qualifier",
                    "qualifier_value": "HP:0040281",
                }
            ]
        }
    ]
    edge = {"subject": "a", "object": "b", "constraints": {"qualifiers": qualifiers}}
    plan = query.plan(query.parse(_q({"a": {"ids": ["HP:1"]}, "b": {}}, {"e": edge})))
    assert plan.steps[0].qualified
    with pytest.raises(TrapiQueryError, match="not supported"):
        edge = {"subject": "a", "object": "b", "constraints": {"sources": {"allow": ["x"]}}}
        query.plan(query.parse(_q({"a": {"ids": ["HP:1"]}, "b": {}}, {"e": edge})))
