"""Phenotype-driven diagnosis on real published cases (phenopacket-store, dev part).

Usage: .venv/bin/python -m bench.phenopackets [--folds 5] [--seed 13] [--api-sample 200]
Needs the graph loaded (`make run`); reads the .tar.gz directly. In one run, on the same
disease-disjoint folds: the information-content best-match baseline (Resnik, Phenomizer-
style), the likelihood-ratio score (retrieval/phenotype/lr.py, its few constants chosen from
lr.GRID on the training folds of each fold), the listwise re-ranker without the LR features
(the served ranking; trained, as `evigraph phenotype train` does, on each case and again
without its excluded terms), the same re-ranker given the cases without their excluded terms,
and the re-ranker with the LR features (each fold's re-ranker trained on the other folds with
its L2 chosen on them, with the LR constants those folds chose), per case and per disease
(macro), on all cases, on the cases whose diagnosis has phenotype annotations in the graph,
and on those whose annotations do not cite the case's own report; then, on the cases that name
their causal gene, that gene's rank in the served ranking's genes. Then a sample through
POST /v1/evidence (structured input and a free-text question built from the phenotype labels,
when the API can load) and the in-process latency of a 10-phenotype case. Writes
results/phenopackets.json (--out).
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from core.logs import configure_logging
from core.settings import PROJECT_ROOT, get_settings
from graph.repository import GraphStore
from retrieval.phenotype.kb import PhenotypeKB, build_kb, load_rows
from retrieval.phenotype.lr import GRID, LRParams, build_index
from retrieval.phenotype.lrtune import choose, grid_ranks
from retrieval.phenotype.phenopacket import Case, iter_tar
from retrieval.phenotype.ranker import PhenotypeRanker, genes_in_order, genes_of_entries
from retrieval.phenotype.rerank import Reranker
from retrieval.phenotype.resolve import Resolved
from retrieval.phenotype.train import (
    Prepared,
    diagnosis,
    fit_both,
    fold_map,
    prepare,
    served_rank,
    term_indices,
    training_cases,
    without_excluded,
)

logger = logging.getLogger("bench.phenopackets")
PUBLISHED = {
    "Exomiser phenotype-only (5,213 phenopackets)": {"top1": 0.355},
    "PhenoBrain ensemble (its public test set)": {"top1": 0.304, "top10": 0.640},
    "GPT-4 (5,267 phenopackets)": {"top1": 0.192, "top10": 0.325},
}


def metrics(ranks: Sequence[int], diseases: Sequence[str]) -> dict[str, float]:
    """Per case and per-disease macro top-1/3/10 and MRR; rank 0 means not ranked."""
    r = np.asarray(ranks)

    def stats(x: np.ndarray) -> dict[str, float]:
        ok = x > 0
        rr = np.where(ok, 1.0 / np.maximum(x, 1), 0.0)
        return {
            "top1": float((ok & (x <= 1)).mean()),
            "top3": float((ok & (x <= 3)).mean()),
            "top10": float((ok & (x <= 10)).mean()),
            "mrr": float(rr.mean()),
        }

    per_case = stats(r)
    by: dict[str, list[int]] = defaultdict(list)
    for k, d in zip(r.tolist(), diseases, strict=True):
        by[d].append(k)
    macro = [stats(np.asarray(v)) for v in by.values()]
    out = {"cases": len(r), "diseases": len(by), **per_case}
    out.update({f"macro_{k}": float(np.mean([m[k] for m in macro])) for k in per_case})
    return out


def cross_validate(
    pools: Sequence[list[Prepared]],
    tests: Sequence[Sequence[list[Prepared]]],
    fold_of: dict[str, int],
    seed: int,
    models: list[Reranker] | None = None,
) -> list[list[int]]:
    """The re-ranker of fold f trained on the cases of pools[f] outside fold f (its L2 chosen
    on them); each list of tests[f] (aligned with the cases) ranked by it where a case is in
    fold f. One rank list per test list. `models`: the fold models are appended to it."""
    n = len(tests[0][0])
    out = [[0] * n for _ in tests[0]]
    for f, pool in enumerate(pools):
        train = [p for p in pool if fold_of[diagnosis(p)] != f]
        model = fit_both(train, 3, seed + f, {})
        if models is not None:
            models.append(model)
        for ranks, test in zip(out, tests[f], strict=True):
            for i, p in enumerate(test):
                if fold_of[diagnosis(p)] == f:
                    ranks[i] = served_rank(p, model)
        logger.info("fold %d: %d training rows, l2 %g", f, len(train), model.l2)
    return out


def pool(
    data: list[Prepared], capped: set[int], copies: list[Prepared] | None = None
) -> list[Prepared]:
    """The capped cases of `data` and, given `copies` (the same cases prepared without their
    excluded terms, aligned), the copies of those that have excluded terms: what
    `evigraph phenotype train` trains on (train.with_copies)."""
    out = [p for p in data if id(p.case) in capped]
    if copies is not None:
        out += [
            c for p, c in zip(data, copies, strict=True) if id(p.case) in capped and p.case.excluded
        ]
    return out


def lr_cross_validate(
    grid: np.ndarray, fold: list[int], folds: int
) -> tuple[list[int], list[LRParams]]:
    """The likelihood-ratio rank of every case under the constants its training folds chose."""
    f_arr = np.asarray(fold)
    ranks = np.zeros(len(fold), dtype=np.int64)
    chosen = []
    for f in range(folds):
        params = choose(grid[f_arr != f])
        j = GRID.index(params)
        ranks[f_arr == f] = grid[f_arr == f, j]
        chosen.append(params)
    return ranks.tolist(), chosen


def _grid_metrics(grid: np.ndarray, cases: list[Case]) -> list[dict[str, Any]]:
    ok = np.flatnonzero(grid[:, 0] > 0)
    dis = [cases[i].diseases[0] for i in ok]
    return [{"params": asdict(g), **metrics(grid[ok, j].tolist(), dis)} for j, g in enumerate(GRID)]


def gene_ranks(
    kb: PhenotypeKB, data: list[Prepared], fold_of: dict[str, int], models: list[Reranker]
) -> list[int]:
    """Per case, the rank of its causal gene (HGNC id or symbol, as the phenopacket gives it)
    in the gene ranking its fold's re-ranker gives (genes by their best-ranked disease, as the
    service ranks them); 0 when it is not among the genes of the candidates, or the diagnosis
    has no annotation here (no candidates are scored for those cases)."""
    gene_of_entry = genes_of_entries(kb)
    out = []
    for p in data:
        if p.gold < 0 or not len(p.entries):
            out.append(0)
            continue
        c = p.case
        model = models[fold_of[diagnosis(p)]]
        order = p.entries[np.argsort(-model.pick(p.excluded > 0).score(p.x), kind="stable")]
        ranked = (g for g, _ in genes_in_order(gene_of_entry, order, len(kb.genes)))
        out.append(
            next(
                (
                    k
                    for k, g in enumerate(ranked, 1)
                    if kb.gene_symbols[g] in c.gene_symbols
                    or any(x in c.genes for x in kb.gene_xrefs[g])
                ),
                0,
            )
        )
    return out


def subsets(data: list[Prepared], ranks: dict[str, list[int]]) -> dict[str, Any]:
    groups = {
        "all cases": list(range(len(data))),
        "diagnosis annotated in the graph": [i for i, p in enumerate(data) if p.gold >= 0],
        "annotated, report not cited by hpoa": [
            i for i, p in enumerate(data) if p.gold >= 0 and not p.leaked and not p.unreferenced
        ],
        "annotated by the newer HPO release only (references unknown)": [
            i for i, p in enumerate(data) if p.unreferenced
        ],
    }
    out: dict[str, Any] = {}
    for name, idx in groups.items():
        dis = [data[i].case.diseases[0] for i in idx]
        out[name] = {m: metrics([r[i] for i in idx], dis) for m, r in ranks.items()}
    return out


def timing(ranker: PhenotypeRanker, cases: list[Case], n: int = 300) -> dict[str, float]:
    onto = ranker.kb.onto
    picks = []
    for c in cases:
        obs = term_indices(ranker.kb, c.observed)
        if len(obs) >= 10:
            exc = [t for t in term_indices(ranker.kb, c.excluded) if t not in obs]
            picks.append(Resolved(obs[:10].tolist(), exc))
    for r in picks[:20]:
        ranker.rank(r, 20)
    times = []
    for r in picks[20 : 20 + n]:
        t = time.perf_counter()
        ranker.rank(r, 20)
        times.append((time.perf_counter() - t) * 1000)
    del onto
    return {
        "cases": len(times),
        "p50_ms": float(np.percentile(times, 50)),
        "p99_ms": float(np.percentile(times, 99)),
    }


def _question(c: Case) -> str:
    seen = [c.labels.get(t) or t for t in c.observed]
    text = "A patient with " + ", ".join(seen[:-1]) + (" and " if len(seen) > 1 else "")
    text += seen[-1]
    absent = [c.labels.get(t) or t for t in c.excluded][:5]
    if absent:
        text += "; no " + ", no ".join(absent)
    return text + ". What explains it?"


def _gold_rank(answer: dict[str, Any], gold: str) -> int:
    for e in answer.get("ranking") or []:
        if e["id"] == gold or gold in e["equivalent_ids"]:
            return int(e["rank"])
    return 0


def api_sample(ranker: PhenotypeRanker, data: list[Prepared], n: int, seed: int) -> dict[str, Any]:
    """A sample of rankable cases through POST /v1/evidence (structured and free text), and
    the same cases in-process, all with the served model (trained on every dev case, so
    these figures are not held out: compare the paths, not the folds)."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from retrieval.phenotype.answer import from_question

    rng = np.random.default_rng(seed)
    rankable = [p for p in data if p.gold >= 0]
    pick = [rankable[i] for i in rng.choice(len(rankable), min(n, len(rankable)), replace=False)]
    kb = ranker.kb
    ranks: dict[str, list[int]] = {
        "in-process": [],
        "api structured": [],
        "api free text": [],
        "in-process free text": [],
    }
    status: dict[str, int] = defaultdict(int)
    with TestClient(create_app(get_settings())) as client:
        for p in pick:
            c, gold = p.case, p.case.diseases[0]
            obs = [kb.onto.ids[t] for t in term_indices(kb, c.observed)]
            exc = [
                kb.onto.ids[t] for t in term_indices(kb, c.excluded) if kb.onto.ids[t] not in obs
            ]
            local = ranker.rank(
                Resolved(term_indices(kb, obs).tolist(), term_indices(kb, exc).tolist()), 20
            )
            ranks["in-process"].append(_gold_rank(local, gold))
            text = from_question(ranker, _question(c))
            ranks["in-process free text"].append(
                _gold_rank(ranker.rank(text, 20), gold) if text else 0
            )
            for key, body in (
                ("api structured", {"phenotypes": obs, "excluded_phenotypes": exc, "top_k": 20}),
                ("api free text", {"question": _question(c), "top_k": 20}),
            ):
                r = client.post("/v1/evidence", json=body)
                status[f"{key} {r.status_code}"] += 1
                ranks[key].append(_gold_rank(r.json(), gold) if r.status_code == 200 else 0)
    dis = [p.case.diseases[0] for p in pick]
    return {"status": dict(status), **{k: metrics(v, dis) for k, v in ranks.items()}}


