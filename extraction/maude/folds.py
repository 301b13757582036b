"""Stratified 5-fold splits with fingerprints, so anyone can check they used the same folds.

Folds are stratified by severity and grouped by narrative text: the extract repeats some
narratives under different report keys, and a copy on each side of a split would leak.
A fold's fingerprint is the SHA1 of its sorted test-report ids; the split fingerprint
hashes the five of them in order."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from extraction.maude.records import LABELS, MaudeReport


@dataclass(frozen=True)
class Fold:
    index: int
    train: list[int]  # positions in the report list
    test: list[int]
    fingerprint: str


def fold_fingerprint(ids: Sequence[str]) -> str:
    return hashlib.sha1("\n".join(sorted(ids)).encode()).hexdigest()


def split_fingerprint(folds: Sequence[Fold]) -> str:
    return hashlib.sha1("\n".join(f.fingerprint for f in folds).encode()).hexdigest()


def _text_group(text: str) -> str:
    return hashlib.sha1(" ".join(text.lower().split()).encode()).hexdigest()


def make_folds(reports: Sequence[MaudeReport], n_splits: int = 5, seed: int = 13) -> list[Fold]:
    """Stratified, text-grouped folds over labelled reports, deterministic for a seed."""
    from sklearn.model_selection import StratifiedGroupKFold

    if any(r.label is None for r in reports):
        raise ValueError("folds need labelled reports; drop the ones with no event type answer")
    # Sorting by id first makes the folds independent of the order the files were read in.
    order = sorted(range(len(reports)), key=lambda i: reports[i].id)
    y = np.array([LABELS.index(str(reports[i].label)) for i in order])
    groups = [_text_group(reports[i].text) for i in order]
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    folds: list[Fold] = []
    for k, (tr, te) in enumerate(splitter.split(np.zeros(len(order)), y, groups)):
        train = sorted(order[i] for i in tr)
        test = sorted(order[i] for i in te)
        fp = fold_fingerprint([reports[i].id for i in test])
        folds.append(Fold(k + 1, train, test, fp))
    return folds
