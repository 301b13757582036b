"""The FastAPI app: one GraphStore per process and the models, created in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool

from api import errors
from api.extraction_models import ExtractionModels
from api.metrics import Metrics, MetricsMiddleware
from api.routes import cypher, entities, evidence, extract, health, trapi
from api.services import EvidenceBackend, EvidenceHolder, ServiceState
from core.exceptions import GraphError
from core.logs import configure_logging
from core.settings import Settings, get_settings
from graph.repository import GraphStore

logger = logging.getLogger(__name__)

DESCRIPTION = """Multi-hop, provenance-carrying evidence from the evigraph knowledge graph for
KG-RAG pipelines, entity linking, and read-only Cypher for analysts. Errors are RFC 9457
problem details; `X-API-Key` guards Cypher and writes."""


def create_app(
    settings: Settings | None = None, *, evidence_service: EvidenceBackend | None = None
) -> FastAPI:
    """The app. `evidence_service` replaces retrieval.service (tests of the route plumbing)."""
    cfg = settings or get_settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        neo4j_cfg = cfg.neo4j.model_copy(update={"max_retry_time_s": cfg.api.neo4j_retry_s})
        store = GraphStore.connect(neo4j_cfg, check=False)
        store.observer = metrics.observe_query
        try:
            await run_in_threadpool(store.ping)
        except GraphError as e:
            logger.warning("starting without Neo4j (answers 503 until it is back): %s", e)
        holder = EvidenceHolder(store, cfg, evidence_service)
        if evidence_service is None and cfg.api.load_models:
            await run_in_threadpool(holder.load)
        extraction = ExtractionModels(cfg)
        slots = anyio.CapacityLimiter(cfg.api.evidence_threads)
        app.state.evigraph = ServiceState(cfg, store, metrics, holder, extraction, slots)
        try:
            yield
        finally:
            store.close()

    app = FastAPI(
        title="evigraph",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    errors.install(app, cfg.api.retry_after_s)
    for module in (health, evidence, entities, cypher, extract, trapi):
        app.include_router(module.router)
    if cfg.api.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=cfg.api.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-API-Key"],
        )
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


def app_factory() -> FastAPI:
    """For `uvicorn --factory api.main:app_factory` (what `evigraph serve` runs)."""
    cfg = get_settings()
    configure_logging(cfg.log_level)
    return create_app(cfg)
