"""Integration tests run against the real Neo4j that `make test` starts; they fail, never skip,
when it is down. Each test starts from an empty graph with the schema applied."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.exceptions import EvigraphError
from core.settings import Neo4jSettings, Settings
from graph import schema
from graph.repository import GraphStore

WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


@pytest.fixture(scope="session")
def neo4j_cfg() -> Neo4jSettings:
    return Settings().neo4j


@pytest.fixture(scope="session")
def session_store(neo4j_cfg: Neo4jSettings) -> Iterator[GraphStore]:
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


DATA = Path(__file__).resolve().parents[1] / "data"


def load_fixture_graph(store: GraphStore) -> None:
    """HPO, HPOA, OMIM and Orphanet fixtures (cut from the real files) through the real jobs."""
    from ingest import job
    from ingest.rows import Source
    from ingest.sources import Input, parse_source

    hpo = {
        "obo": DATA / "hpo" / "hp.obo",
        "hpoa": DATA / "hpo" / "phenotype.hpoa",
        "g2p": DATA / "hpo" / "genes_to_phenotype.txt",
        "p2g": DATA / "hpo" / "phenotype_to_genes.txt",
    }
    mim2gene = DATA / "omim" / "mim2gene_sample.txt"
    hpo_inputs = [Input(k, p) for k, p in hpo.items()]
    for source, inputs in (
        (Source.HPO, hpo_inputs),
        (Source.HPOA, hpo_inputs),
        (Source.OMIM, [Input("mim2gene", mim2gene)]),
        (Source.ORPHANET, [Input("packets", DATA / "orphanet" / "packets")]),
    ):
        job.run_source(store, source, parse_source(source, inputs, mim2gene), batch_size=200)
