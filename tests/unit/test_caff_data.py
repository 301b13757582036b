"""The retained-head flag on a hand-checked QA layout, teacher-forced and autoregressive,
and the service's version of it on one hop's candidates."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrieval.caff.data import QAData, head_retained
from retrieval.candidates import HeadBlock, HopCandidates

# Entities: 0 seed, 1 and 2 reached at hop 1, 3 and 4 at hop 2, 5 at hop 3.
# Gold path 0 -> 1 -> 3 -> 5; entity 2 is reached at hop 1 but is not on it.
HOP = [1, 1, 2, 2, 2, 3, 3]
HEAD = [0, 0, 1, 1, 2, 3, 4]
TAIL = [1, 2, 3, 4, 4, 5, 5]
GOLD = [1, 0, 1, 0, 0, 1, 0]


def _arr(values: list[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int32)


def _qa() -> QAData:
    n = len(HOP)
    arr = _arr
    return QAData(
        folder=Path(),
        meta={"relations": ["R>"]},
        questions=[{"split": "test"}],
        entities=[str(i) for i in range(6)],
        q=np.zeros(n, dtype=np.int32),
        hop=arr(HOP),
        head=arr(HEAD),
        rel=np.zeros(n, dtype=np.int32),
        tail=arr(TAIL),
        y=arr(GOLD),
        offsets=np.asarray([0, n]),
    )


def test_teacher_forced_marks_the_heads_the_gold_previous_hop_reached() -> None:
    # hop 1 starts at the seed; at hop 2 only entity 1 was a gold tail; at hop 3 only 3.
    assert head_retained(_qa(), [0]).tolist() == [1, 1, 1, 1, 0, 1, 0]


def test_autoregressive_follows_what_the_filter_kept() -> None:
    kept = np.asarray([0, 1, 0, 0, 1, 0, 0], dtype=bool)  # kept 0 -> 2, then 2 -> 4
    assert head_retained(_qa(), [0], {0: kept}).tolist() == [1, 1, 0, 0, 1, 0, 1]
    nothing = np.zeros(len(HOP), dtype=bool)
    assert head_retained(_qa(), [0], {0: nothing}).tolist() == [1, 1, 0, 0, 0, 0, 0]


def _block(head: str, tails: list[str]) -> HeadBlock:
    n = len(tails)
    return HeadBlock(
        head=head,
        head_row=0,
        rels=("R>",) * n,
        tails=tuple(tails),
        tail_names=(None,) * n,
        tail_categories=(None,) * n,
        rel_idx=np.zeros(n, dtype=np.int64),
        tail_row=np.zeros(n, dtype=np.int64),
        tail_cat=np.zeros(n, dtype=np.int64),
    )


def test_candidates_mark_the_blocks_of_retained_heads() -> None:
    cand = HopCandidates(2, [_block("1", ["3", "4"]), _block("2", ["4"]), _block("9", [])])
    assert cand.heads_in({"1"}).tolist() == [1.0, 1.0, 0.0]
    assert cand.heads_in(set()).tolist() == [0.0, 0.0, 0.0]
