"""Prometheus metrics: requests and latency per route, Neo4j query time, evidence stage time.

Each app owns its registry (tests build several apps in one process). With several uvicorn
workers, set PROMETHEUS_MULTIPROC_DIR (`evigraph serve --workers N` does) and /metrics
aggregates all of them."""

from __future__ import annotations

import os
import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "evigraph_http_requests",
            "HTTP requests by route template, method and status code.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "evigraph_http_request_duration_seconds",
            "HTTP request latency by route template.",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.neo4j = Histogram(
            "evigraph_neo4j_query_duration_seconds",
            "Neo4j query time by catalog query name (user_query for analyst Cypher).",
            ["query"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.evidence_stage = Histogram(
            "evigraph_evidence_stage_duration_seconds",
            "Time of each evidence stage as the service reports it (scoring among them).",
            ["stage"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    def observe_query(self, name: str, seconds: float) -> None:
        self.neo4j.labels(query=name).observe(seconds)

    def observe_stages(self, timings_ms: dict[str, Any]) -> None:
        for stage, ms in timings_ms.items():
            if isinstance(ms, int | float):
                self.evidence_stage.labels(stage=stage).observe(float(ms) / 1000)

    def render(self) -> tuple[bytes, str]:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            merged = CollectorRegistry()
            multiprocess.MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
            return generate_latest(merged), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class MetricsMiddleware:
    """Pure ASGI middleware (no per-request task overhead): times every HTTP request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        t0 = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope.get("method", "")
            self.metrics.requests.labels(template, method, str(status)).inc()
            self.metrics.latency.labels(template, method).observe(time.perf_counter() - t0)
