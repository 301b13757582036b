"""Scores of every disease entry for one patient, vectorised over entries.

For a patient term q and an entry d, the best match is the most informative common ancestor
of q and any of d's annotations: the max over q's ancestors a of IC(a) on the entries whose
annotation closure holds a (Resnik best-match), and the frequency-aware match the max of
IC(a) + log f(a, d), f the highest frequency among d's annotations under a (kb.match_rows).
Excluded terms count against the entries annotated with them (or below them), by frequency;
NOT annotations count against the entries whose NOT term the patient has. Excluded terms are
also matched like observed ones: in published cases they are pertinent negatives, features of
the diagnosis's own differential that the patient was examined for and lacks, so an entry
whose annotations they match is likelier, even one that has them in most of its patients
(on the dev cases that was no evidence against it; the count of such terms may only lower an
entry, rerank.SIGNS, and its learnt weight is near zero)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrieval.phenotype.kb import PRIOR_FEATURES, PhenotypeKB, spans

FEATURES = (
    "resnik_bma",  # mean over patient terms of the best match IC
    "freq_match",  # mean over patient terms of max(0, IC(a) + log f)
    "coverage",  # share of the entry's annotation IC the patient's terms explain
    "excluded",  # sum over excluded terms of log(1 - 0.9 f)
    "not_hits",  # patient terms the entry is annotated NOT to have
    "exact_share",  # share of patient terms annotated at or below themselves
    "log_annotations",  # log(1 + number of annotations)
    "resnik_gap",  # resnik_bma minus the best entry's
    "freq_gap",  # freq_match minus the best entry's
    "lin_share",  # mean over patient terms of best match IC / the term's own IC
    "rarity",  # sum over patient terms of -log(share of entries matching at least as well)
    "freq_rarity",  # the same for the frequency-aware match
    *PRIOR_FEATURES,  # the entry's prior (kb.entry_prior)
    "excluded_match",  # mean over excluded terms of the best match IC (0: none excluded)
    "excluded_exact",  # share of excluded terms annotated at or below themselves
    "excluded_lin",  # mean over excluded terms of best match IC / own IC, times log(1 + X)
    "excluded_strong",  # excluded terms the entry has in STRONG_FREQUENCY of its patients
)
STRONG_FREQUENCY = 0.8  # "very frequent" (80-99%) and obligate: absent, at most against
FEW_VALUES = 16  # a row whose candidates take this many values or fewer is counted, not sorted
# How much the excluded terms an entry is annotated with raise it among the candidates (chosen
# in disease-disjoint CV, 2026-12-07: 0.5 and 1.0 tie, +0.008 top-1 and +0.006 top-10 on all
# dev cases over the former -0.1, which kept out golds annotated with the excluded terms).
EXCLUDED_CANDIDATE_WEIGHT = 0.5
LR_FEATURES = (  # appended when the likelihood-ratio score (lr.py) is computed
    "lr",  # the total log likelihood ratio
    "lr_gap",  # lr minus the best entry's
)


@dataclass
class Scores:
    observed: np.ndarray  # (Q,) term indices
    excluded: np.ndarray  # (X,)
    best_ic: np.ndarray  # (Q, D) IC of the best common ancestor per term and entry
    freq_match: np.ndarray  # (Q, D) max(0, IC(a) + log f(a, d))
    excluded_pen: np.ndarray  # (D,) sum of log(1 - 0.9 f) over excluded terms
    not_hits: np.ndarray  # (D,)
    excluded_strong: np.ndarray  # (D,) excluded terms annotated with f >= STRONG_FREQUENCY
    lr: np.ndarray | None = None  # (D,) total log likelihood ratio, when computed

    @property
    def resnik(self) -> np.ndarray:
        return self.best_ic.mean(0)  # type: ignore[no-any-return]

    @property
    def freq(self) -> np.ndarray:
        return self.freq_match.mean(0)  # type: ignore[no-any-return]


def score_all(kb: PhenotypeKB, observed: np.ndarray, excluded: np.ndarray) -> Scores:
    n = len(kb.ids)
    best = np.zeros((len(observed), n), dtype=np.float32)
    fmatch = np.zeros((len(observed), n), dtype=np.float32)
    hits = np.zeros(n, dtype=np.float32)
    for row, q in enumerate(observed.tolist()):
        kb.match_rows(q, best[row], fmatch[row])
        for a in kb.onto.ancestors(q).tolist():
            neg = kb.negated.get(a)
            if neg is not None:
                hits[neg] += 1.0
    pen = np.zeros(n, dtype=np.float32)
    strong = np.zeros(n, dtype=np.float32)
    for x in excluded.tolist():
        dis, freq = kb.term_entries(x)
        pen[dis] += np.log1p(-0.9 * freq)
        strong[dis] += freq >= STRONG_FREQUENCY
    return Scores(observed, excluded, best, fmatch, pen, hits, strong)


def coverage(kb: PhenotypeKB, observed: np.ndarray, entries: np.ndarray) -> np.ndarray:
    """(len(entries),) for each entry, the IC of its annotations matched by the patient's
    terms (best common ancestor) over their own IC, frequency-weighted."""
    onto = kb.onto
    reach = np.zeros(len(onto), dtype=np.float32)  # IC of terms that are patient ancestors
    for q in observed:
        anc = onto.ancestors(int(q))
        reach[anc] = kb.ic[anc]
    a0, a1 = kb.ann_ptr[entries], kb.ann_ptr[entries + 1]
    ann = spans(a0, a1)  # the candidates' annotations, candidate by candidate
    if not len(ann):
        return np.zeros(len(entries), dtype=np.float32)
    up = kb.ann_up[spans(kb.ent_up_ptr[entries], kb.ent_up_ptr[entries + 1])]
    lens = kb.ann_up_len[ann]
    got = np.maximum.reduceat(reach[up], np.cumsum(lens) - lens)
    terms = kb.ann_term[ann]
    w = kb.ann_weight[ann]
    ratio = w * got / np.maximum(kb.ic[terms], 1e-3)
    seg = np.repeat(np.arange(len(entries)), a1 - a0)
    num = np.bincount(seg, weights=ratio, minlength=len(entries))
    den = np.bincount(seg, weights=w, minlength=len(entries))
    return (num / np.maximum(den, 1e-6)).astype(np.float32)


def features(kb: PhenotypeKB, s: Scores, entries: np.ndarray) -> np.ndarray:
    """(len(entries), len(FEATURES)) features of the candidate entries, followed by the
    LR_FEATURES when s.lr is computed."""
    resnik, freq = s.resnik, s.freq
    exact, lin = _shares(kb, s.observed, s.best_ic[:, entries])
    cols = [
        resnik[entries],
        freq[entries],
        coverage(kb, s.observed, entries),
        s.excluded_pen[entries],
        s.not_hits[entries],
        exact,
        np.log1p(kb.n_annotations[entries]),
        resnik[entries] - resnik.max(),
        freq[entries] - freq.max(),
        lin,
        _rarity(s.best_ic, entries),
        _rarity(s.freq_match, entries),
        *kb.prior[entries].T,
        *_excluded_matches(kb, s, entries),
        s.excluded_strong[entries],
    ]
    if s.lr is not None:
        cols += [s.lr[entries], s.lr[entries] - s.lr.max()]
    return np.stack(cols, axis=1).astype(np.float32)


def _excluded_matches(kb: PhenotypeKB, s: Scores, entries: np.ndarray) -> list[np.ndarray]:
    """excluded_match, excluded_exact, excluded_lin of the candidate entries."""
    if not len(s.excluded):
        return [np.zeros(len(entries), dtype=np.float32)] * 3
    b = kb.best_ic_on(s.excluded, entries)
    exact, lin = _shares(kb, s.excluded, b)
    return [b.mean(0), exact, lin * np.log1p(len(s.excluded))]


def _shares(kb: PhenotypeKB, terms: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Of `b`, the (len(terms), N) best match IC of `terms` against N entries: per entry, the
    share of the terms annotated at or below themselves, and the mean of the best match IC
    over the term's own IC."""
    own = np.maximum(kb.ic[terms], 1e-3)[:, None]
    return (b >= own - 1e-4).mean(0), (b / own).mean(0)


