"""Likelihood-ratio scores of every disease entry for one patient (LIRICAL-style): no
learning, a few constants fixed a priori or chosen on training cases.

For a patient term q and an entry d, P(q|d) mixes a noise rate (a term the disease does not
explain) with the best of three matches:
  - exact: d has q or a descendant of q annotated: the highest such frequency;
  - specific: q lies below a term a that d has annotated: f(a) P(q)/P(a) (the share of
    diseases with a that have q), times `specific`;
  - shared: q and one of d's annotations only share an ancestor c: f(c) P(q)/P(c), times
    `shared`.
P(t) is the share of entries whose annotations imply t (exp(-IC)); an unstated frequency is
`default_frequency`; a NOT annotation of q (or an ancestor) sets P(q|d) to the noise rate.
The background of q is the mean of P(q|d) over entries. The score is the sum over observed
terms of log P(q|d)/bg(q) and over excluded terms of log (1 - P(x|d))/(1 - bg(x)), with
1 - P(x|d) floored at `excluded_floor` (an obligate excluded annotation costs about its log;
excluded terms use stated frequencies only, and by default are ignored: see bench/RESULTS.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrieval.phenotype.kb import PhenotypeKB

NONE = np.float32(-np.inf)


@dataclass(frozen=True)
class LRParams:
    noise: float = 0.02  # P(q|d) of a term d does not explain
    default_frequency: float = 0.5  # an annotation that states no frequency
    use_frequencies: bool = True  # False: every annotation with a stated frequency counts 1
    specific: float = 1.0
    shared: float = 0.1
    excluded_floor: float = 1.0  # the least 1 - P(x|d) of an excluded term (1: ignored)


GRID = tuple(
    LRParams(default_frequency=d, use_frequencies=u, excluded_floor=x)
    for u in (True, False)
    for d in (0.5, 1.0)
    for x in (1.0, 0.3)
)


@dataclass
class LRIndex:
    """Per term (CSR): entries with the term or a descendant annotated (closure) and entries
    with the term itself annotated (direct), each with the highest stated frequency (0: none
    stated) and whether one of those annotations states no frequency."""

    c_ptr: np.ndarray
    c_dis: np.ndarray
    c_known: np.ndarray
    c_unknown: np.ndarray
    d_ptr: np.ndarray
    d_dis: np.ndarray
    d_known: np.ndarray
    d_unknown: np.ndarray

    def closure(self, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        s = slice(self.c_ptr[t], self.c_ptr[t + 1])
        return self.c_dis[s], self.c_known[s], self.c_unknown[s]

    def direct(self, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        s = slice(self.d_ptr[t], self.d_ptr[t + 1])
        return self.d_dis[s], self.d_known[s], self.d_unknown[s]


def build_index(kb: PhenotypeKB) -> LRIndex:
    n, n_terms = len(kb.ids), len(kb.onto)
    ent = np.repeat(np.arange(n, dtype=np.int64), np.diff(kb.ann_ptr))
    terms = kb.ann_term
    freq = np.asarray(
        [np.nan if a.frequency is None else a.frequency for anns in kb.annotations for a in anns],
        dtype=np.float32,
    )
    onto = kb.onto
    lens = onto.anc_ptr[terms + 1] - onto.anc_ptr[terms]
    starts = np.repeat(onto.anc_ptr[terms] - np.cumsum(lens) + lens, lens) + np.arange(lens.sum())
    up = onto.anc_idx[starts].astype(np.int64)
    closure = _csr(up, np.repeat(ent, lens), np.repeat(freq, lens), n_terms, n)
    direct = _csr(terms, ent, freq, n_terms, n)
    return LRIndex(*closure, *direct)


def _csr(
    terms: np.ndarray, ent: np.ndarray, freq: np.ndarray, n_terms: int, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    key = terms * n + ent
    order = np.argsort(key, kind="stable")
    key, f = key[order], freq[order]
    if not len(key):
        return np.zeros(n_terms + 1, np.int64), np.zeros(0, np.int32), np.zeros(0), np.zeros(0)
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    known = np.maximum.reduceat(np.nan_to_num(f, nan=0.0), first).astype(np.float32)
    unknown = np.logical_or.reduceat(np.isnan(f), first)
    k = key[first]
    ptr = np.zeros(n_terms + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(np.bincount(k // n, minlength=n_terms))
    return ptr, (k % n).astype(np.int32), known, unknown


KINDS = 3  # exact, specific, shared
HALVES = 3  # stated frequency (log f + offset), stated as one (offset), unstated (offset)


@dataclass
class Parts:
    """Per kind of match, half, patient term and entry: the log of the best match before
    the constants (the unstated half lacks log default_frequency); and the NOT hits."""

    m: np.ndarray  # (KINDS, HALVES, Q, D)
    negated: np.ndarray  # (Q, D) bool


def parts(kb: PhenotypeKB, idx: LRIndex, terms: np.ndarray) -> Parts:
    m = np.full((KINDS, HALVES, len(terms), len(kb.ids)), NONE, dtype=np.float32)
    neg = np.zeros((len(terms), len(kb.ids)), dtype=bool)
    with np.errstate(divide="ignore"):
        for row, q in enumerate(terms.tolist()):
            _fill(m[0, :, row], *idx.closure(q), 0.0)
            for a in kb.onto.ancestors(q).tolist():
                hit = kb.negated.get(a)
                if hit is not None:
                    neg[row, hit] = True
                if a == q or kb.ic[a] <= 0.0:
                    continue
                off = float(kb.ic[a] - kb.ic[q])
                _fill(m[1, :, row], *idx.direct(a), off)
                _fill(m[2, :, row], *idx.closure(a), off)
    return Parts(m, neg)


def _fill(
    rows: np.ndarray, dis: np.ndarray, known: np.ndarray, unknown: np.ndarray, off: float
) -> None:
    stated = known > 0
    rows[0, dis] = np.maximum(rows[0, dis], np.log(known) + off)
    d = dis[stated]
    rows[1, d] = np.maximum(rows[1, d], off)
    d = dis[unknown]
    rows[2, d] = np.maximum(rows[2, d], off)


def probabilities(p: Parts, params: LRParams) -> np.ndarray:
    """(terms, entries) P(term | entry)."""
    ld = np.float32(np.log(params.default_frequency))
    stated = p.m[:, 0] if params.use_frequencies else p.m[:, 1]
    kind = np.maximum(stated, p.m[:, 2] + ld)  # (KINDS, Q, D)
    best = kind[0]
    for k, factor in ((1, params.specific), (2, params.shared)):
        if factor > 0:
            best = np.maximum(best, kind[k] + np.float32(np.log(factor)))
    prob = params.noise + (1.0 - params.noise) * np.exp(best)
    prob[p.negated] = params.noise
    return prob.astype(np.float32)  # type: ignore[no-any-return]


def observed_lr(p: Parts, params: LRParams) -> np.ndarray:
    """(Q, D) log P(q|d) / bg(q), bg(q) the mean of P(q|d) over entries."""
    prob = probabilities(p, params)
    return np.log(prob) - np.log(prob.mean(1, keepdims=True))  # type: ignore[no-any-return]


def excluded_lr(kb: PhenotypeKB, idx: LRIndex, excluded: np.ndarray, floor: float) -> np.ndarray:
    """(D,) the sum over excluded terms x of log (1 - P(x|d)) / (1 - bg(x)), P(x|d) the
    highest stated frequency of d's annotations at or below x, 1 - P floored at `floor`."""
    out = np.zeros(len(kb.ids), dtype=np.float32)
    if floor >= 1.0:
        return out
    for x in excluded.tolist():
        dis, known, _ = idx.closure(x)
        absent = np.ones(len(kb.ids), dtype=np.float32)
        absent[dis] = np.maximum(1.0 - known, floor)
        out += np.log(absent) - np.log(absent.mean())
    return out


def lr_scores(
    kb: PhenotypeKB,
    idx: LRIndex,
    observed: np.ndarray,
    excluded: np.ndarray,
    params: LRParams | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """((Q, D) log LR of each observed term, (D,) total log LR over observed and excluded)."""
    params = params or LRParams()
    per_term = observed_lr(parts(kb, idx, observed), params)
    ex = excluded[~np.isin(excluded, observed)]
    return per_term, per_term.sum(0) + excluded_lr(kb, idx, ex, params.excluded_floor)
