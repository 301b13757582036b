"""Dependencies of the routes: the app's state and the API-key checks."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from api.errors import ApiKeyError
from api.services import ServiceState
from graph.repository import GraphStore

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="An API key from EVIGRAPH_API__KEYS; required for Cypher and writes, and for "
    "reads when EVIGRAPH_API__READ_REQUIRES_KEY is true.",
)


def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.evigraph
    return state


State = Annotated[ServiceState, Depends(get_state)]


def get_store(state: State) -> GraphStore:
    return state.store


Store = Annotated[GraphStore, Depends(get_store)]


def _check_key(state: ServiceState, key: str | None) -> None:
    keys = state.settings.api.keys
    if not keys:
        raise ApiKeyError(
            "this endpoint needs an API key, and none is configured on the server "
            "(set EVIGRAPH_API__KEYS)"
        )
    if not key:
        raise ApiKeyError("missing API key: send it in the X-API-Key header")
    given = key.encode()
    if not any(hmac.compare_digest(given, k.get_secret_value().encode()) for k in keys):
        raise ApiKeyError("invalid API key (X-API-Key)")


def require_key(state: State, key: Annotated[str | None, Security(api_key_header)]) -> None:
    """For Cypher and writes: always keyed."""
    _check_key(state, key)


def read_access(state: State, key: Annotated[str | None, Security(api_key_header)]) -> None:
    """For reads: open unless EVIGRAPH_API__READ_REQUIRES_KEY is true."""
    if state.settings.api.read_requires_key:
        _check_key(state, key)
