"""Errors as RFC 9457 problem details: the one place that maps error classes to HTTP codes."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from core.exceptions import (
    EvigraphError,
    ExtractionError,
    GraphAuthError,
    GraphUnavailableError,
    IngestError,
    ModelLoadError,
    ModelNotReadyError,
    NotFoundError,
    QueryInvalidError,
    QueryRejectedError,
    QueryTimeoutError,
    RetrievalError,
    TrapiQueryError,
)
from interop.trapi import answer

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://evigraph.dev/problems/"
TRAINING_RETRY_S = 60  # Retry-After while the model trains: minutes away, not seconds


class ApiKeyError(EvigraphError):
    """The request lacks a valid API key."""


class ServiceNotAvailableError(EvigraphError):
    """A component of the service (the evidence retrieval) is not loaded."""


# Most specific class first: the first isinstance match wins.
ERROR_MAP: list[tuple[type[EvigraphError], int, str]] = [
    (ApiKeyError, 401, "unauthorized"),
    (NotFoundError, 404, "not-found"),
    (QueryRejectedError, 403, "cypher-refused"),
    (QueryTimeoutError, 408, "cypher-timeout"),
    (QueryInvalidError, 400, "cypher-invalid"),
    (RetrievalError, 422, "retrieval-input"),
    (ExtractionError, 422, "extraction-input"),
    (IngestError, 422, "extraction-input"),
    (GraphUnavailableError, 503, "graph-unavailable"),
    (GraphAuthError, 503, "graph-unavailable"),
    (ModelNotReadyError, 503, "model-not-ready"),
    (ModelLoadError, 503, "model-unavailable"),
    (ServiceNotAvailableError, 503, "service-unavailable"),
]


def problem(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug if slug else "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def trapi_error(exc: TrapiQueryError) -> JSONResponse:
    """A TRAPI client reads a Response: the problem goes in `logs` (and `description`)."""
    body = answer.response({}, [answer.log("ERROR", str(exc), exc.code)], exc.code, str(exc))
    return JSONResponse(body, status_code=exc.status)


def install(app: FastAPI, retry_after_s: int) -> None:
    """Register the handlers on `app`."""

    async def on_evigraph_error(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, TrapiQueryError):
            return trapi_error(exc)
        found = next(((s, g) for cls, s, g in ERROR_MAP if isinstance(exc, cls)), None)
        if found is None:
            logger.exception("unexpected evigraph error on %s", request.url.path, exc_info=exc)
            return problem(500, "internal error; see the server log", instance=request.url.path)
        status, slug = found
        headers: dict[str, str] = {}
        detail = str(exc)
        extra: dict[str, Any] = {}
        if isinstance(exc, ModelNotReadyError):
            extra = {"model": exc.model, "training": exc.state}
        if status == 503:
            headers["Retry-After"] = str(
                TRAINING_RETRY_S
                if extra.get("training", {}).get("state") == "training"
                else retry_after_s
            )
            # a model in training is expected for an hour after a first start: not a warning
            level = logging.INFO if extra else logging.WARNING
            logger.log(level, "%s: %s", request.url.path, exc)
            if isinstance(exc, GraphAuthError):
                detail = "the graph database refused the service's credentials"
        if status == 401:
            headers["WWW-Authenticate"] = 'ApiKey header="X-API-Key"'
        return problem(
            status, detail, slug=slug, instance=request.url.path, headers=headers, **extra
        )

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", ""), "type": e["type"]}
            for e in exc.errors()
        ]
        where = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
        return problem(
            422,
            f"invalid request: {where}",
            slug="invalid-request",
            instance=request.url.path,
            errors=errors,
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no endpoint at {request.url.path}; see /docs"
        return problem(
            exc.status_code,
            detail,
            instance=request.url.path,
            headers=dict(exc.headers or {}),
        )

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s", request.url.path, exc_info=exc)
        return problem(500, "internal error; see the server log", instance=request.url.path)

    app.add_exception_handler(EvigraphError, on_evigraph_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
