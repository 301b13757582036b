"""The error hierarchy: one base class, one subclass per layer, each saying what failed on what."""

from __future__ import annotations


class EvigraphError(Exception):
    """Base class of every error evigraph raises on purpose; its message is meant for the user."""


class ConfigError(EvigraphError):
    """A setting is missing or wrong."""


class RuntimeSetupError(EvigraphError):
    """The local Neo4j runtime cannot be set up or started (Java, Maven, jars, port, data dir)."""


class GraphError(EvigraphError):
    """A query or write against Neo4j failed."""


class GraphUnavailableError(GraphError):
    """Neo4j cannot be reached at the configured URI."""


class GraphAuthError(GraphError):
    """Neo4j refused the configured credentials."""


class IngestError(EvigraphError):
    """A source file is malformed; names the file, the line (or packet/element) and bad value."""

    def __init__(
        self, file: str, where: str | int | None, message: str, value: object = None
    ) -> None:
        self.file = file
        self.where = where
        self.value = value
        loc = f"{file}" if where is None else f"{file}:{where}"
        shown = "" if value is None else f" (value: {value!r:.200})"
        super().__init__(f"{loc}: {message}{shown}")


class RetrievalError(EvigraphError):
    """Evidence retrieval got input it cannot serve (unknown seed, nothing linked, bad hops)."""


class ExtractionError(EvigraphError):
    """Relation extraction got input it cannot process."""


class ModelLoadError(EvigraphError):
    """A model or encoder could not be loaded from disk."""
