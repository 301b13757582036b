"""Extraction endpoints under /v1/extract/ (ade, biored, maude).

The models live in the app state (api/extraction_models.py): each loads on first use once it
is trained; until then its endpoint answers 503 with the training state. Every request stats
the model's files, so a model trained (or retrained) while the API runs is loaded by the next
request, without a restart.
Extraction alone is a read; `write: true` writes the statements back as one ExtractionRun and
needs an API key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import State, api_key_header, read_access, require_key
from api.routes.common import problems
from extraction import readiness

router = APIRouter(prefix="/v1/extract", tags=["extract"])


def _write_allowed(state: State, request: Request, write: bool) -> None:
    if write:
        require_key(state, request.headers.get(api_key_header.model.name))


class MaudeDevice(BaseModel):
    brand_name: str = ""
    generic_name: str = ""
    product_code: str = ""
    manufacturer: str = ""


class MaudeReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mdr_report_key: str = Field(min_length=1, max_length=64)
    text: str = Field(min_length=1, max_length=100_000, description="The event narrative.")
    event_type: str = Field("", description="As reported: IN, D, M, O (optional).")
    date_received: str | None = None
    date_of_event: str | None = None
    devices: list[MaudeDevice] = []


class MaudeRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "reports": [
                    {
                        "mdr_report_key": "12345678",
                        "text": "The patient died two days after the mesh was implanted.",
                        "devices": [{"brand_name": "MESH X", "product_code": "FTL"}],
                    }
                ],
                "write": False,
            }
        },
    )
    reports: list[MaudeReportIn] = Field(min_length=1, max_length=256)
    write: bool = False


@router.post("/maude", dependencies=[Depends(read_access)], responses=problems(401, 422, 503))
def extract_maude(body: MaudeRequest, state: State, request: Request) -> dict[str, Any]:
    """Severity (Death / Injury / Malfunction / Other) of MAUDE device-report narratives;
    with `write`, the reports, devices and linked phenotypes go into the graph."""
    from extraction.maude.records import DeviceInfo, MaudeReport, Narrative
    from extraction.maude.service import MaudeService

    _write_allowed(state, request, body.write)
    folder = readiness.MODELS["maude"].ready(state.settings)[0].parent
    service = state.extraction.get("maude", lambda: MaudeService.load(folder))
    reports = [
        MaudeReport(
            r.mdr_report_key,
            r.event_type,
            None,
            r.date_received,
            r.date_of_event,
            None,
            [Narrative("1", "D", r.text)],
            [
                DeviceInfo(d.brand_name, d.generic_name, d.product_code, d.manufacturer)
                for d in r.devices
            ],
            "request",
        )
        for r in body.reports
    ]
    predictions = service.predict(reports)
    out: dict[str, Any] = {"predictions": predictions}
    if body.write:
        result = service.write(state.store, reports, predictions, inputs={"source": "api"})
        out["run"] = vars(result)
    return out


class BioredRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "pubtator": "1|t|BRCA1 mutations cause breast cancer.\n"
                "1\t0\t5\tBRCA1\tGeneOrGeneProduct\t672\n"
                "1\t22\t35\tbreast cancer\tDiseaseOrPhenotypicFeature\tD001943\n",
                "write": False,
            }
        },
    )
    pubtator: str | None = Field(None, max_length=2_000_000, description="PubTator text.")
    bioc: dict[str, Any] | None = Field(None, description="A BioC JSON collection.")
    write: bool = False


@router.post("/biored", dependencies=[Depends(read_access)], responses=problems(401, 422, 503))
def extract_biored(body: BioredRequest, state: State, request: Request) -> dict[str, Any]:
    """Typed, directed relations (BioRED types, novelty, direction) between the annotated
    entities of each document (PubTator text or a BioC JSON collection)."""
    from core.exceptions import ExtractionError
    from extraction.biored import checkpoint, corpus
    from extraction.biored.service import BioREDService

    _write_allowed(state, request, body.write)
    if (body.pubtator is None) == (body.bioc is None):
        raise ExtractionError("send exactly one of `pubtator` (text) or `bioc` (a collection)")
    skipped: list[str] = []
    docs = (
        corpus.parse_pubtator_text(body.pubtator, "request", skipped)
        if body.pubtator is not None
        else corpus.parse_bioc_collection(body.bioc, "request", skipped)
    )
    path = checkpoint.default_path(state.settings.models.var_dir)
    service = state.extraction.get(
        "biored", lambda: BioREDService(path, state.settings.models.encoder_dir)
    )
    relations, failed = service.extract_each(docs)
    out: dict[str, Any] = {
        "relations": [r.to_dict() for r in relations],
        "skipped": skipped + failed,
    }
    if body.write:
        result = service.write(state.store, docs, relations, inputs={"source": "api"})
        out["run"] = vars(result)
    return out


class AdeDocument(BaseModel):
    id: str = Field(min_length=1, max_length=200, description="PMID or your document id.")
    text: str = Field(min_length=1, max_length=1_000_000)


class AdeRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "text": "Acute renal failure developed after treatment with cisplatin.",
                "write": False,
            }
        },
    )
    text: str | None = Field(None, max_length=1_000_000, description="One text.")
    documents: list[AdeDocument] | None = Field(None, max_length=256)
    write: bool = False
    gate: bool | None = Field(
        None,
        description="Drop the relations of sentences the sentence gate judges to report no "
        "adverse event (fewer false relations in whole abstracts, some true ones lost); "
        "unset: the server's setting ade.sentence_gate. 503 when no gate is trained.",
    )


@router.post("/ade", dependencies=[Depends(read_access)], responses=problems(401, 422, 503))
def extract_ade(body: AdeRequest, state: State, request: Request) -> dict[str, Any]:
    """Directed drug -> adverse event relations in raw text (tagging, pairing, the served pair
    classifier, optionally the sentence gate, HPO linking); with `write`, provenance-tagged
    CAUSES_ADVERSE_EVENT edges."""
    from dataclasses import asdict

    from core.exceptions import ExtractionError
    from extraction.ade.service import AdeService
    from extraction.ade.text import Document

    _write_allowed(state, request, body.write)
    if (body.text is None) == (body.documents is None):
        raise ExtractionError("send exactly one of `text` or `documents`")
    service = state.extraction.get("ade", lambda: AdeService.from_settings(state.settings))
    inputs: str | list[Document] = (
        body.text
        if body.text is not None
        else [Document(d.id, d.text) for d in body.documents or []]
    )
    results = service.extract(inputs, body.gate)
    out: dict[str, Any] = {"documents": [asdict(r) for r in results]}
    if body.write:
        run = service.write(state.store, results, inputs={"source": "api"})
        out["run"] = vars(run)
    return out
