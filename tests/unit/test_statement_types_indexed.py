"""The write-back's statement query has one static-type subquery, and the schema one evidence_id
uniqueness constraint, for every extracted relationship type: a type missing from either would
be dropped by the write-back (no branch) or written by expanding every relationship between its
two nodes (no constraint, whose index the MERGE seeks)."""

from __future__ import annotations

import re

from graph import queries, schema
from graph.vocabulary import RelType

EXTRACTED = {t.value for t in RelType if not t.curated}


def test_every_extracted_type_has_a_write_branch() -> None:
    text = queries.load("extraction/upsert_statements")
    branches = re.findall(r"WHERE row\.rel = '(\w+)'", text)
    merged = re.findall(r"MERGE \(s\)-\[r:(\w+) \{evidence_id: row\.evidence_id\}\]->\(o\)", text)
    assert sorted(branches) == sorted(EXTRACTED)
    assert merged == branches


def test_every_extracted_type_has_a_unique_evidence_id() -> None:
    indexed = {
        m.group(1)
        for stmt in queries.statements("schema/constraints")
        if (m := re.search(r"FOR \(\)-\[r:(\w+)\]-\(\) REQUIRE r\.evidence_id IS UNIQUE", stmt))
    }
    assert indexed == EXTRACTED
    assert {f"{t.lower()}_evidence_id_unique" for t in EXTRACTED} <= schema.expected_names()
