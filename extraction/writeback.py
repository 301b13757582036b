"""Provenance-tagged write-back of extracted statements, shared by every extractor.

Each statement becomes one relationship per piece of evidence, keyed by `evidence_id`
(a hash of the extractor, document, spans, statement and model version): writing the same
evidence twice changes nothing, a new model version adds its own evidence beside the old.
Every write belongs to an (:ExtractionRun); `retract_run` removes exactly what a run added.
Curated nodes and relationships are matched, never modified. Labels and relationship types
come from the graph's vocabulary (graph/vocabulary/), the allow-list the Cypher receives."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from core.exceptions import ExtractionError, GraphError
from graph.local.process import pid_alive
from graph.repository import GraphStore
from graph.vocabulary import EVIGRAPH_INFORES, NodeLabel, RelType

logger = logging.getLogger(__name__)

Scalar = str | int | float | bool
PropValue = Scalar | list[str] | list[int] | list[float] | None


@dataclass(frozen=True)
class Node:
    id: str
    label: NodeLabel
    name: str
    category: str
    props: dict[str, PropValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    """Where a statement was read: the document, its text and the character spans."""

    document_id: str
    text: str
    subject_span: tuple[int, int] | None = None
    object_span: tuple[int, int] | None = None

    def check(self) -> None:
        for role, span in (("subject", self.subject_span), ("object", self.object_span)):
            if span is None:
                continue
            start, end = span
            if not 0 <= start < end <= len(self.text):
                raise ExtractionError(
                    f"document {self.document_id}: {role} span {span} lies outside its text "
                    f"of {len(self.text)} characters"
                )


@dataclass(frozen=True)
class Statement:
    subject: Node
    rel: RelType
    predicate: str  # Biolink predicate, e.g. biolink:causes
    object: Node
    score: float
    evidence: Evidence
    directed: bool = True
    qualifiers: dict[str, PropValue] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelInfo:
    extractor: str  # ade | biored | maude
    name: str
    version: str
    encoder: str


@dataclass
class WriteResult:
    run_id: str
    nodes: int = 0
    statements: int = 0
    new_evidence: int = 0


def evidence_id(model: ModelInfo, st: Statement) -> str:
    key = (
        model.extractor,
        model.name,
        model.version,
        st.evidence.document_id,
        st.subject.id,
        st.rel.value,
        st.object.id,
        st.evidence.subject_span,
        st.evidence.object_span,
    )
    return hashlib.sha256(repr(key).encode()).hexdigest()[:32]


def _edge_row(model: ModelInfo, st: Statement) -> dict[str, object]:
    subject, obj = st.subject, st.object
    if not st.directed and obj.id < subject.id:
        # Undirected statements are stored once, in a canonical (sorted) orientation.
        subject, obj = obj, subject
    ev = st.evidence
    props: dict[str, PropValue] = {
        "subject": subject.id,
        "predicate": st.predicate,
        "object": obj.id,
        "directed": st.directed,
        "score": float(st.score),
        "primary_knowledge_source": EVIGRAPH_INFORES,
        "knowledge_level": "prediction",
        "agent_type": "text_mining_agent",
        "model_name": model.name,
        "model_version": model.version,
        "encoder": model.encoder,
        "document_id": ev.document_id,
        "sentence": ev.text,
        "subject_start": ev.subject_span[0] if ev.subject_span else None,
        "subject_end": ev.subject_span[1] if ev.subject_span else None,
        "object_start": ev.object_span[0] if ev.object_span else None,
        "object_end": ev.object_span[1] if ev.object_span else None,
        **st.qualifiers,
    }
    return {
        "subject": subject.id,
        "object": obj.id,
        "rel": st.rel.value,
        "evidence_id": evidence_id(model, st),
        "props": {k: v for k, v in props.items() if v is not None},
    }


def _node_rows(statements: Sequence[Statement]) -> list[dict[str, object]]:
    nodes: dict[str, Node] = {}
    for st in statements:
        for node in (st.subject, st.object):
            nodes.setdefault(node.id, node)
    return [
        {
            "id": n.id,
            "label": n.label.value,
            "name": n.name,
            "category": n.category,
            "props": {k: v for k, v in n.props.items() if v is not None},
        }
        for n in nodes.values()
    ]


def statement_rows(
    model: ModelInfo, statements: Sequence[Statement]
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The (node rows, statement rows) `extraction/upsert_nodes` and `upsert_statements` take:
    plain JSON-able data, so extraction and write-back can run in different processes."""
    for st in statements:
        st.evidence.check()
    return _node_rows(statements), [_edge_row(model, st) for st in statements]


