"""Entity linking and search, and one entity with its degrees and a few neighbours."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AfterValidator

from api import lucene
from api.deps import Store, read_access
from api.routes.common import problems
from api.schemas import CURIE_PATTERN, EntityDetail, EntitySearch, valid_unicode
from core.exceptions import NotFoundError

router = APIRouter(prefix="/v1/entities", tags=["entities"], dependencies=[Depends(read_access)])


@router.get("", response_model=EntitySearch, responses=problems(401, 422, 503))
def search_entities(
    store: Store,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="A CURIE, an exact name, or words of a name or synonym.",
            examples=["marfan syndrome"],
        ),
        AfterValidator(valid_unicode),
    ],
    limit: Annotated[int, Query(ge=1, le=100, examples=[10])] = 10,
) -> dict[str, Any]:
    """Link text to entities: exact id, exact name, then full-text over names and synonyms."""
    query = lucene.build(q)
    rows = store.read(
        "api/search_entities",
        q=q.strip(),
        lucene=query or '""',
        limit=limit,
        candidates=limit * 4 + 20,
    )
    return {"query": q, "results": rows}


@router.get("/{curie:path}", response_model=EntityDetail, responses=problems(401, 404, 422, 503))
def get_entity(
    store: Store,
    curie: Annotated[
        str,
        Path(pattern=CURIE_PATTERN, max_length=200, examples=["ORPHA:558"]),
        AfterValidator(valid_unicode),
    ],
    neighbours: Annotated[
        int, Query(ge=0, le=100, description="How many neighbours.", examples=[10])
    ] = 10,
) -> dict[str, Any]:
    """One node: properties, categories, degree per predicate and a few neighbours."""
    rows = store.read("api/get_entity", id=curie, limit=neighbours)
    if not rows:
        raise NotFoundError(f"no entity with id {curie!r} in the graph")
    return rows[0]
