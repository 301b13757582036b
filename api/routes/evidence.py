"""Multi-hop evidence for a question: the endpoint KG-RAG pipelines call."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from api.deps import State, read_access
from api.routes.common import problems
from api.schemas import Evidence, EvidenceRequest

router = APIRouter(tags=["evidence"])


@router.post(
    "/v1/evidence",
    response_model=Evidence,
    dependencies=[Depends(read_access)],
    responses=problems(401, 422, 503),
)
def get_evidence(body: EvidenceRequest, state: State) -> dict[str, Any]:
    """Link seeds (given or from the question), expand up to max_hops, score each hop and keep
    the triples above threshold / within top_k, with the provenance the graph holds.

    An unknown seed, a question that links to nothing or a bad hop count gives 422."""
    service = state.evidence.get()
    out = service.evidence(
        question=body.question,
        seeds=body.seeds,
        max_hops=body.max_hops,
        mode=body.mode,
        threshold=body.threshold,
        top_k=body.top_k,
    )
    state.metrics.observe_stages(out.get("timings_ms") or {})
    return out
