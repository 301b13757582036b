"""The error hierarchy: one base class and one subclass per layer.

Each error says what failed on which input."""

from __future__ import annotations


class EvigraphError(Exception):
    """Base class of every error evigraph raises on purpose; the message is for the user."""


class ConfigError(EvigraphError):
    """A setting is missing or wrong."""


class RuntimeSetupError(EvigraphError):
    """The local Neo4j cannot be set up or started (Java, Maven, jars, port, data directory)."""


class GraphError(EvigraphError):
    """A query or write against Neo4j failed."""


class GraphUnavailableError(GraphError):
    """Neo4j cannot be reached at the configured URI."""


class GraphAuthError(GraphError):
    """Neo4j refused the configured credentials."""


class IngestError(EvigraphError):
    """A malformed source file: names the file, the line (or packet/element) and the value."""

    def __init__(
        self, file: str, where: str | int | None, message: str, value: object = None
    ) -> None:
        self.file = file
        self.where = where
        self.value = value
        self.detail = message
        loc = f"{file}" if where is None else f"{file}:{where}"
        shown = "" if value is None else f" (value: {value!r:.200})"
        super().__init__(f"{loc}: {message}{shown}")

    def __reduce__(self) -> tuple[type[IngestError], tuple[str, str | int | None, str, object]]:
        # pickled whole, so that an error found in a worker process keeps its fields
        return (IngestError, (self.file, self.where, self.detail, self.value))


class RetrievalError(EvigraphError):
    """Retrieval got input it cannot serve (unknown seed, nothing linked, bad hop count)."""


class ExtractionError(EvigraphError):
    """Relation extraction got input it cannot process."""


class ModelLoadError(EvigraphError):
    """A model or encoder could not be loaded from disk."""


class ModelNotReadyError(EvigraphError):
    """An extraction model is not trained yet (training, queued, failed or missing)."""

    def __init__(self, model: str, state: dict[str, object]) -> None:
        self.model = model
        self.state = state
        what = {
            "training": "is training",
            "queued": "waits for its turn in the training job",
            "failed": "failed to train (see `evigraph models status`)",
        }.get(str(state.get("state")), "is not trained; run `evigraph models train`")
        eta = f" (ETA {state['eta']})" if state.get("eta") else ""
        super().__init__(f"the {model} model {what}{eta}")


class NotFoundError(EvigraphError):
    """A requested record (an entity CURIE) is not in the graph."""


class QueryRejectedError(GraphError):
    """A user Cypher query tried to write or to run an admin command, and was refused."""


class QueryInvalidError(GraphError):
    """A user Cypher query is malformed or failed on its input (syntax, missing parameter, type)."""


class QueryTimeoutError(GraphError):
    """A user Cypher query ran past its time limit and was stopped."""


class TrapiQueryError(EvigraphError):
    """A TRAPI query the endpoint cannot answer (bad query graph): 400 with a TRAPI log."""

    status = 400
    code = "QueryNotTraversable"


class TrapiVersionError(TrapiQueryError):
    """A TRAPI query in a version the endpoint does not speak: 422 with a TRAPI log."""

    status = 422
    code = "UnsupportedTrapiVersion"
