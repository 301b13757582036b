"""Request and response models of the HTTP API; each carries an OpenAPI example."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)


def valid_unicode(value: Any) -> Any:
    """Refuse strings (also nested, also dict keys) that cannot be encoded as UTF-8: JSON can
    carry lone surrogates, and they must not reach the database or the models."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ValueError(
                f"text is not valid Unicode (lone surrogate at character {e.start})"
            ) from None
    elif isinstance(value, dict):
        for k, v in value.items():
            valid_unicode(k)
            valid_unicode(v)
    elif isinstance(value, list):
        for v in value:
            valid_unicode(v)
    return value


INT64 = (-(2**63), 2**63 - 1)


def cypher_value(value: Any, path: str = "parameters") -> Any:
    """Refuse parameter values Neo4j cannot hold: integers outside 64 bits (JSON numbers have
    no bound; the driver would fail on them while packing the query). `path` names the
    offending value in the message."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not INT64[0] <= value <= INT64[1]:
        raise ValueError(f"{path}: integer {value} is outside Neo4j's 64-bit range")
    if isinstance(value, dict):
        for k, v in value.items():
            cypher_value(v, f"{path}.{k}")
    elif isinstance(value, list):
        for n, v in enumerate(value):
            cypher_value(v, f"{path}[{n}]")
    return value


# A compact URI: prefix, colon, local id (ORPHA:558, HP:0001166, NCBIGene:2200).
CURIE_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]*:[^\s:][^\s]*$"
Curie = Annotated[
    str, StringConstraints(pattern=CURIE_PATTERN, max_length=200), AfterValidator(valid_unicode)
]
Text = Annotated[str, AfterValidator(valid_unicode)]


class Problem(BaseModel):
    """An error as RFC 9457 problem details (served as application/problem+json)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "example": {
                "type": "https://evigraph.dev/problems/not-found",
                "title": "Not Found",
                "status": 404,
                "detail": "no entity with id 'ORPHA:0' in the graph",
                "instance": "/v1/entities/ORPHA:0",
            }
        },
    )
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None


# --- health -------------------------------------------------------------------------------


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"status": "ok"}})
    status: Literal["ok"] = "ok"


class Check(BaseModel):
    ok: bool
    detail: Any = None


class Ready(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "ready": True,
                "checks": {
                    "neo4j": {"ok": True, "detail": "bolt://127.0.0.1:7687"},
                    "schema": {"ok": True, "detail": []},
                    "models": {"ok": True, "detail": {"encoder": "all-MiniLM-L6-v2"}},
                },
                "extraction": {
                    "job": {"running": True, "pid": 4242, "log": "var/train/job.log"},
                    "models": {
                        "maude": {"state": "ready", "version": "2026-12-06T14:02:11+00:00"},
                        "ade": {"state": "training", "step": "1200/5400", "eta": "21m04s"},
                        "biored": {"state": "queued"},
                    },
                },
            }
        }
    )
    ready: bool
    checks: dict[str, Check]
    extraction: dict[str, Any] = Field(
        default_factory=dict,
        description="Each extraction model's state (ready, training, queued, failed, missing); "
        "informational: `ready` is about Neo4j and the evidence models only, as extraction "
        "models train behind the live API.",
    )


# --- entities -----------------------------------------------------------------------------


class EntityRef(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    name: str | None = None
    category: str | None = None


class EntityHit(EntityRef):
    labels: list[str] = []
    synonyms: list[str] = []
    match: Literal["id", "name", "fulltext"]
    score: float | None = Field(None, description="Full-text score; null for exact matches.")


class EntitySearch(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "query": "marfan",
                "results": [
                    {
                        "id": "ORPHA:558",
                        "name": "Marfan syndrome",
                        "category": "biolink:Disease",
                        "labels": ["Disease"],
                        "synonyms": ["MFS"],
                        "match": "fulltext",
                        "score": 7.21,
                    }
                ],
            }
        }
    )
    query: str
    results: list[EntityHit]


class Degree(BaseModel):
    type: str
    predicate: str | None = None
    direction: Literal["out", "in"]
    count: int


