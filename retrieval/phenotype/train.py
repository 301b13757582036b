"""Training and cross-validating the re-ranker on phenopackets, split by disease so that a
test disease is never seen in training; the served model's L2 strength is chosen on the
dev folds only."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

from graph.vocabulary import Source
from retrieval.phenotype.kb import PhenotypeKB
from retrieval.phenotype.lr import LRIndex, LRParams, lr_scores
from retrieval.phenotype.phenopacket import Case
from retrieval.phenotype.rerank import Reranker, fit, names
from retrieval.phenotype.score import Scores, candidates, features, score_all

logger = logging.getLogger(__name__)
L2_GRID = (1e-4, 1e-3, 1e-2, 1e-1)
N_CANDIDATES = 150
UNREFERENCED = Source.HPOA_SUPPLEMENT.value


@dataclass
class Prepared:
    case: Case
    gold: int  # the gold entry, -1 when the diagnosis has no phenotype annotation here
    entries: np.ndarray  # candidate entries
    x: np.ndarray  # (N, F) their features
    gold_pos: int  # the gold's row in entries, -1 when not a candidate
    resnik_rank: int  # the gold's rank by Resnik best-match alone (0: not rankable)
    leaked: bool  # the gold's annotations cite the case's PMID
    excluded: int = 0  # excluded terms the release knows
    # The gold is annotated by a source that states no references (the newer HPO release's
    # added diseases): whether its annotations cite the case cannot be told.
    unreferenced: bool = False


def term_indices(kb: PhenotypeKB, ids: Sequence[str]) -> np.ndarray:
    """Live term indices of HPO ids (alt_id / replaced_by followed, unknown ones dropped)."""
    out: set[int] = set()
    for i in ids:
        live = kb.onto.redirect.get(i, (i, ""))[0]
        if live in kb.onto.index:
            out.add(kb.onto.index[live])
    return np.asarray(sorted(out), dtype=np.int64)


def gold_entry(kb: PhenotypeKB, case: Case) -> int:
    """The entry of the case's diagnosis, -1 when it has no phenotype annotation here."""
    return next((kb.member[d] for d in case.diseases if d in kb.member), -1)


def rank_of(values: np.ndarray, i: int) -> int:
    """1-based rank of values[i] sorted descending, ties broken by index (stable)."""
    v = values[i]
    return int((values > v).sum() + (values[:i] == v).sum()) + 1


LR = tuple[LRIndex, LRParams]


def scored(kb: PhenotypeKB, observed: np.ndarray, excluded: np.ndarray, lr: LR | None) -> Scores:
    """The IC scores, with the likelihood-ratio score when `lr` is given."""
    s = score_all(kb, observed, excluded)
    if lr is not None:
        s.lr = lr_scores(kb, lr[0], observed, excluded, lr[1])[1]
    return s


def prepare(
    kb: PhenotypeKB, cases: Sequence[Case], n: int = N_CANDIDATES, lr: LR | None = None
) -> list[Prepared]:
    out: list[Prepared] = []
    for k, c in enumerate(cases):
        gold = gold_entry(kb, c)
        if gold < 0:  # no phenotype annotation for the diagnosis: it cannot be ranked
            empty = np.zeros((0, len(names(lr is not None))), dtype=np.float32)
            out.append(Prepared(c, -1, np.zeros(0, dtype=np.int64), empty, -1, 0, False))
            continue
        excluded = term_indices(kb, c.excluded)
        s = scored(kb, term_indices(kb, c.observed), excluded, lr)
        ent = candidates(s, n)
        pos = int(np.flatnonzero(ent == gold)[0]) if gold >= 0 and gold in ent else -1
        leaked = gold >= 0 and any(
            p in c.pmids for a in kb.annotations[gold] for p in a.publications
        )
        rr = rank_of(s.resnik, gold) if gold >= 0 else 0
        unref = any(UNREFERENCED in a.sources for a in kb.annotations[gold])
        x = features(kb, s, ent)
        out.append(Prepared(c, gold, ent, x, pos, rr, leaked, len(excluded), unref))
        if k % 1000 == 999:
            logger.info("features of %d/%d cases", k + 1, len(cases))
    return out


def without_excluded(cases: Sequence[Case]) -> list[Case]:
    """The cases as given with no excluded term (the same ids and labels otherwise)."""
    return [replace(c, excluded=[]) for c in cases]