def _table(res: dict[str, Any]) -> None:
    cols = ("cases", "top1", "top3", "top10", "mrr", "macro_top1", "macro_top10")
    print(f"{'subset / method':<62}" + "".join(f"{c:>12}" for c in cols))
    for subset, methods in res.items():
        for m, v in methods.items():
            cells = "".join(f"{v[c]:>12}" if c == "cases" else f"{v[c]:>12.3f}" for c in cols)
            print(f"{(subset + ' | ' + m)[:61]:<62}{cells}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--packets", type=Path, default=None)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--per-disease", type=int, default=8)
    ap.add_argument("--limit", type=int, default=0, help="the first N cases only (0: all)")
    ap.add_argument("--api-sample", type=int, default=200, help="0: skip the API section")
    ap.add_argument("--out", type=Path, default=PROJECT_ROOT / "results" / "phenopackets.json")
    args = ap.parse_args()
    configure_logging("INFO")
    settings = get_settings()
    packets = args.packets or settings.ingest.data_dir / "phenopackets" / (
        "phenopacket-store-dev.tar.gz"
    )
    t0 = time.perf_counter()
    with GraphStore.connect(settings.neo4j) as store:
        kb = build_kb(load_rows(store))
    cases = list(iter_tar(packets))[: args.limit or None]
    data = prepare(kb, cases)
    bare = prepare(kb, without_excluded(cases))  # the same cases, no excluded term given
    fold_of = fold_map(data, args.folds, args.seed)
    fold = [fold_of[diagnosis(p)] for p in data]
    capped = {id(c) for c in training_cases(cases, kb.member, args.per_disease)}
    idx = build_index(kb)
    grid = grid_ranks(kb, idx, cases, [p.gold for p in data])
    lr_ranks, chosen = lr_cross_validate(grid, fold, args.folds)
    with_lr = {c: prepare(kb, cases, lr=(idx, c)) for c in set(chosen)}
    models: list[Reranker] = []
    served, served_bare = cross_validate(
        [pool(data, capped, bare)] * args.folds,
        [[data, bare]] * args.folds,
        fold_of,
        args.seed,
        models,
    )
    (lr_reranked,) = cross_validate(
        [pool(with_lr[c], capped) for c in chosen],
        [[with_lr[c]] for c in chosen],
        fold_of,
        args.seed,
    )
    ranks = {
        "IC best-match (Resnik)": [p.resnik_rank for p in data],
        "likelihood ratio (constants chosen on training folds)": lr_ranks,
        "re-ranker, served (no LR features)": served,
        "re-ranker, served, observed terms only (no excluded term given)": served_bare,
        "re-ranker with LR features (trained without the copies)": lr_reranked,
    }
    res = subsets(data, ranks)
    with_gene = [i for i, p in enumerate(data) if p.case.genes or p.case.gene_symbols]
    genes = gene_ranks(kb, data, fold_of, models)
    res_genes = subsets(
        [data[i] for i in with_gene],
        {"causal gene, served ranking's genes": [genes[i] for i in with_gene]},
    )
    ranker = PhenotypeRanker.load_with(kb, settings)
    out: dict[str, Any] = {
        "packets": str(packets),
        "folds": args.folds,
        "seed": args.seed,
        "split": "disease-disjoint",
        "lr_grid": [asdict(g) for g in GRID],
        "lr_chosen_per_fold": [asdict(c) for c in chosen],
        "lr_grid_annotated_cases_not_held_out": _grid_metrics(grid, cases),
        "results": res,
        "gene_results": res_genes,
        "published": PUBLISHED,
        "latency_10_phenotypes_in_process": timing(ranker, cases),
    }
    if args.api_sample:
        out["api_sample"] = api_sample(ranker, data, args.api_sample, args.seed)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    _table(res)
    _table(res_genes)
    print(
        json.dumps({k: out[k] for k in ("latency_10_phenotypes_in_process", "published")}, indent=1)
    )
    if "api_sample" in out:
        print(json.dumps(out["api_sample"], indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
