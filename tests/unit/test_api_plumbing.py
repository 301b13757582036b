"""The app's plumbing without services: problem details, keys, metrics, and 503s while Neo4j
is unreachable (the app points at a closed port). The evidence route is driven with a small
fake service here only; tests/integration/test_api.py uses the real app on the real Neo4j."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app
from core.exceptions import RetrievalError
from core.settings import ApiSettings, Neo4jSettings, Settings
from graph.local.process import free_port

KEY = "unit-test-key"


class FakeEvidence:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def evidence(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        if kwargs["seeds"] == ["ORPHA:0"]:
            raise RetrievalError("unknown seed 'ORPHA:0': no such entity in the graph")
        triple = {
            "subject": {"id": "ORPHA:558", "name": "Marfan syndrome", "category": "d"},
            "predicate": "biolink:has_phenotype",
            "object": {"id": "HP:0001166", "name": "Arachnodactyly", "category": "p"},
            "score": 0.9,
            "provenance": {"sources": ["hpoa"]},
        }
        return {
            "seeds": [{"id": "ORPHA:558", "name": "Marfan syndrome", "category": "d"}],
            "hops": [{"hop": 1, "triples": [triple]}],
            "paths": [[triple]],
            "model": {"scorer": "fake", "encoder": "none", "checkpoint": None},
            "timings_ms": {"score": 1.5, "total": 3.0},
        }

    def ready(self) -> dict[str, Any]:
        return {"encoder": "none", "scorer": "fake"}


def _settings(**api: Any) -> Settings:
    closed = free_port()  # nothing listens there
    return Settings(
        neo4j=Neo4jSettings(uri=f"bolt://127.0.0.1:{closed}", connection_timeout_s=1.0),
        api=ApiSettings(keys=[SecretStr(KEY)], retry_after_s=7, **api),
    )


@pytest.fixture
def fake() -> FakeEvidence:
    return FakeEvidence()


@pytest.fixture
def client(fake: FakeEvidence) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(), evidence_service=fake)) as c:
        yield c


def _assert_problem(r: Any, status: int, needle: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    assert needle in body["detail"], body
    return body


def test_evidence_passes_the_request_through(client: TestClient, fake: FakeEvidence) -> None:
    r = client.post("/v1/evidence", json={"question": "marfan?", "seeds": ["ORPHA:558"]})
    assert r.status_code == 200, r.text
    assert r.json()["hops"][0]["triples"][0]["object"]["id"] == "HP:0001166"
    assert fake.calls == [
        {
            "question": "marfan?",
            "seeds": ["ORPHA:558"],
            "max_hops": 3,
            "mode": "autoregressive",
            "threshold": None,
            "top_k": None,
            "raw_props": False,
            "phenotypes": None,
            "excluded_phenotypes": None,
            "phenopacket": None,
        }
    ]
    metrics = client.get("/metrics").text
    assert 'evigraph_evidence_stage_duration_seconds_count{stage="score"} 1.0' in metrics


def test_retrieval_error_is_422_problem(client: TestClient) -> None:
    r = client.post("/v1/evidence", json={"question": "q", "seeds": ["ORPHA:0"]})
    _assert_problem(r, 422, "unknown seed 'ORPHA:0'")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"question": "q", "max_hops": 4}, "max_hops"),
        ({"question": "q", "mode": "beam"}, "mode"),
        ({"question": "q", "seeds": ["not a curie"]}, "seeds"),
        ({"question": ""}, "question"),
        ({"question": "q", "extra": 1}, "extra"),
    ],
)
def test_bad_request_names_the_field(client: TestClient, body: dict[str, Any], field: str) -> None:
    problem = _assert_problem(client.post("/v1/evidence", json=body), 422, field)
    assert any(field in e["loc"] for e in problem["errors"])


def test_neo4j_unreachable_is_503_with_retry_after(client: TestClient) -> None:
    r = client.get("/v1/entities", params={"q": "marfan"})
    _assert_problem(r, 503, "Neo4j is not reachable")
    assert r.headers["retry-after"] == "7"
    r = client.post("/v1/cypher", json={"query": "RETURN 1"}, headers={"X-API-Key": KEY})
    _assert_problem(r, 503, "Neo4j is not reachable")
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["neo4j"]["ok"] is False
    assert ready.json()["checks"]["models"]["ok"] is True
    assert client.get("/healthz").json() == {"status": "ok"}


def test_cypher_needs_a_valid_key(client: TestClient) -> None:
    body = {"query": "RETURN 1"}
    r = client.post("/v1/cypher", json=body)
    _assert_problem(r, 401, "missing API key")
    assert "X-API-Key" in r.headers["www-authenticate"]
    r = client.post("/v1/cypher", json=body, headers={"X-API-Key": "wrong"})
    _assert_problem(r, 401, "invalid API key")


def test_guard_refuses_before_touching_neo4j(client: TestClient) -> None:
    r = client.post(
        "/v1/cypher",
        json={"query": "LOAD CSV FROM 'file:///etc/passwd' AS r RETURN r"},
        headers={"X-API-Key": KEY},
    )
    _assert_problem(r, 403, "LOAD CSV is not allowed")


def test_reads_can_require_a_key(fake: FakeEvidence) -> None:
    app = create_app(_settings(read_requires_key=True), evidence_service=fake)
    with TestClient(app) as c:
        _assert_problem(c.post("/v1/evidence", json={"question": "q"}), 401, "API key")
        r = c.post("/v1/evidence", json={"question": "q"}, headers={"X-API-Key": KEY})
        assert r.status_code == 200


def test_missing_retrieval_module_is_503(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes `import retrieval.service` raise ModuleNotFoundError.
    monkeypatch.setitem(sys.modules, "retrieval.service", None)
    with TestClient(create_app(_settings())) as c:
        r = c.post("/v1/evidence", json={"question": "q"})
        _assert_problem(r, 503, "retrieval not available")
        assert "retrieval.service" in r.json()["detail"]  # the import failed, not the load
        assert c.get("/readyz").json()["checks"]["models"]["ok"] is False


def test_unknown_path_and_metrics_per_route(client: TestClient) -> None:
    _assert_problem(client.get("/v2/nothing"), 404, "no endpoint at /v2/nothing")
    client.get("/healthz")
    text = client.get("/metrics").text
    assert 'evigraph_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert 'route="unmatched",status="404"' in text


def test_openapi_has_an_example_for_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            # The request and the success answer, not the shared Problem schema.
            parts = [op.get("requestBody", {}), op["responses"]["200"], op.get("parameters", [])]
            inline = "example" in str(parts)
            refs = {r.split("/")[-1] for r in _refs(parts)}
            assert inline or any("example" in schemas[r] for r in refs), (method, path)


def _refs(obj: Any) -> list[str]:
    if isinstance(obj, dict):
        return [v for k, v in obj.items() if k == "$ref"] + [
            r for v in obj.values() for r in _refs(v)
        ]
    if isinstance(obj, list):
        return [r for v in obj for r in _refs(v)]
    return []


def test_lone_surrogates_are_422_not_500(client: TestClient) -> None:
    # JSON may carry a lone surrogate; it is refused before it reaches Neo4j or a model.
    raw = '{"query": "RETURN \\udb99 AS x", "parameters": {}}'
    r = client.post(
        "/v1/cypher",
        content=raw,
        headers={"X-API-Key": KEY, "Content-Type": "application/json"},
    )
    _assert_problem(r, 422, "body.query")
    raw = '{"query": "RETURN 1", "parameters": {"\\udb99k": {"v": ["\\udc2b"]}}}'
    r = client.post(
        "/v1/cypher",
        content=raw,
        headers={"X-API-Key": KEY, "Content-Type": "application/json"},
    )
    _assert_problem(r, 422, "not valid Unicode")
    raw = '{"question": "ok", "seeds": ["HP:\\ud800"]}'
    r = client.post("/v1/evidence", content=raw, headers={"Content-Type": "application/json"})
    _assert_problem(r, 422, "seeds")


def test_integers_beyond_64_bits_in_cypher_parameters_are_422_not_500(
    client: TestClient,
) -> None:
    # JSON numbers have no bound; Neo4j's integers are 64-bit (found by the schemathesis fuzz).
    big = 96711030058430431232
    body = {"query": "RETURN $x AS x", "parameters": {"x": {"y": [1, big]}}}
    r = client.post("/v1/cypher", json=body, headers={"X-API-Key": KEY})
    _assert_problem(r, 422, "parameters.x.y[1]: integer 96711030058430431232")
    body = {"query": "RETURN $x AS x", "parameters": {"x": -(2**63) - 1}}
    r = client.post("/v1/cypher", json=body, headers={"X-API-Key": KEY})
    _assert_problem(r, 422, "outside Neo4j's 64-bit range")


class LoadingRanker(FakeEvidence):
    """A service whose phenotype ranker is still loading (behind the live API) until
    `loaded` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded = threading.Event()

    @property
    def phenotypes(self) -> None:
        assert self.loaded.wait(20)

    def evidence(self, **kwargs: Any) -> dict[str, Any]:
        if kwargs.get("phenotypes"):
            self.phenotypes  # noqa: B018 - as the real service, it needs the ranker
        return super().evidence(**kwargs)


def test_a_request_waiting_for_the_phenotype_ranker_holds_no_evidence_slot() -> None:
    fake = LoadingRanker()
    question = {"question": "marfan?", "seeds": ["ORPHA:558"]}
    with (
        TestClient(create_app(_settings(evidence_threads=1), evidence_service=fake)) as c,
        ThreadPoolExecutor(2) as pool,
    ):
        patient = pool.submit(c.post, "/v1/evidence", json={"phenotypes": ["HP:0001166"]})
        time.sleep(0.5)  # the patient's request now waits for the ranker
        try:
            # the only slot is free: a question is answered meanwhile
            assert pool.submit(c.post, "/v1/evidence", json=question).result(5).status_code == 200
            assert not patient.done()
        finally:
            fake.loaded.set()
        assert patient.result(10).status_code == 200
        assert [call.get("phenotypes") for call in fake.calls] == [None, ["HP:0001166"]]
