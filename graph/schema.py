"""The schema: constraints and indexes from cypher/schema/, applied idempotently."""

from __future__ import annotations

import logging

from graph import queries
from graph.repository import GraphStore

logger = logging.getLogger(__name__)

SCHEMA_FILES = ("schema/constraints", "schema/indexes")


def expected_names() -> set[str]:
    """Names of every constraint and index the schema files declare."""
    names = set()
    for f in SCHEMA_FILES:
        for stmt in queries.statements(f):
            words = stmt.split()
            # CREATE [FULLTEXT] (CONSTRAINT|INDEX) <name> IF NOT EXISTS ...
            idx = next(i for i, w in enumerate(words) if w.upper() in ("CONSTRAINT", "INDEX"))
            names.add(words[idx + 1])
    return names


def apply_schema(store: GraphStore) -> list[str]:
    """Create what is missing; returns the names created (empty on a second run)."""
    before = existing_names(store)
    for f in SCHEMA_FILES:
        for i, stmt in enumerate(queries.statements(f)):
            store.run_text(f"{f}#{i + 1}", stmt, {}, read=False)
    store.run_text("schema/await", "CALL db.awaitIndexes(300)", {}, read=False)
    created = sorted(existing_names(store) - before)
    logger.info("schema applied: %d created, %d already present", len(created), len(before))
    return created


def existing_names(store: GraphStore) -> set[str]:
    constraints = {r["name"] for r in store.read("schema/show_constraints")}
    indexes = {r["name"] for r in store.read("schema/show_indexes")}
    return constraints | indexes


def missing(store: GraphStore) -> set[str]:
    """Declared constraints and indexes the database lacks (empty when the schema is applied)."""
    return expected_names() - existing_names(store)
