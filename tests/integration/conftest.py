"""Integration tests run against the real Neo4j that `make test` starts; they fail, never skip,
when it is down. Each test starts from an empty graph with the schema applied."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.exceptions import EvigraphError
from core.settings import Neo4jSettings, Settings
from graph import schema
from graph.repository import GraphStore

TEST_SERVER_FLAG = "EVIGRAPH_TEST_SERVER"
WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


@pytest.fixture(scope="session")
def neo4j_cfg() -> Neo4jSettings:
    return Settings().neo4j


@pytest.fixture(scope="session")
def session_store(neo4j_cfg: Neo4jSettings) -> Iterator[GraphStore]:
    if os.environ.get(TEST_SERVER_FLAG) != "1":
        # Every test wipes the graph: never let that reach the user's own server.
        pytest.fail(
            f"integration tests empty the database they use; run them with `make test` or "
            f"`bash scripts/test.sh tests/integration/...`, which start a separate test Neo4j "
            f"and set {TEST_SERVER_FLAG}=1"
        )
    try:
        store = GraphStore.connect(neo4j_cfg)
    except EvigraphError as e:
        pytest.fail(f"integration tests need the test Neo4j (run them with `make test`): {e}")
    yield store
    store.close()


@pytest.fixture
def store(session_store: GraphStore) -> GraphStore:
    """An empty graph with the schema applied."""
    with session_store.driver.session(database=session_store.database) as s:
        s.run(WIPE).consume()
    schema.apply_schema(session_store)
    return session_store


def train_tiny_retrieval(store: GraphStore, folder: Path) -> Settings:
    """A QA set, embedding cache and CAFF checkpoint for the graph in `store`, trained for
    two epochs under `folder`; returns Settings whose retrieval uses them."""
    from dataclasses import replace

    from core.encoders import resolve_model_dir
    from core.settings import ModelSettings, RetrievalSettings
    from retrieval import bfs
    from retrieval.caff import pipeline, qa
    from retrieval.caff.config import load_config
    from retrieval.caff.data import load_qa
    from retrieval.embeddings import build_or_load, load_encoder
    from retrieval.service import load_relations

    settings = Settings(
        neo4j=store.cfg,
        models=ModelSettings(var_dir=folder),
        retrieval=RetrievalSettings(min_relation_freq=1, checkpoint=folder / "caff.pt"),
    )
    relations = load_relations(store, settings)
    qa_cfg = qa.QAConfig(n_questions=40, unseen_fraction=0.2)
    data = load_qa(qa.build(store, relations, bfs.BfsConfig(), qa_cfg, folder / "qa"))
    encoder = load_encoder(resolve_model_dir(None), settings.models)
    index = build_or_load(store, encoder, relations, folder)
    feats = pipeline.features(data, encoder, index)
    cfg = replace(load_config("caff_entity"), epochs=2)  # the variant `make run` serves
    pipeline.run_variant(
        cfg, data, feats, encoder.encoder_id, folder / "results", folder / "caff.pt"
    )
    return settings
