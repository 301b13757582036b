"""Choosing the likelihood-ratio constants (lr.GRID) on training cases only: the gold's rank
under every setting of the grid, case by case, then the setting with the best mean
reciprocal rank over the cases a fold trains on."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from retrieval.phenotype.kb import PhenotypeKB
from retrieval.phenotype.lr import GRID, LRIndex, LRParams, excluded_lr, observed_lr, parts
from retrieval.phenotype.phenopacket import Case
from retrieval.phenotype.train import rank_of, term_indices

logger = logging.getLogger(__name__)


def grid_ranks(
    kb: PhenotypeKB, idx: LRIndex, cases: Sequence[Case], golds: Sequence[int]
) -> np.ndarray:
    """(cases, len(GRID)) the gold's rank under each setting (0: the diagnosis is not
    annotated here)."""
    out = np.zeros((len(cases), len(GRID)), dtype=np.int64)
    for k, (c, gold) in enumerate(zip(cases, golds, strict=True)):
        if gold < 0:
            continue
        obs = term_indices(kb, c.observed)
        exc = term_indices(kb, c.excluded)
        exc = exc[~np.isin(exc, obs)]
        p = parts(kb, idx, obs)
        seen_obs: dict[tuple[float, bool], np.ndarray] = {}
        seen_exc: dict[float, np.ndarray] = {}
        for j, g in enumerate(GRID):
            key = (g.default_frequency, g.use_frequencies)
            if key not in seen_obs:
                seen_obs[key] = observed_lr(p, g).sum(0)
            if g.excluded_floor not in seen_exc:
                seen_exc[g.excluded_floor] = excluded_lr(kb, idx, exc, g.excluded_floor)
            out[k, j] = rank_of(seen_obs[key] + seen_exc[g.excluded_floor], gold)
        if k % 1000 == 999:
            logger.info("likelihood ratios of %d/%d cases", k + 1, len(cases))
    return out


def choose(ranks: np.ndarray) -> LRParams:
    """The grid setting with the best mean reciprocal rank over `ranks`' rankable rows
    (ties: the earlier setting)."""
    ok = ranks[:, 0] > 0
    rr = np.where(ranks[ok] > 0, 1.0 / np.maximum(ranks[ok], 1), 0.0).mean(0)
    best = int(np.argmax(rr))
    logger.info("likelihood ratio: %s (MRR %.4f on %d cases)", GRID[best], rr[best], ok.sum())
    return GRID[best]
