"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from api.deps import State
from api.schemas import Health, Ready
from core.exceptions import EvigraphError
from graph import schema

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health)
def healthz() -> dict[str, str]:
    """The process is alive (it does not touch Neo4j)."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=Ready,
    responses={503: {"model": Ready, "description": "Not ready: see the failing checks."}},
)
def readyz(state: State) -> JSONResponse:
    """Ready when Neo4j answers, the schema is applied and the encoder and scorer are loaded;
    `extraction` shows each extraction model's state (they may still train)."""
    checks: dict[str, dict[str, Any]] = {}
    try:
        state.store.ping()
        checks["neo4j"] = {"ok": True, "detail": state.store.cfg.effective_uri}
        missing = sorted(schema.missing(state.store))
        checks["schema"] = {"ok": not missing, "detail": {"missing": missing}}
    except EvigraphError as e:
        checks["neo4j"] = {"ok": False, "detail": str(e)}
        checks["schema"] = {"ok": False, "detail": "unknown: Neo4j is not reachable"}
    ok, detail = state.evidence.ready()
    checks["models"] = {"ok": ok, "detail": detail}
    ready = all(c["ok"] for c in checks.values())
    extraction = state.extraction.states()
    body = Ready.model_validate(
        {"ready": ready, "checks": checks, "extraction": extraction}
    ).model_dump()
    headers = {} if ready else {"Retry-After": str(state.settings.api.retry_after_s)}
    return JSONResponse(body, status_code=200 if ready else 503, headers=headers)


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus text exposition format.",
            "content": {
                "text/plain": {
                    "example": 'evigraph_http_requests_total{method="POST",'
                    'route="/v1/evidence",status="200"} 42.0\n'
                }
            },
        }
    },
)
def metrics(state: State) -> Response:
    """Requests and latency per route, Neo4j query time, evidence stage (scoring) time."""
    body, content_type = state.metrics.render()
    return Response(body, media_type=content_type)
