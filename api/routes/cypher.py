"""Read-only Cypher for analysts: keyed, in a READ transaction, with a timeout and a row limit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from api.deps import State, require_key
from api.routes.common import problems
from api.schemas import CypherRequest, CypherResult

router = APIRouter(tags=["cypher"])


@router.post(
    "/v1/cypher",
    response_model=CypherResult,
    dependencies=[Depends(require_key)],
    responses=problems(400, 401, 403, 408, 422, 503),
)
def run_cypher(body: CypherRequest, state: State) -> dict[str, Any]:
    """Run one read-only Cypher statement with parameters passed separately.

    The transaction runs in READ access mode, so the database refuses any write however it
    is written; LOAD CSV, CALL { } IN TRANSACTIONS, USE, admin commands and procedures
    outside a read-only allow-list are refused before the query runs (403). Syntax and
    parameter errors give 400, a query past the time limit 408."""
    api = state.settings.api
    result = state.store.read_user_query(
        body.query,
        body.parameters,
        timeout_s=api.cypher_timeout_s,
        row_limit=api.cypher_row_limit,
    )
    return {
        "columns": result.columns,
        "rows": result.rows,
        "row_count": len(result.rows),
        "row_limit": api.cypher_row_limit,
        "truncated": result.truncated,
        "elapsed_ms": round(result.elapsed_ms, 3),
    }
