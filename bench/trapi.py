"""Latency of POST /v1/trapi/query on the running graph, through the real app in process
(FastAPI, the query planner, the Cypher calls, the TRAPI answer and its JSON): disease ->
phenotypes one-hop and gene -> disease -> phenotype two-hop. Target: p50 <= 100 ms each.

Usage: EVIGRAPH_NEO4J__URI=bolt://127.0.0.1:7687 EVIGRAPH_NEO4J__PASSWORD=... \\
       .venv/bin/python -m bench.trapi [--n 100] [--warmup 10]
Read-only. The diseases and genes are --n evenly spaced (by id) among those with statements
of that kind; then Marfan syndrome (ORPHA:558) and FBN1 (NCBIGene:2200), --n times each."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.main import create_app
from core.logs import configure_logging
from core.settings import get_settings
from interop.prefixes import to_biolink

DISEASES = "MATCH (d:Disease)-[:HAS_PHENOTYPE]->() WITH DISTINCT d ORDER BY d.id RETURN d.id AS id"
GENES = (
    "MATCH (g:Gene)-[:ASSOCIATED_WITH|CAUSES|CONTRIBUTES_TO]->(:Disease)-[:HAS_PHENOTYPE]->() "
    "WITH DISTINCT g ORDER BY g.id RETURN g.id AS id"
)


def one_hop(disease: str) -> dict[str, Any]:
    nodes = {"d": {"ids": [disease]}, "p": {"categories": ["biolink:PhenotypicFeature"]}}
    edges = {"e": {"subject": "d", "object": "p", "predicates": ["biolink:has_phenotype"]}}
    return {"message": {"query_graph": {"nodes": nodes, "edges": edges}}}


def two_hop(gene: str) -> dict[str, Any]:
    nodes = {
        "g": {"ids": [gene]},
        "d": {"categories": ["biolink:Disease"]},
        "p": {"categories": ["biolink:PhenotypicFeature"]},
    }
    edges = {
        "e0": {"subject": "g", "object": "d", "predicates": ["biolink:related_to"]},
        "e1": {"subject": "d", "object": "p", "predicates": ["biolink:has_phenotype"]},
    }
    return {"message": {"query_graph": {"nodes": nodes, "edges": edges}}}


def measure(client: TestClient, bodies: list[dict[str, Any]], warmup: int) -> dict[str, float]:
    times, sizes = [], []
    for n, body in enumerate(bodies[:warmup] + bodies):
        t0 = time.perf_counter()
        res = client.post("/v1/trapi/query", json=body)
        dt = (time.perf_counter() - t0) * 1000
        res.raise_for_status()
        if n >= warmup:
            times.append(dt)
            sizes.append(len(res.json()["message"]["results"]))
    q = statistics.quantiles(times, n=100)
    return {
        "p50_ms": statistics.median(times),
        "p90_ms": q[89],
        "p99_ms": q[98],
        "mean_results": statistics.mean(sizes),
        "max_results": max(sizes),
    }


def _spread(ids: list[str], n: int) -> list[str]:
    step = max(1, len(ids) // n)
    return ids[::step][:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument(
        "--validate",
        action="store_true",
        help="also validate a one-hop, two-hop, category-only and predicate-hierarchy answer "
        "with reasoner-validator offline (make trapi-venv)",
    )
    args = ap.parse_args()
    configure_logging("WARNING")
    settings = get_settings().model_copy(deep=True)
    settings.api.load_models = False
    with TestClient(create_app(settings)) as client:
        store = client.app.state.evigraph.store  # type: ignore[attr-defined]
        diseases = _spread([r["id"] for r in store.run_text("d", DISEASES, {}, read=True)], args.n)
        genes = _spread([r["id"] for r in store.run_text("g", GENES, {}, read=True)], args.n)
        for name, bodies in (
            ("disease -> phenotypes (1 hop)", [one_hop(to_biolink(d)) for d in diseases]),
            ("gene -> disease -> phenotype (2 hops)", [two_hop(g) for g in genes]),
            ("Marfan syndrome -> phenotypes (1 hop)", [one_hop("ORDO:Orphanet_558")] * args.n),
            ("FBN1 -> disease -> phenotype (2 hops)", [two_hop("NCBIGene:2200")] * args.n),
        ):
            stats = measure(client, bodies, args.warmup)
            print(f"{name}: n={len(bodies)} " + " ".join(f"{k}={v:.1f}" for k, v in stats.items()))
        if args.validate:
            _validate(client)


def _validate(client: TestClient) -> None:
    from tests.trapi_validator import validate

    related = one_hop("HP:0001166")
    related["message"]["query_graph"]["nodes"]["p"] = {"categories": ["biolink:Disease"]}
    related["message"]["query_graph"]["edges"]["e"]["predicates"] = ["biolink:related_to"]
    anything = one_hop("ORDO:Orphanet_558")
    anything["message"]["query_graph"]["nodes"]["p"] = {}
    anything["message"]["query_graph"]["edges"]["e"].pop("predicates")
    bodies = [one_hop("ORDO:Orphanet_558"), two_hop("NCBIGene:2200"), related, anything]
    answers = [client.post("/v1/trapi/query", json=b).json() for b in bodies]
    with tempfile.TemporaryDirectory() as tmp:
        for body, report in zip(answers, validate(answers, Path(tmp)), strict=True):
            counts = {k: len(report[k]) for k in ("critical", "errors", "warnings")}
            print(
                f"validated ({len(body['message']['results'])} results): {counts} "
                f"warnings: {sorted(report['warnings'])}"
            )


if __name__ == "__main__":
    main()