def _rarity(m: np.ndarray, entries: np.ndarray) -> np.ndarray:
    """Per entry, sum over rows of -log(share of all entries scoring at least as high)."""
    n = m.shape[1]
    out = np.zeros(len(entries), dtype=np.float64)
    for row in m:
        values, inv = np.unique(row[entries], return_inverse=True)
        if len(values) <= FEW_VALUES:  # counting beats sorting the row (best-match rows)
            at_least = (row >= values[:, None]).sum(1)
        else:
            at_least = n - np.searchsorted(np.sort(row), values, side="left")
        out += -np.log(at_least[inv] / n)
    return out.astype(np.float32)


def candidates(s: Scores, n: int) -> np.ndarray:
    """The union of the top n entries by Resnik, by frequency-aware match raised by the
    excluded terms an entry is annotated with (pertinent negatives point to the diagnosis's
    differential, see the module doc) and, when computed, by likelihood ratio."""
    picks = []
    matched = s.freq - EXCLUDED_CANDIDATE_WEIGHT * s.excluded_pen  # excluded_pen <= 0
    ways = [s.resnik, matched] + ([] if s.lr is None else [s.lr])
    for v in ways:
        k = min(n, len(v))
        picks.append(np.argpartition(-v, k - 1)[:k])
    return np.unique(np.concatenate(picks))
