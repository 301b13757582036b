from __future__ import annotations

import os

import pytest

# Tests never read a developer's .env; `make test` exports the test server's settings.
os.environ.setdefault("EVIGRAPH_LOG_LEVEL", "WARNING")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.neo4j)
