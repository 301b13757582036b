"""TRAPI 2.0: POST /v1/trapi/query (one-hop and multi-hop query graphs answered from the graph)
and GET /v1/trapi/meta_knowledge_graph. The query module checks the query graph, the engine
runs one parameterised Cypher call per query edge, the answer module writes the Response."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Depends, Response
from fastapi.concurrency import run_in_threadpool

from api.deps import State, Store, read_access
from api.routes.common import problems
from interop.trapi import answer, engine, query
from interop.trapi.meta import MetaCache

router = APIRouter(prefix="/v1/trapi", tags=["trapi"], dependencies=[Depends(read_access)])
META = MetaCache()

EXAMPLE = {
    "message": {
        "query_graph": {
            "nodes": {
                "disease": {"ids": ["ORDO:Orphanet_558"]},
                "phenotype": {"categories": ["biolink:PhenotypicFeature"]},
            },
            "edges": {
                "e0": {
                    "subject": "disease",
                    "object": "phenotype",
                    "predicates": ["biolink:has_phenotype"],
                }
            },
        }
    }
}


@router.post(
    "/query",
    responses={200: {"description": "A TRAPI Response"}, **problems(400, 401, 408, 422, 503)},
)
async def trapi_query(
    state: State,
    store: Store,
    payload: Annotated[dict[str, Any], Body(examples=[EXAMPLE])],
) -> Response:
    """A TRAPI 2.0.0-beta Query: query graph in; knowledge graph, results and logs out. A bad
    query graph gets 400 (422 for another TRAPI version) with a TRAPI log naming the problem."""
    cfg = state.settings.interop
    plan = query.plan(query.parse(payload))
    found = await run_in_threadpool(engine.run, store, plan, cfg.trapi_timeout_s)
    body = await run_in_threadpool(answer.answer, plan, found, cfg.trapi_result_limit)
    # Answers run to megabytes: orjson straight to bytes, no response-model pass over them.
    return Response(orjson.dumps(body), media_type="application/json")


META_EXAMPLE = {
    "nodes": {"biolink:Disease": {"id_prefixes": ["DECIPHER", "OMIM", "ORDO"]}},
    "edges": [
        {
            "subject": "biolink:Disease",
            "predicate": "biolink:has_phenotype",
            "object": "biolink:PhenotypicFeature",
            "knowledge_types": ["lookup"],
        }
    ],
    "edge_counts": [
        {
            "subject": "biolink:Disease",
            "predicate": "biolink:has_phenotype",
            "object": "biolink:PhenotypicFeature",
            "count": 280000,
        }
    ],
    "node_counts": {"biolink:Disease": 23000},
}


@router.get(
    "/meta_knowledge_graph",
    responses={
        200: {
            "description": "A TRAPI MetaKnowledgeGraph with counts",
            "content": {"application/json": {"example": META_EXAMPLE}},
        },
        **problems(401, 503),
    },
)
async def meta_knowledge_graph(store: Store) -> dict[str, Any]:
    """Every (subject category, predicate, object category) the graph holds, with counts."""
    return await run_in_threadpool(META.get, store)
