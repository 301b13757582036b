"""OpenAPI descriptions of the problem answers the routes can give."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from api.schemas import Problem


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {
        code: {
            "model": Problem,
            "description": f"{HTTPStatus(code).phrase} (RFC 9457 problem details)",
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
        for code in codes
    }
