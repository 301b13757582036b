"""What every CLI command shares: settings, a connected GraphStore, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from core.settings import Settings, get_settings
from graph.repository import GraphStore


def settings() -> Settings:
    return get_settings()


@contextmanager
def store() -> Iterator[GraphStore]:
    """A verified connection for one command, closed when it ends."""
    s = GraphStore.connect(settings().neo4j)
    try:
        yield s
    finally:
        s.close()


def print_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")
