"""The typed rows every source parser yields.

Parsers are pure: they read files, validate every line and yield NodeRow / EdgeRow values.
They never talk to Neo4j. The ingest job (ingest/job.py) collects a source's rows in a
validation pass, merges duplicates and then writes them through graph/.

Property conventions:
- NodeRow.props and EdgeRow.props hold source-specific values: str, int, float, bool, or a
  tuple of str. They are stored on the node/edge under the source's key prefix
  (for example `orphanet_frequency`), so two sources never overwrite each other.
- Ids are CURIEs with normalised prefixes (graph.vocabulary.normalize_curie).
- The labels, relationship types and sources are the graph's vocabulary (graph/vocabulary/).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.vocabulary import NodeLabel, RelType

PropValue = str | int | float | bool | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NodeRow:
    id: str
    label: NodeLabel
    name: str | None = None
    synonyms: tuple[str, ...] = ()
    xrefs: tuple[str, ...] = ()
    props: dict[str, PropValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EdgeRow:
    subject: str
    rel: RelType
    object: str
    negated: bool = False
    props: dict[str, PropValue] = field(default_factory=dict)

    @property
    def predicate(self) -> str:
        return self.rel.predicate

    @property
    def key(self) -> tuple[str, RelType, str, bool]:
        """Rows with the same key are one statement of a source; the job merges their props."""
        return (self.subject, self.rel, self.object, self.negated)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """Everything one source file asserts, validated: what a parse_* function returns."""

    path: str
    release: str  # the file's own release/version, "" when the file names none
    nodes: list[NodeRow]
    edges: list[EdgeRow]
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count of rows left out