class Neighbour(BaseModel):
    type: str
    predicate: str | None = None
    direction: Literal["out", "in"]
    negated: bool = False
    sources: list[str] = []
    primary_knowledge_source: list[str] = []
    entity: EntityRef


class EntityDetail(EntityRef):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "ORPHA:558",
                "name": "Marfan syndrome",
                "category": "biolink:Disease",
                "labels": ["Disease"],
                "synonyms": ["MFS"],
                "xrefs": ["ICD-10:Q87.4"],
                "sources": ["orphanet", "hpoa"],
                "primary_knowledge_source": ["infores:orphanet", "infores:hpo-annotations"],
                "degree": [
                    {
                        "type": "HAS_PHENOTYPE",
                        "predicate": "biolink:has_phenotype",
                        "direction": "out",
                        "count": 57,
                    }
                ],
                "neighbours": [
                    {
                        "type": "HAS_PHENOTYPE",
                        "predicate": "biolink:has_phenotype",
                        "direction": "out",
                        "negated": False,
                        "sources": ["hpoa", "orphanet"],
                        "primary_knowledge_source": ["infores:hpo-annotations"],
                        "entity": {
                            "id": "HP:0001166",
                            "name": "Arachnodactyly",
                            "category": "biolink:PhenotypicFeature",
                        },
                    }
                ],
            }
        }
    )
    labels: list[str] = []
    synonyms: list[str] = []
    xrefs: list[str] = []
    sources: list[str] = []
    primary_knowledge_source: list[str] = []
    degree: list[Degree]
    neighbours: list[Neighbour]


# --- cypher -------------------------------------------------------------------------------


class CypherRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "query": "MATCH (d:Disease {id: $id})-[:HAS_PHENOTYPE]->(p) "
                "RETURN p.id AS id, p.name AS name LIMIT 10",
                "parameters": {"id": "ORPHA:558"},
            }
        },
    )
    query: Text = Field(min_length=1, max_length=20_000, description="Read-only Cypher.")
    parameters: Annotated[
        dict[str, Any], AfterValidator(valid_unicode), AfterValidator(cypher_value)
    ] = Field(default_factory=dict, description="Query parameters ($name), passed separately.")


class CypherResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "columns": ["id", "name"],
                "rows": [["HP:0001166", "Arachnodactyly"]],
                "row_count": 1,
                "row_limit": 1000,
                "truncated": False,
                "elapsed_ms": 4.2,
            }
        }
    )
    columns: list[str]
    rows: list[list[Any]]
    row_count: int
    row_limit: int
    truncated: bool = Field(description="True when the query had more rows than row_limit.")
    elapsed_ms: float


# --- evidence -----------------------------------------------------------------------------

_TRIPLE_EXAMPLE: dict[str, Any] = {
    "subject": {"id": "ORPHA:558", "name": "Marfan syndrome", "category": "biolink:Disease"},
    "predicate": "biolink:has_phenotype",
    "object": {
        "id": "HP:0001166",
        "name": "Arachnodactyly",
        "category": "biolink:PhenotypicFeature",
    },
    "score": 0.93,
    "provenance": {
        "sources": ["hpoa", "orphanet"],
        "primary_knowledge_source": ["infores:hpo-annotations", "infores:orphanet"],
        "release": {"hpoa": "2025-01-16"},
        "publications": ["PMID:1852208"],
        "ingest_run": {"hpoa": "hpoa-2025-11-22T05:00:00"},
    },
}


EvidenceFormat = Literal["json", "turtle", "json-ld"]


class EvidenceRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "question": "Which phenotypes does Marfan syndrome show?",
                "seeds": ["ORPHA:558"],
                "max_hops": 2,
                "mode": "autoregressive",
                "top_k": 10,
            }
        },
    )
    question: Text | None = Field(
        None,
        min_length=1,
        max_length=2000,
        description="Required unless phenotypes, excluded_phenotypes or a phenopacket is given.",
    )
    phenotypes: list[Annotated[Text, StringConstraints(min_length=1, max_length=300)]] | None = (
        Field(
            None,
            max_length=200,
            description=(
                "Observed phenotypes: HPO ids (HP:0001250, HP_0001250 or the OBO PURL) or "
                "names and synonyms; a name trimmed of punctuation or a plural, or the one "
                "term a short phrase names, is read with a note."
            ),
        )
    )
    excluded_phenotypes: (
        list[Annotated[Text, StringConstraints(min_length=1, max_length=300)]] | None
    ) = Field(None, max_length=500, description="Phenotypes the patient does not have.")
    phenopacket: dict[str, Any] | None = Field(
        None, description="A GA4GH Phenopacket v2 JSON object (its phenotypicFeatures)."
    )
    seeds: list[Curie] | None = Field(
        None, max_length=20, description="Seed CURIEs; unset: linked from the question."
    )
    max_hops: int = Field(3, ge=1, le=3)
    mode: Literal["autoregressive", "per_hop"] = "autoregressive"
    threshold: float | None = Field(None, allow_inf_nan=False, description="Keep scores >= this.")
    top_k: int | None = Field(
        None,
        ge=1,
        le=1000,
        description="Keep at most this many per hop; ranked diseases and genes (default 20).",
    )
    format: EvidenceFormat | None = Field(
        None, description="Answer format (or ?format=); default json."
    )

    @model_validator(mode="after")
    def _something_to_answer(self) -> EvidenceRequest:
        if self.question is None and not (
            self.phenotypes or self.excluded_phenotypes or self.phenopacket is not None
        ):
            raise ValueError(
                "question: required unless phenotypes, excluded_phenotypes or phenopacket is given"
            )
        return self


class Seed(EntityRef):
    match: str | None = None
    score: float | None = None


class Triple(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    subject: EntityRef
    predicate: str
    object: EntityRef
    score: float | None = None
    provenance: dict[str, Any] = {}


class Hop(BaseModel):
    model_config = ConfigDict(extra="allow")
    hop: int
    triples: list[Triple]


class ModelInfo(BaseModel):
    model_config = ConfigDict(extra="allow")
    scorer: str | None = None
    encoder: str | None = None
    checkpoint: str | None = None


class Explained(BaseModel):
    model_config = ConfigDict(extra="allow")
    phenotype: EntityRef
    annotation: EntityRef
    via: EntityRef
    match: str
    frequency: float | None = None
    path: list[dict[str, str]] = Field(description="subclass_of chain, then has_phenotype.")
    sources: list[str] = []
    publications: list[str] = []


class RankedEntry(EntityRef):
    score: float
    rank: int
    equivalent_ids: list[str] = []
    explained: list[Explained] = []
    excluded_hits: list[dict[str, Any]] = []
    unexplained: list[EntityRef] = []


class Evidence(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "example": {
                "seeds": [
                    {
                        "id": "ORPHA:558",
                        "name": "Marfan syndrome",
                        "category": "biolink:Disease",
                        "match": "given",
                        "score": 1.0,
                    }
                ],
                "hops": [{"hop": 1, "triples": [_TRIPLE_EXAMPLE]}],
                "paths": [[_TRIPLE_EXAMPLE]],
                "model": {
                    "scorer": "caff",
                    "encoder": "all-MiniLM-L6-v2",
                    "checkpoint": "var/caff/model.pt",
                },
                "timings_ms": {"link": 3.1, "expand": 12.4, "score": 20.8, "total": 37.0},
            }
        },
    )
    seeds: list[Seed]
    hops: list[Hop]
    paths: list[Any] = Field(description="Seed-to-retained-tail chains, one per retained tail.")
    model: ModelInfo
    timings_ms: dict[str, Any] = Field(
        description="Milliseconds per stage (link, expand, score, ...)."
    )
    ranking: list[RankedEntry] | None = Field(
        None, description="Diseases best first, for phenotype input (ORPHA/OMIM merged)."
    )
    gene_ranking: list[RankedEntry] | None = Field(
        None, description="Genes best first, through the ranked diseases they cause."
    )
    notes: list[str] | None = Field(
        None, description="How the input was read: retired HPO ids replaced, terms left out."
    )
