"""Extraction endpoints under /v1/extract/ (ade, biored, maude).

Each extractor's branch adds its route here; writes require an API key
(`dependencies=[Depends(require_key)]` from api.deps)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1/extract", tags=["extract"])
