"""Statements as RDF: the direct triple plus a reified statement carrying its provenance in PROV-O.

For a statement s -[p]-> o (Neo4j relationship properties as `props`):

    s  biolink:p  o .                                   (left out when the statement is negated)
    st a rdf:Statement, biolink:Association, prov:Entity ;
       rdf:subject s ; rdf:predicate biolink:p ; rdf:object o ; biolink:negated false ;
       biolink:primary_knowledge_source infores:x ; biolink:knowledge_level "..." ;
       biolink:agent_type "..." ;
       prov:wasGeneratedBy <run> ;          the ingest or extraction run that wrote it
       prov:wasAttributedTo infores:x | <model> ;   the source, or the model (prov:SoftwareAgent)
       prov:wasDerivedFrom <document> .     the publication(s) or the document read

Other properties (frequencies, sentences, spans, scores) use the evigraph vocabulary
(https://w3id.org/evigraph/vocab/). `statements_graph` and `serialize_statements` are the entry
points for callers that hold a list of statements, such as the evidence endpoint."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from interop.kgx import plain, statement_id
from interop.prefixes import BIOLINK_BASE, EVIGRAPH_BASE, PREFIX_MAP, curie_to_iri

BIOLINK = Namespace(BIOLINK_BASE)
PROV = Namespace("http://www.w3.org/ns/prov#")
EVG = Namespace(EVIGRAPH_BASE + "vocab/")
EVID = Namespace(EVIGRAPH_BASE + "id/")
FORMATS = {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "json-ld": "json-ld"}

# Properties the reification states in PROV-O or Biolink terms, or that only serve bookkeeping.
_HANDLED = frozenset(
    {
        "subject",
        "object",
        "predicate",
        "negated",
        "primary_knowledge_source",
        "sources",
        "knowledge_level",
        "agent_type",
        "extraction_runs",
        "extraction_run",
        "document_id",
        "model_name",
        "model_version",
        "last_ingest_run",
        "evidence_id",
        "extracted_at",
    }
)


def new_graph() -> Graph:
    g = Graph(bind_namespaces="core")
    for prefix, base in PREFIX_MAP.items():
        g.bind(prefix, Namespace(base), override=True)
    g.bind("biolink", BIOLINK)
    g.bind("prov", PROV)
    g.bind("evg", EVG)
    return g


def iri(curie: str) -> URIRef:
    return URIRef(curie_to_iri(curie))


def predicate_iri(predicate: str) -> URIRef:
    return BIOLINK[predicate.removeprefix("biolink:")]


def run_iri(run_id: str) -> URIRef:
    return EVID[f"run/{run_id}"]


def model_iri(name: str, version: str) -> URIRef:
    return EVID[f"model/{name}/{version}"]


def literal(value: Any) -> Literal:
    value = plain(value)
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(value, datatype=XSD.double)
    return Literal(str(value))


def add_node(g: Graph, node_id: str, props: Mapping[str, Any]) -> None:
    node = iri(node_id)
    category = props.get("category")
    for cat in category if isinstance(category, list) else [category]:
        if isinstance(cat, str) and cat.startswith("biolink:"):
            g.add((node, RDF.type, BIOLINK[cat.removeprefix("biolink:")]))
    if props.get("name"):
        g.add((node, RDFS.label, Literal(props["name"])))
    for syn in props.get("synonyms") or []:
        g.add((node, BIOLINK.synonym, Literal(syn)))
    for xref in props.get("xrefs") or []:
        g.add((node, BIOLINK.xref, iri(xref)))
    for source in props.get("primary_knowledge_source") or []:
        g.add((node, BIOLINK.provided_by, iri(source)))


def add_statement(
    g: Graph, subject: str, rel_type: str, obj: str, props: Mapping[str, Any]
) -> URIRef:
    """Add one statement (direct triple and reified provenance); returns the statement IRI."""
    s, o = iri(subject), iri(obj)
    pred = predicate_iri(str(props.get("predicate") or "biolink:related_to"))
    st = iri(statement_id(subject, rel_type, obj, dict(props)))
    negated = bool(props.get("negated", False))
    if not negated:
        g.add((s, pred, o))
    for cls in (RDF.Statement, BIOLINK.Association, PROV.Entity):
        g.add((st, RDF.type, cls))
    g.add((st, RDF.subject, s))
    g.add((st, RDF.predicate, pred))
    g.add((st, RDF.object, o))
    g.add((st, BIOLINK.negated, Literal(negated)))
    g.add((st, EVG.relationship_type, Literal(rel_type)))
    for key in ("knowledge_level", "agent_type"):
        if props.get(key):
            g.add((st, BIOLINK[key], Literal(props[key])))
    _add_provenance(g, st, props)
    for key, value in props.items():
        if key in _HANDLED or key.endswith(("_run", "_hash")) or value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            g.add((st, EVG[key], literal(item)))
    return st


def _add_provenance(g: Graph, st: URIRef, props: Mapping[str, Any]) -> None:
    pks = props.get("primary_knowledge_source")
    for source in [pks] if isinstance(pks, str) else list(pks or []):
        g.add((st, BIOLINK.primary_knowledge_source, iri(source)))
    if props.get("evidence_id"):  # read from text by a model
        runs = list(props.get("extraction_runs") or [props.get("extraction_run")])
        if props.get("model_name"):
            model = model_iri(str(props["model_name"]), str(props.get("model_version", "")))
            g.add((st, PROV.wasAttributedTo, model))
        documents = [props.get("document_id")]
    else:  # asserted by curated sources
        runs = [props.get(f"{source}_run") for source in props.get("sources") or []]
        for source in [pks] if isinstance(pks, str) else list(pks or []):
            g.add((st, PROV.wasAttributedTo, iri(source)))
        documents = list(props.get("hpoa_publications") or [])
    for run in runs:
        if run:
            g.add((st, PROV.wasGeneratedBy, run_iri(str(run))))
    for doc in documents:
        if doc:
            g.add((st, PROV.wasDerivedFrom, iri(str(doc))))


def add_agents(g: Graph, infores: Iterable[str]) -> None:
    for source in infores:
        g.add((iri(source), RDF.type, PROV.Agent))


def add_run(g: Graph, run: Mapping[str, Any], kind: str) -> None:
    """An IngestRun or ExtractionRun node as a prov:Activity (and its model as an agent)."""
    act = run_iri(str(run["id"]))
    g.add((act, RDF.type, PROV.Activity))
    g.add((act, RDFS.label, Literal(f"evigraph {kind} run {run['id']}")))
    for key, term in (("started_at", PROV.startedAtTime), ("finished_at", PROV.endedAtTime)):
        if run.get(key):
            g.add((act, term, Literal(plain(run[key]), datatype=XSD.dateTime)))
    if run.get("status"):
        g.add((act, EVG.status, Literal(run["status"])))
    if kind == "extraction" and run.get("model_name"):
        model = model_iri(str(run["model_name"]), str(run.get("model_version", "")))
        g.add((model, RDF.type, PROV.SoftwareAgent))
        g.add((model, RDFS.label, Literal(f"{run['model_name']} {run.get('model_version')}")))
        if run.get("encoder"):
            g.add((model, EVG.encoder, Literal(run["encoder"])))
        g.add((act, PROV.wasAssociatedWith, model))
    elif run.get("source"):
        g.add((act, EVG.source, Literal(run["source"])))
    for f in run.get("files") or []:
        if f.get("sha256"):
            used = EVID[f"file/sha256/{f['sha256']}"]
            g.add((act, PROV.used, used))
            g.add((used, RDF.type, PROV.Entity))
            g.add((used, RDFS.label, Literal(str(f.get("path", "")))))


def statements_graph(statements: Iterable[Mapping[str, Any]]) -> Graph:
    """An rdflib Graph of statements given as dicts: `subject`, `object`, `predicate`,
    optionally `type` (the relationship type), `subject_name` / `object_name`, and the
    provenance either flat (the relationship's properties) or under `provenance`."""
    g = new_graph()
    for item in statements:
        props = dict(item.get("provenance") or {})
        skip = ("provenance", "type", "subject_name", "object_name")
        props.update({k: v for k, v in item.items() if k not in skip})
        subject, obj = str(item["subject"]), str(item["object"])
        rel_type = str(item.get("type") or props.get("predicate", "biolink:related_to"))
        add_statement(g, subject, rel_type, obj, props)
        for end, key in ((subject, "subject_name"), (obj, "object_name")):
            if item.get(key):
                g.add((iri(end), RDFS.label, Literal(item[key])))
    return g


def serialize_statements(statements: Iterable[Mapping[str, Any]], fmt: str = "turtle") -> str:
    """`statements` (see `statements_graph`) as Turtle, N-Triples or JSON-LD text."""
    if fmt not in FORMATS:
        raise ValueError(f"RDF format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return statements_graph(statements).serialize(format=FORMATS[fmt])
