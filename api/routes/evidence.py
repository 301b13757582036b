"""Multi-hop evidence for a question: the endpoint KG-RAG pipelines call."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
import orjson
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.deps import State, read_access
from api.routes.common import problems
from api.schemas import Evidence, EvidenceFormat, EvidenceRequest
from api.services import ServiceState
from core.exceptions import RetrievalError
from interop.rdf import serialize_evidence

router = APIRouter(tags=["evidence"])
_ORJSON = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
MEDIA_TYPES: dict[EvidenceFormat, str] = {"turtle": "text/turtle", "json-ld": "application/ld+json"}
_RDF_EXAMPLE = """@prefix biolink: <https://w3id.org/biolink/vocab/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
ORPHA:558 biolink:has_phenotype HP:0001166 .
EVIGRAPH:statement/3f1c... a rdf:Statement, biolink:Association, prov:Entity ;
    rdf:subject ORPHA:558 ; rdf:object HP:0001166 ;
    biolink:primary_knowledge_source infores:orphanet ;
    prov:wasGeneratedBy <https://w3id.org/evigraph/id/run/orphanet-...> ;
    evg:hop 1 ; evg:retrieval_score 0.93 ."""
RDF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The evidence; with format=turtle or json-ld the retained statements "
        "as RDF, reified with their PROV-O provenance.",
        "content": {
            "text/turtle": {"schema": {"type": "string"}, "example": _RDF_EXAMPLE},
            "application/ld+json": {"schema": {"type": "object"}},
        },
    }
}


@router.post(
    "/v1/evidence",
    response_model=Evidence,
    dependencies=[Depends(read_access)],
    responses={**RDF_RESPONSES, **problems(401, 422, 503)},
)
async def get_evidence(
    body: EvidenceRequest,
    state: State,
    format: Annotated[
        EvidenceFormat | None,
        Query(description="Answer format (also settable in the body); default json."),
    ] = None,
) -> Any:
    """Link seeds (given or from the question), expand up to max_hops, score each hop and keep
    the triples above threshold / within top_k, with the provenance the graph holds.

    `format=turtle` or `json-ld` answers the retained statements as RDF (PROV-O provenance,
    hop and retrieval score on each reified statement) instead of JSON.
    With `phenotypes` / `excluded_phenotypes` (HPO ids or names) or a GA4GH v2 `phenopacket`
    (or a question naming two or more phenotypes) the answer ranks diseases and genes:
    `ranking` and `gene_ranking`, best first, top_k (default 20) each, with the annotation
    paths that explain each entry. An unknown seed or HPO term, a question that links to
    nothing, a bad phenopacket or a bad hop count gives 422."""
    if format is not None and body.format is not None and format != body.format:
        raise RetrievalError(
            f"format is {format!r} in the query but {body.format!r} in the body; give one"
        )
    fmt = format or body.format or "json"
    if body.phenotypes or body.excluded_phenotypes or body.phenopacket is not None:
        await anyio.to_thread.run_sync(_ranker_loaded, state)
    # A few answers at once (api.evidence_threads), the rest queued first come first served.
    return await anyio.to_thread.run_sync(_answer, state, body, fmt, limiter=state.evidence_slots)


def _ranker_loaded(state: ServiceState) -> None:
    """Wait for the phenotype ranker, which loads behind the live API after start-up, outside
    the evidence slots: requests that wait for it must not stop the questions meanwhile."""
    getattr(state.evidence.get(), "phenotypes", None)


def _answer(state: ServiceState, body: EvidenceRequest, fmt: EvidenceFormat) -> Response:
    service = state.evidence.get()
    out = service.evidence(
        question=body.question or "",
        seeds=body.seeds,
        max_hops=body.max_hops,
        mode=body.mode,
        threshold=body.threshold,
        top_k=body.top_k,
        raw_props=fmt != "json",
        phenotypes=body.phenotypes,
        excluded_phenotypes=body.excluded_phenotypes,
        phenopacket=body.phenopacket,
    )
    state.metrics.observe_stages(out.get("timings_ms") or {})
    if fmt == "json":
        # Serialised directly: the answer is built by our own code in the Evidence shape (the
        # API tests validate it against the schema), and a second pass through pydantic took
        # about as long as scoring a hop.
        return Response(orjson.dumps(out, option=_ORJSON), media_type="application/json")
    return Response(serialize_evidence(out, fmt), media_type=MEDIA_TYPES[fmt])
