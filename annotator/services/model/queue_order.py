"""The order of the "most informative first" queue, worked out once per training run.

Uncertainty sampling alone would hand an annotator a whole campaign in a row: copies of
one message get nearly the same margin. The queue therefore walks in rounds: round 0
holds the smallest-margin post of every cluster (and every post in no cluster), round 1
each cluster's next one, and so on, each round in margin order. That is what
``next --strategy uncertain`` promised per batch, made global so it can be stored with
the predictions (``post_prediction.spread_round``) and walked by keyset on an index,
never sorted per keypress. Posts an annotator labels simply drop out of their queue, so
a cluster they already labeled a post of waits behind the rounds before it.
"""

from __future__ import annotations

import numpy as np


def spread_rounds(clusters: np.ndarray, margins: np.ndarray, post_ids: np.ndarray) -> np.ndarray:
    """Each post's round: its place in its cluster by (margin, post id); 0 for posts in
    no cluster (a negative cluster id)."""
    count = len(post_ids)
    rounds = np.zeros(count, dtype=np.int64)
    if count == 0:
        return rounds
    order = np.lexsort((post_ids, margins, clusters))  # the last key sorts first
    ordered = clusters[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[starts, count])
    rounds[order] = np.arange(count) - np.repeat(starts, sizes)
    rounds[clusters < 0] = 0
    return rounds


def margins_of(probabilities: np.ndarray) -> np.ndarray:
    """Top minus second probability of each row (0 rows, or one label: all 1)."""
    if probabilities.shape[0] == 0:
        return np.zeros(0, dtype=np.float64)
    if probabilities.shape[1] < 2:
        return np.ones(probabilities.shape[0], dtype=np.float64)
    top2 = np.partition(probabilities, -2, axis=1)[:, -2:]
    return (top2[:, 1] - top2[:, 0]).astype(np.float64)
