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
(https://w3id.org/evigraph/vocab/). Triples are built as light terms (`Term`) by one set of
functions; `interop.rdf_text` writes them as Turtle or N-Triples text fast enough for the whole
graph, and `to_graph` turns them into an rdflib Graph. `statements_graph` and
`serialize_statements` are the entry points for callers that hold a list of statements;
`serialize_evidence` writes an evidence answer (retrieval.service) as RDF."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rdflib import XSD, Graph, Literal, Namespace, URIRef

from interop.kgx import plain, statement_id
from interop.prefixes import BIOLINK_BASE, EVIGRAPH_BASE, PREFIX_MAP, curie_to_iri

# Vocabulary prefixes (node id prefixes come from PREFIX_MAP).
VOCAB = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "prov": "http://www.w3.org/ns/prov#",
    "biolink": BIOLINK_BASE,
    "evg": EVIGRAPH_BASE + "vocab/",
}
PREFIXES = {**PREFIX_MAP, **VOCAB}
BIOLINK = Namespace(BIOLINK_BASE)
PROV = Namespace(VOCAB["prov"])
EVG = Namespace(VOCAB["evg"])
FORMATS = {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "json-ld": "json-ld"}

# A term: ("c", curie) or ("i", iri) for an IRI; ("s" | "n" | "d" | "b" | "t", lexical form)
# for a string, integer, double, boolean or dateTime literal.
Term = tuple[str, str]
Triple = tuple[Term, Term, Term]

A = ("c", "rdf:type")
_HANDLED = frozenset(
    [
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
    ]
)


def node_term(curie: str) -> Term:
    """A node's IRI: as a CURIE when its prefix is mapped, else the full IRI."""
    prefix, _, _ = curie.partition(":")
    return ("c", curie) if prefix in PREFIX_MAP and curie != prefix else ("i", curie_to_iri(curie))


def literal(value: Any) -> Term:
    value = plain(value)
    if isinstance(value, bool):
        return ("b", "true" if value else "false")
    if isinstance(value, int):
        return ("n", str(value))
    if isinstance(value, float):
        return ("d", repr(value))
    return ("s", str(value))


def run_term(run_id: str) -> Term:
    return ("i", f"{EVIGRAPH_BASE}id/run/{run_id}")


def model_term(name: str, version: str) -> Term:
    return ("i", f"{EVIGRAPH_BASE}id/model/{name}/{version}")


def node_triples(node_id: str, props: Mapping[str, Any]) -> Iterator[Triple]:
    node = node_term(node_id)
    category = props.get("category")
    for cat in category if isinstance(category, list) else [category]:
        if isinstance(cat, str) and cat.startswith("biolink:"):
            yield (node, A, ("c", cat))
    if props.get("name"):
        yield (node, ("c", "rdfs:label"), ("s", str(props["name"])))
    for syn in props.get("synonyms") or []:
        yield (node, ("c", "biolink:synonym"), ("s", str(syn)))
    for xref in props.get("xrefs") or []:
        yield (node, ("c", "biolink:xref"), node_term(str(xref)))
    for source in props.get("primary_knowledge_source") or []:
        yield (node, ("c", "biolink:provided_by"), node_term(str(source)))


def statement_triples(
    subject: str, rel_type: str, obj: str, props: Mapping[str, Any]
) -> Iterator[Triple]:
    """One statement: its direct triple (unless negated) and its reified provenance."""
    s, o = node_term(subject), node_term(obj)
    pred_curie = str(props.get("predicate") or "biolink:related_to")
    pred = ("c", pred_curie) if pred_curie.startswith("biolink:") else node_term(pred_curie)
    st = ("i", curie_to_iri(statement_id(subject, rel_type, obj, dict(props))))
    negated = bool(props.get("negated", False))
    if not negated:
        yield (s, pred, o)
    for cls in ("rdf:Statement", "biolink:Association", "prov:Entity"):
        yield (st, A, ("c", cls))
    yield (st, ("c", "rdf:subject"), s)
    yield (st, ("c", "rdf:predicate"), pred)
    yield (st, ("c", "rdf:object"), o)
    yield (st, ("c", "biolink:negated"), literal(negated))
    yield (st, ("c", "evg:relationship_type"), ("s", rel_type))
    for key in ("knowledge_level", "agent_type"):
        if props.get(key):
            yield (st, ("c", f"biolink:{key}"), ("s", str(props[key])))
    yield from _provenance(st, props)
    for key, value in props.items():
        if key in _HANDLED or key.endswith(("_run", "_hash")) or value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            yield (st, ("c", f"evg:{key}"), literal(item))


def _provenance(st: Term, props: Mapping[str, Any]) -> Iterator[Triple]:
    pks = props.get("primary_knowledge_source")
    sources = [pks] if isinstance(pks, str) else list(pks or [])
    for source in sources:
        yield (st, ("c", "biolink:primary_knowledge_source"), node_term(source))
    if props.get("evidence_id"):  # read from text by a model
        runs = list(props.get("extraction_runs") or [props.get("extraction_run")])
        if props.get("model_name"):
            model = model_term(str(props["model_name"]), str(props.get("model_version", "")))
            yield (st, ("c", "prov:wasAttributedTo"), model)
        documents = [props.get("document_id")]
    else:  # asserted by curated sources
        runs = [props.get(f"{source}_run") for source in props.get("sources") or []]
        for source in sources:
            yield (st, ("c", "prov:wasAttributedTo"), node_term(source))
        documents = list(props.get("hpoa_publications") or [])
    for run in runs:
        if run:
            yield (st, ("c", "prov:wasGeneratedBy"), run_term(str(run)))
    for doc in documents:
        if doc:
            yield (st, ("c", "prov:wasDerivedFrom"), node_term(str(doc)))


