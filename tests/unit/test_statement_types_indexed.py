"""The write-back's statement query has one static-type branch, and the schema one evidence_id
index, for every extracted relationship type: a type missing from either would be dropped by
the write-back (no branch) or written by expanding every relationship between its two nodes
(no index)."""

from __future__ import annotations

import re

from extraction.writeback import RelType
from graph import queries, schema


def test_every_extracted_type_has_a_write_branch() -> None:
    text = queries.load("extraction/upsert_statements")
    branches = re.findall(r"WHERE row\.rel = '(\w+)'", text)
    merged = re.findall(r"MERGE \(s\)-\[r:(\w+) \{evidence_id: row\.evidence_id\}\]->\(o\)", text)
    assert sorted(branches) == sorted(t.value for t in RelType)
    assert merged == branches


def test_every_extracted_type_has_an_evidence_id_index() -> None:
    indexed = {
        m.group(1)
        for stmt in queries.statements("schema/indexes")
        if (m := re.search(r"FOR \(\)-\[r:(\w+)\]-\(\) ON \(r\.evidence_id\)", stmt))
    }
    assert indexed == {t.value for t in RelType}
    assert {f"{t.value.lower()}_evidence_id" for t in RelType} <= schema.expected_names()
