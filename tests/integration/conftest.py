"""Integration tests run against the real Neo4j that `make test` starts; they fail, never skip,
when it is down. Each test starts from an empty graph with the schema applied."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.exceptions import EvigraphError
from core.settings import Neo4jSettings, Settings
from graph import schema
from graph.repository import GraphStore

WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


@pytest.fixture(scope="session")
def neo4j_cfg() -> Neo4jSettings:
    return Settings().neo4j


@pytest.fixture(scope="session")
def session_store(neo4j_cfg: Neo4jSettings) -> Iterator[GraphStore]:
    try:
        store = GraphStore.connect(neo4j_cfg)
    except EvigraphError as e:
        pytest.fail(f"integration tests need the test Neo4j (run them with `make test`): {e}")
    yield store
    store.close()


@pytest.fixture
def store(session_store: GraphStore) -> GraphStore:
    """An empty graph with the schema applied."""
    with session_store.driver.session(database=session_store.database) as s:
        s.run(WIPE).consume()
    schema.apply_schema(session_store)
    return session_store
