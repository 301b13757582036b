"""`evigraph export rdf`: the graph as Turtle, N-Triples or JSON-LD, written chunk by chunk.

Nodes and statements are streamed from Neo4j; every `chunk` of them becomes a small rdflib Graph
that is serialized and appended, so memory holds one chunk, never the graph. Every term is an
IRI (no blank nodes), so chunks concatenate into one valid document: N-Triples simply append,
Turtle repeats a @prefix line only when a chunk binds a prefix not yet written, and JSON-LD
collects each chunk's node objects into one top-level @graph."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from rdflib import Graph

from core.exceptions import EvigraphError
from graph.repository import GraphStore
from interop import rdf

logger = logging.getLogger(__name__)


@dataclass
class RdfResult:
    path: Path
    format: str
    nodes: int = 0
    statements: int = 0
    runs: int = 0


@dataclass
class ChunkWriter:
    """Appends serialized rdflib graphs to one open file as a single document."""

    fh: IO[str]
    fmt: str
    prefixes: set[str] = field(default_factory=set)
    items: int = 0

    def start(self) -> None:
        if self.fmt == "json-ld":
            context = json.dumps(_context(), indent=1)
            self.fh.write('{"@context": ' + context + ',\n"@graph": [\n')

    def write(self, g: Graph) -> None:
        if len(g) == 0:
            return
        if self.fmt == "nt":
            self.fh.write(g.serialize(format="nt"))
        elif self.fmt == "turtle":
            self._turtle(g.serialize(format="turtle"))
        else:
            self._jsonld(g.serialize(format="json-ld", context=_context(), auto_compact=True))

    def _turtle(self, text: str) -> None:
        body = []
        for line in text.splitlines(keepends=True):
            if line.startswith("@prefix"):
                if line not in self.prefixes:
                    self.prefixes.add(line)
                    self.fh.write(line)
            else:
                body.append(line)
        self.fh.write("".join(body))

    def _jsonld(self, text: str) -> None:
        doc = json.loads(text)
        nodes = doc.get("@graph", [doc]) if isinstance(doc, dict) else doc
        for node in nodes:
            if isinstance(node, dict):
                node.pop("@context", None)
            self.fh.write((",\n" if self.items else "") + json.dumps(node, ensure_ascii=False))
            self.items += 1

    def finish(self) -> None:
        if self.fmt == "json-ld":
            self.fh.write("\n]}\n")


def _context() -> dict[str, str]:
    return {prefix: str(ns) for prefix, ns in rdf.new_graph().namespaces() if prefix}


def export_rdf(store: GraphStore, out: Path, fmt: str = "turtle", chunk: int = 2000) -> RdfResult:
    if fmt not in rdf.FORMATS:
        raise EvigraphError(f"RDF format {fmt!r}: expected turtle, nt or json-ld")
    fmt = rdf.FORMATS[fmt]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.part-{datetime.now(UTC):%Y%m%dT%H%M%S%f}")
    result = RdfResult(out, fmt)
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            writer = ChunkWriter(fh, fmt)
            writer.start()
            _write_provenance(store, writer, result)
            _write_nodes(store, writer, result, chunk)
            _write_statements(store, writer, result, chunk)
            writer.finish()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    return result


def _write_provenance(store: GraphStore, writer: ChunkWriter, result: RdfResult) -> None:
    g = rdf.new_graph()
    rdf.add_agents(g, (r["source"] for r in store.read("interop/list_infores")))
    for rec in store.read("interop/list_runs"):
        props: dict[str, Any] = dict(rec["props"])
        if isinstance(props.get("files"), str):
            try:
                props["files"] = json.loads(props["files"])
            except ValueError:
                props["files"] = []
        rdf.add_run(g, props, rec["kind"])
        result.runs += 1
    writer.write(g)


def _write_nodes(store: GraphStore, writer: ChunkWriter, result: RdfResult, chunk: int) -> None:
    g = rdf.new_graph()
    for rec in store.stream("graph/stream_nodes"):
        rdf.add_node(g, rec["id"], rec["props"])
        result.nodes += 1
        if result.nodes % chunk == 0:
            writer.write(g)
            g = rdf.new_graph()
    writer.write(g)
    logger.info("rdf export: %d nodes", result.nodes)


def _write_statements(
    store: GraphStore, writer: ChunkWriter, result: RdfResult, chunk: int
) -> None:
    g = rdf.new_graph()
    for rec in store.stream("graph/stream_edges"):
        rdf.add_statement(g, rec["subject"], rec["type"], rec["object"], rec["props"])
        result.statements += 1
        if result.statements % chunk == 0:
            writer.write(g)
            g = rdf.new_graph()
            if result.statements % 100_000 == 0:
                logger.info("rdf export: %d statements", result.statements)
    writer.write(g)
    logger.info("rdf export: %d statements", result.statements)
