"""What the app holds for its lifetime: settings, the one GraphStore, metrics, the evidence
service. The evidence service comes from retrieval.service, imported when the app starts
(not when this module is: it brings torch); if it cannot load (module missing, Neo4j down at
start) the route answers 503 and loading is tried again, at most once per retry interval,
until it succeeds."""

from __future__ import annotations

import gc
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

import anyio

from api.errors import ServiceNotAvailableError
from api.extraction_models import ExtractionModels
from api.metrics import Metrics
from core.exceptions import EvigraphError
from core.settings import Settings
from graph.repository import GraphStore

logger = logging.getLogger(__name__)


class EvidenceBackend(Protocol):
    def evidence(
        self,
        question: str,
        seeds: list[str] | None,
        max_hops: int,
        mode: str,
        threshold: float | None,
        top_k: int | None,
        raw_props: bool = False,
        phenotypes: list[str] | None = None,
        excluded_phenotypes: list[str] | None = None,
        phenopacket: dict[str, Any] | None = None,
    ) -> dict[str, Any]: ...

    def ready(self) -> dict[str, Any]: ...


class EvidenceHolder:
    """The evidence service, loaded once; a failed load is retried by later requests."""

    def __init__(
        self, store: GraphStore, settings: Settings, service: EvidenceBackend | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self.service = service
        self.error = "" if service else "retrieval not available: not loaded yet"
        self.permanent = False  # the module itself is missing: retrying cannot help
        self._lock = threading.Lock()
        self._last_try = 0.0

    def load(self) -> None:
        with self._lock:
            if self.service is not None:  # another request loaded it meanwhile
                return
            self._last_try = time.monotonic()
            try:
                import retrieval.service as module
            except ImportError as e:
                self.permanent = True
                self.error = f"retrieval not available: {e}"
                logger.warning("%s; POST /v1/evidence answers 503", self.error)
                return
            try:
                self.service = module.EvidenceService.load(self.store, self.settings)
                gc.freeze()  # the models live as long as the process: the collector skips them
                self.error = ""
                logger.info("evidence service loaded")
                warm = getattr(self.service, "warm_phenotypes", None)
                if callable(warm):  # the phenotype ranker loads behind the live API
                    warm()
            except EvigraphError as e:
                self.error = f"retrieval not available: {e}"
                logger.warning("%s; will retry", self.error)

    def get(self) -> EvidenceBackend:
        if self.service is None and not self.permanent and self._due():
            self.load()
        if self.service is None:
            raise ServiceNotAvailableError(self.error)
        return self.service

    def ready(self) -> tuple[bool, Any]:
        if self.service is None:
            return False, self.error
        try:
            return True, self.service.ready()
        except EvigraphError as e:
            return False, str(e)

    def _due(self) -> bool:
        return time.monotonic() - self._last_try >= self.settings.api.retry_after_s


@dataclass
class ServiceState:
    settings: Settings
    store: GraphStore
    metrics: Metrics
    evidence: EvidenceHolder
    extraction: ExtractionModels
    evidence_slots: anyio.CapacityLimiter  # evidence answers computed at once
