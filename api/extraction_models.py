"""The extraction services of one app (ADE, BioRED, MAUDE), held in its state beside the
evidence service: each loads on first use once it is trained, and again when its files change
(a model trained or retrained while the API runs is served by the next request, no restart);
until trained, asking for it raises ModelNotReadyError (a 503 with the training state)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from core.exceptions import ModelNotReadyError
from core.settings import Settings
from extraction import readiness

T = TypeVar("T")


class ExtractionModels:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._loaded: dict[str, Any] = {}
        self._signatures: dict[str, tuple[tuple[str, int, int], ...]] = {}

    def get(self, name: str, load: Callable[[], T]) -> T:
        """The loaded model `name`, (re)loaded when its files changed since; raises
        ModelNotReadyError until it is trained."""
        with self._lock:
            if not (name in self._loaded and name not in self._signatures):  # not put()
                state = readiness.model_state(name, self.settings)
                if state["state"] != "ready":
                    raise ModelNotReadyError(name, state)
                sig = readiness.signature(name, self.settings)
                if self._signatures.get(name) != sig:
                    self._loaded[name] = load()
                    self._signatures[name] = sig
            service: T = self._loaded[name]
            return service

    def put(self, name: str, service: object) -> None:
        """Serve `service` as `name` as it is, never reloaded (an embedding application's own
        model, or a test's)."""
        with self._lock:
            self._loaded[name] = service
            self._signatures.pop(name, None)  # no files behind it: never reloaded

    def unload(self, name: str) -> None:
        """Drop `name` from memory; the next request loads it again from its files."""
        with self._lock:
            self._loaded.pop(name, None)
            self._signatures.pop(name, None)

    def states(self) -> dict[str, Any]:
        """readiness.all_states, each model with `loaded`: whether this app holds it."""
        out = readiness.all_states(self.settings)
        with self._lock:
            for name, state in out["models"].items():
                state["loaded"] = name in self._loaded
        return out