def agent_triples(infores: Iterable[str]) -> Iterator[Triple]:
    for source in infores:
        yield (node_term(source), A, ("c", "prov:Agent"))


def run_triples(run: Mapping[str, Any], kind: str) -> Iterator[Triple]:
    """An IngestRun or ExtractionRun node as a prov:Activity (and its model as an agent)."""
    act = run_term(str(run["id"]))
    yield (act, A, ("c", "prov:Activity"))
    yield (act, ("c", "rdfs:label"), ("s", f"evigraph {kind} run {run['id']}"))
    for key, term in (("started_at", "prov:startedAtTime"), ("finished_at", "prov:endedAtTime")):
        if run.get(key):
            yield (act, ("c", term), ("t", str(plain(run[key]))))
    if run.get("status"):
        yield (act, ("c", "evg:status"), ("s", str(run["status"])))
    if kind == "extraction" and run.get("model_name"):
        model = model_term(str(run["model_name"]), str(run.get("model_version", "")))
        yield (model, A, ("c", "prov:SoftwareAgent"))
        label = f"{run['model_name']} {run.get('model_version')}"
        yield (model, ("c", "rdfs:label"), ("s", label))
        if run.get("encoder"):
            yield (model, ("c", "evg:encoder"), ("s", str(run["encoder"])))
        yield (act, ("c", "prov:wasAssociatedWith"), model)
    elif run.get("source"):
        yield (act, ("c", "evg:source"), ("s", str(run["source"])))
    for f in run.get("files") or []:
        if f.get("sha256"):
            used = ("i", f"{EVIGRAPH_BASE}id/file/sha256/{f['sha256']}")
            yield (act, ("c", "prov:used"), used)
            yield (used, A, ("c", "prov:Entity"))
            yield (used, ("c", "rdfs:label"), ("s", str(f.get("path", ""))))


_DATATYPES = {"n": XSD.integer, "d": XSD.double, "b": XSD.boolean, "t": XSD.dateTime}


def rdflib_term(term: Term) -> URIRef | Literal:
    kind, text = term
    if kind == "c":
        prefix, _, local = text.partition(":")
        return URIRef(PREFIXES[prefix] + local)
    if kind == "i":
        return URIRef(text)
    if kind == "s":
        return Literal(text)
    return Literal(text, datatype=_DATATYPES[kind])


def new_graph() -> Graph:
    g = Graph(bind_namespaces="core")
    for prefix, base in PREFIXES.items():
        g.bind(prefix, Namespace(base), override=True)
    return g


def to_graph(triples: Iterable[Triple], g: Graph | None = None) -> Graph:
    g = new_graph() if g is None else g
    for s, p, o in triples:
        g.add((rdflib_term(s), rdflib_term(p), rdflib_term(o)))
    return g


def iri(curie: str) -> URIRef:
    return URIRef(curie_to_iri(curie))


def run_iri(run_id: str) -> URIRef:
    return URIRef(run_term(run_id)[1])


def model_iri(name: str, version: str) -> URIRef:
    return URIRef(model_term(name, version)[1])


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
        to_graph(statement_triples(subject, rel_type, obj, props), g)
        for end, key in ((subject, "subject_name"), (obj, "object_name")):
            if item.get(key):
                label = (node_term(end), ("c", "rdfs:label"), ("s", str(item[key])))
                to_graph([label], g)
    return g


def serialize_statements(statements: Iterable[Mapping[str, Any]], fmt: str = "turtle") -> str:
    """`statements` (see `statements_graph`) as Turtle, N-Triples or JSON-LD text."""
    if fmt not in FORMATS:
        raise ValueError(f"RDF format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return statements_graph(statements).serialize(format=FORMATS[fmt])


def evidence_statements(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The retained triples of an evidence answer (built with `raw_props=True`) as statements
    for `statements_graph`: each keeps its relationship properties as provenance, plus its
    hop and retrieval score (evg:hop, evg:retrieval_score)."""
    out = []
    for hop in result.get("hops") or []:
        for tr in hop["triples"]:
            out.append(
                {
                    "subject": tr["subject"]["id"],
                    "object": tr["object"]["id"],
                    "type": tr.get("relation") or tr["predicate"],
                    "subject_name": tr["subject"].get("name"),
                    "object_name": tr["object"].get("name"),
                    "provenance": tr.get("statement_props") or {},
                    "hop": hop["hop"],
                    "retrieval_score": tr.get("score"),
                }
            )
    return out


def serialize_evidence(result: Mapping[str, Any], fmt: str) -> str:
    """An evidence answer's retained statements, reified with their provenance, as RDF."""
    return serialize_statements(evidence_statements(result), fmt)
