"""`evigraph export rdf`: the graph as Turtle, N-Triples or JSON-LD, streamed with flat memory.

Runs and agents come first, then nodes, then statements, each streamed from Neo4j. Turtle and
N-Triples are written term by term (interop.rdf_text). JSON-LD goes through rdflib: every
`chunk` statements become a small Graph whose node objects are appended to one top-level
@graph. Every term is an IRI, so the pieces form one document. The file is written under a
temporary name and renamed when complete."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from core.exceptions import EvigraphError
from graph.repository import GraphStore
from interop import rdf
from interop.rdf_text import TextWriter

logger = logging.getLogger(__name__)


@dataclass
class RdfResult:
    path: Path
    format: str
    nodes: int = 0
    statements: int = 0
    runs: int = 0
    triples: int = 0


class JsonLdWriter:
    """Appends rdflib-serialized chunks to one JSON-LD document with a shared @context."""

    def __init__(self, fh: IO[str], chunk: int) -> None:
        self.fh, self.chunk, self.items = fh, chunk, 0
        self.context = {p: base for p, base in rdf.PREFIXES.items()}

    def start(self) -> None:
        self.fh.write('{"@context": ' + json.dumps(self.context, indent=1) + ',\n"@graph": [\n')

    def write(self, triples: Iterable[rdf.Triple]) -> int:
        n, batch = 0, []
        for triple in triples:
            batch.append(triple)
            if len(batch) >= self.chunk * 20:
                n += self._flush(batch)
                batch = []
        return n + self._flush(batch)

    def _flush(self, batch: list[rdf.Triple]) -> int:
        if not batch:
            return 0
        g = rdf.to_graph(batch)
        doc = json.loads(g.serialize(format="json-ld", context=self.context, auto_compact=True))
        nodes = doc.get("@graph", [doc]) if isinstance(doc, dict) else doc
        for node in nodes:
            if isinstance(node, dict):
                node.pop("@context", None)
            self.fh.write((",\n" if self.items else "") + json.dumps(node, ensure_ascii=False))
            self.items += 1
        return len(batch)

    def finish(self) -> None:
        self.fh.write("\n]}\n")


def export_rdf(store: GraphStore, out: Path, fmt: str = "turtle", chunk: int = 2000) -> RdfResult:
    if fmt not in rdf.FORMATS:
        raise EvigraphError(f"RDF format {fmt!r}: expected turtle, nt or json-ld")
    fmt = rdf.FORMATS[fmt]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.part-{datetime.now(UTC):%Y%m%dT%H%M%S%f}")
    result = RdfResult(out, fmt)
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            writer: TextWriter | JsonLdWriter = (
                JsonLdWriter(fh, chunk) if fmt == "json-ld" else TextWriter(fh, fmt)
            )
            writer.start()
            result.triples += writer.write(_provenance(store, result))
            result.triples += writer.write(_nodes(store, result))
            result.triples += writer.write(_statements(store, result))
            if isinstance(writer, JsonLdWriter):
                writer.finish()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    logger.info("rdf export: %d triples in %s", result.triples, out)
    return result


def _provenance(store: GraphStore, result: RdfResult) -> Iterator[rdf.Triple]:
    yield from rdf.agent_triples(r["source"] for r in store.read("interop/list_infores"))
    for rec in store.read("interop/list_runs"):
        props: dict[str, Any] = dict(rec["props"])
        if isinstance(props.get("files"), str):
            try:
                props["files"] = json.loads(props["files"])
            except ValueError:
                props["files"] = []
        result.runs += 1
        yield from rdf.run_triples(props, rec["kind"])


def _nodes(store: GraphStore, result: RdfResult) -> Iterator[rdf.Triple]:
    for rec in store.stream("graph/stream_nodes", raw=True):
        result.nodes += 1
        yield from rdf.node_triples(rec["id"], rec["props"])
    logger.info("rdf export: %d nodes", result.nodes)


def _statements(store: GraphStore, result: RdfResult) -> Iterator[rdf.Triple]:
    for rec in store.stream("graph/stream_edges", raw=True):
        result.statements += 1
        if result.statements % 100_000 == 0:
            logger.info("rdf export: %d statements", result.statements)
        yield from rdf.statement_triples(rec["subject"], rec["type"], rec["object"], rec["props"])
    logger.info("rdf export: %d statements", result.statements)
