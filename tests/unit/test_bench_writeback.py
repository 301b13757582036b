"""bench.writeback's layouts: a round's copy keeps the curated nodes it links to and gives
everything else ids of its own; rows are cut into transactions by their statements."""

from __future__ import annotations

from typing import Any

from bench.writeback import in_shards, salted


def _row(doc: str, edges: int) -> dict[str, Any]:
    edge = {
        "subject": "DRUG:x",
        "object": "HP:0000365",
        "rel": "R",
        "evidence_id": doc,
        "props": {},
    }
    nodes = [{"id": "DRUG:x", "label": "Drug"}, {"id": "HP:0000365", "label": "PhenotypicFeature"}]
    return {"document_id": doc, "key": f"ade|{doc}", "nodes": nodes, "edges": [edge] * edges}


def test_a_salted_copy_keeps_the_curated_nodes_and_renames_the_rest() -> None:
    (row,) = salted([_row("PMID:1", 1)], "#r1", keep=frozenset({"HP:0000365"}))
    assert [n["id"] for n in row["nodes"]] == ["DRUG:x#r1", "HP:0000365"]
    (edge,) = row["edges"]
    assert (edge["subject"], edge["object"]) == ("DRUG:x#r1", "HP:0000365")
    assert (row["document_id"], row["key"], edge["evidence_id"]) == (
        "PMID:1#r1",
        "ade|PMID:1#r1",
        "PMID:1#r1",
    )
    (everything,) = salted([_row("PMID:1", 1)], "#r2")
    assert {n["id"] for n in everything["nodes"]} == {"DRUG:x#r2", "HP:0000365#r2"}


def test_rows_are_cut_into_parts_of_about_the_statements_asked() -> None:
    rows = [_row(f"PMID:{k}", k % 3) for k in range(10)]
    parts = in_shards(rows, 4)
    assert [r for p in parts for r in p] == rows  # nothing lost or reordered
    assert [[len(r["edges"]) for r in p] for p in parts] == [[0, 1, 2, 0, 1], [2, 0, 1, 2], [0]]
    # a part is closed once it holds the statements asked: none holds 4 without its last row
    assert all(sum(len(r["edges"]) for r in p[:-1]) < 4 for p in parts)