def with_copies(kb: PhenotypeKB, cases: Sequence[Case], lr: LR | None = None) -> list[Prepared]:
    """The cases prepared as given and, for those with excluded terms, again without them: the
    rows `fit_both` trains the re-ranker and its observed-only weights on."""
    some = [c for c in cases if c.excluded]
    return prepare(kb, cases, lr=lr) + prepare(kb, without_excluded(some), lr=lr)


def served_rank(p: Prepared, model: Reranker | None) -> int:
    """The gold's rank after re-ranking (0: not rankable). A gold outside the candidates
    keeps its Resnik rank, behind every candidate."""
    if p.gold < 0:
        return 0
    if p.gold_pos < 0 or model is None:
        return max(p.resnik_rank, len(p.entries) + 1) if model else p.resnik_rank
    return rank_of(model.pick(p.excluded > 0).score(p.x), p.gold_pos)


def diagnosis(p: Prepared) -> str:
    return p.case.diseases[0] if p.case.diseases else ""


def fold_map(data: Sequence[Prepared], k: int, seed: int) -> dict[str, int]:
    """A fold per diagnosis of `data`, drawn at random with `seed`."""
    diseases = sorted({diagnosis(p) for p in data})
    order = np.random.default_rng(seed).permutation(len(diseases))
    return {diseases[j]: n % k for n, j in enumerate(order)}


def disease_folds(data: Sequence[Prepared], k: int, seed: int) -> list[int]:
    """A fold per case, by disease: every case of a disease lands in the same fold."""
    fold_of = fold_map(data, k, seed)
    return [fold_of[diagnosis(p)] for p in data]


def fit_on(data: Sequence[Prepared], l2: float, info: dict[str, object]) -> Reranker:
    return fit([p.x for p in data], [p.gold_pos for p in data], l2, N_CANDIDATES, info)


def mrr(ranks: Sequence[int]) -> float:
    return float(np.mean([1.0 / r if r > 0 else 0.0 for r in ranks])) if ranks else 0.0


def choose_l2(data: Sequence[Prepared], k: int, seed: int) -> float:
    """The L2 strength with the best mean reciprocal rank over disease-disjoint folds of
    `data` (dev data only)."""
    folds = disease_folds(data, k, seed)
    best, best_mrr = L2_GRID[0], -1.0
    for l2 in L2_GRID:
        ranks: list[int] = []
        for f in range(k):
            train = [p for p, g in zip(data, folds, strict=True) if g != f]
            model = fit_on(train, l2, {})
            ranks += [served_rank(p, model) for p, g in zip(data, folds, strict=True) if g == f]
        score = mrr(ranks)
        logger.info("l2 %g: dev MRR %.4f", l2, score)
        if score > best_mrr:
            best, best_mrr = l2, score
    return best


def fit_both(data: Sequence[Prepared], k: int, seed: int, info: dict[str, object]) -> Reranker:
    """The re-ranker on `data` and, for requests that give no excluded term, its weights
    trained on the rows of `data` that have none (the copies of with_copies); each L2 chosen
    by k-fold disease-disjoint CV on its rows."""
    model = fit_on(data, choose_l2(data, k, seed), info)
    bare = [p for p in data if not p.excluded]
    if bare and len(bare) < len(data):
        sub = fit_on(bare, choose_l2(bare, k, seed), {})
        model.observed_only = {
            "mean": sub.mean,
            "std": sub.std,
            "weights": sub.weights,
            "l2": sub.l2,
        }
    return model


def train_served(
    data: Sequence[Prepared], seed: int = 13, k: int = 5, lr: LRParams | None = None
) -> Reranker:
    """The served re-ranker on `data` (prepared with the likelihood-ratio constants `lr`,
    which the model records, when given)."""
    info: dict[str, object] = {
        "cases": len({(p.case.source, p.case.id) for p in data}),
        "rows": len(data),  # the cases, and those with excluded terms again without them
        "diseases": len({p.gold for p in data if p.gold >= 0}),
        "l2_chosen_by": f"{k}-fold disease-disjoint CV, seed {seed}",
    }
    model = fit_both(data, k, seed, info)
    model.lr = None if lr is None else asdict(lr)
    return model


def training_cases(
    cases: Sequence[Case], member: Mapping[str, int], per_disease: int
) -> list[Case]:
    """The cases whose diagnosis has phenotype annotations here, at most `per_disease` per
    diagnosis (first in name order), so that large cohorts do not dominate."""
    seen: dict[str, int] = {}
    out: list[Case] = []
    for c in cases:
        d = next((d for d in c.diseases if d in member), None)
        if d is None or seen.get(d, 0) >= per_disease:
            continue
        seen[d] = seen.get(d, 0) + 1
        out.append(c)
    return out