def document_key(model: ModelInfo, document_id: str) -> str:
    """The key of the marker saying `model` has read `document_id` (ExtractedDocument)."""
    return f"{model.extractor}:{model.name}@{model.version}|{document_id}"


def new_run_id(extractor: str) -> str:
    return f"{extractor}-{uuid.uuid4().hex[:12]}"


def write_statements(
    store: GraphStore,
    model: ModelInfo,
    statements: Iterable[Statement],
    *,
    inputs: dict[str, str],
    params: dict[str, object] | None = None,
    batch_size: int = 1000,
    run_id: str | None = None,
) -> WriteResult:
    """Write `statements` as one ExtractionRun. On any failure the run's partial writes are
    retracted and the run is marked failed, so nothing is left half-written."""
    items = list(statements)
    for st in items:
        st.evidence.check()
    run = run_id or new_run_id(model.extractor)
    _recover_killed_runs(store, model.extractor, run)
    store.write(
        "extraction/create_run",
        id=run,
        extractor=model.extractor,
        model_name=model.name,
        model_version=model.version,
        encoder=model.encoder,
        inputs=json.dumps(inputs, sort_keys=True),
        params=json.dumps({**(params or {}), "host": socket.gethostname(), "pid": os.getpid()}),
    )
    result = WriteResult(run)
    try:
        node_rows = _node_rows(items)
        store.write_rows("extraction/upsert_nodes", node_rows, batch_size, run=run)
        edges = [_edge_row(model, st) for st in items]
        counts = store.write_rows("extraction/upsert_statements", edges, batch_size, run=run)
        result.nodes = len(node_rows)
        result.statements = len(edges)
        result.new_evidence = counts.relationships_created
    except (GraphError, ExtractionError) as e:
        logger.error("extraction run %s failed; retracting its writes: %s", run, e)
        _retract(store, run)
        _finish(store, run, "failed", result, str(e))
        raise
    _finish(store, run, "completed", result, None)
    return result


def _recover_killed_runs(store: GraphStore, extractor: str, by: str) -> list[str]:
    """Runs of `extractor` left 'running' by a writer on this host that is gone (kill -9,
    a crash): their partial writes are retracted and they become 'incomplete', so the new
    run's statements are exactly a clean run's. Runs of live writers are left alone."""
    host, found = socket.gethostname(), []
    for row in store.read("extraction/find_open_runs", extractor=extractor):
        try:
            params = json.loads(row["params"] or "{}")
            writer_host, pid = params.get("host"), int(params.get("pid", 0))
        except (ValueError, TypeError):
            continue
        if writer_host != host or pid <= 0 or pid == os.getpid() or pid_alive(pid):
            continue
        logger.warning("extraction run %s never finished; retracting its writes", row["id"])
        _retract(store, row["id"])
        store.write("extraction/mark_run_incomplete", id=row["id"], by=by)
        found.append(row["id"])
    return found


def _finish(
    store: GraphStore, run: str, status: str, result: WriteResult, error: str | None
) -> None:
    counts = {
        "nodes": result.nodes,
        "statements": result.statements,
        "new_evidence": result.new_evidence,
    }
    store.write(
        "extraction/finish_run", id=run, status=status, counts=json.dumps(counts), error=error
    )


def _retract(store: GraphStore, run: str) -> tuple[int, int]:
    edges = store.write("extraction/retract_run_statements", run=run)
    nodes = store.write("extraction/retract_run_nodes", run=run)
    store.write("extraction/retract_run_documents", run=run)
    return edges.relationships_deleted, nodes.nodes_deleted


def retract_documents(store: GraphStore, document_ids: list[str]) -> tuple[int, int]:
    """Remove every extracted statement read from `document_ids` (a PubMed DeleteCitation),
    their read markers and the extracted nodes left with no relationship:
    (relationships deleted, nodes deleted). Curated data is never touched."""
    edges = store.write("extraction/retract_document_evidence", ids=document_ids)
    nodes = store.write("extraction/delete_orphan_extracted_nodes")
    return edges.relationships_deleted, nodes.nodes_deleted


def retract_run(store: GraphStore, run: str) -> tuple[int, int]:
    """Remove what run `run` added: (relationships deleted, nodes deleted)."""
    if not store.read("extraction/get_run", id=run):
        raise ExtractionError(f"no extraction run {run!r} in the graph")
    removed = _retract(store, run)
    store.write("extraction/mark_run_retracted", id=run)
    return removed


def list_runs(
    store: GraphStore, extractor: str | None = None, limit: int = 20
) -> list[dict[str, object]]:
    return store.read("extraction/list_runs", extractor=extractor, limit=limit)
