"""What a retrieved statement's relationship properties say about where it came from."""

from __future__ import annotations

from typing import Any

_EXTRACTED = (
    "model_name",
    "model_version",
    "encoder",
    "document_id",
    "sentence",
    "subject_start",
    "subject_end",
    "object_start",
    "object_end",
    "extraction_run",
    "extraction_runs",
    "extracted_at",
    "score",
)
_PER_SOURCE = (
    "release",
    "run",
    "publications",
    "evidence",
    "frequency",
    "onset",
    "association_type",
)


def provenance(props: dict[str, Any] | None) -> dict[str, Any]:
    """Knowledge sources with their release, ingest run and publications; for extracted
    statements the model, document, sentence, spans and extraction run."""
    p = props or {}
    out: dict[str, Any] = {
        "primary_knowledge_source": p.get("primary_knowledge_source"),
        "knowledge_level": p.get("knowledge_level"),
        "agent_type": p.get("agent_type"),
    }
    if p.get("evidence_id"):
        out["extraction"] = {k: _plain(p[k]) for k in _EXTRACTED if k in p}
        return out
    out["sources"] = [
        {"source": s, **{k: _plain(p[f"{s}_{k}"]) for k in _PER_SOURCE if f"{s}_{k}" in p}}
        for s in p.get("sources") or []
    ]
    out["ingest_run"] = p.get("last_ingest_run")
    return out


def _plain(v: Any) -> Any:
    return v if isinstance(v, str | int | float | bool | list | type(None)) else str(v)
