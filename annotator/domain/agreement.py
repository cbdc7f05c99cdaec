"""Agreement statistics over nominal labels, vectorised with numpy.

Input is a matrix of label codes, posts by annotators, with -1 where an annotator did
not label a post. Every statistic that cannot be computed (one category only, fewer
than two annotators, no overlap) is an ``Estimate`` with ``value=None`` and a reason,
never NaN and never a made-up 1.0.

Written here rather than taken from a library: ``krippendorff`` computes alpha but not
from per-post contributions, which the 1,000-resample bootstrap needs to stay fast
(one matrix product instead of 1,000 recomputations); irrCAC, statsmodels and
scikit-learn each cover one coefficient with different missing-data rules. All of them
check these functions in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
from numpy.typing import NDArray

Codes = NDArray[np.int64]
Counts = NDArray[np.float64]

MISSING = -1
RARE_SHARE = 0.05


@dataclass(frozen=True)
class Estimate:
    """A statistic, or None with the reason it is undefined."""

    value: float | None
    reason: str | None = None
    n: int | None = None

    @classmethod
    def undefined(cls, reason: str, n: int | None = None) -> Estimate:
        return cls(None, reason, n)


def category_counts(codes: Codes, categories: int) -> Counts:
    """Posts x categories: how many annotators gave each category to each post."""
    counts = np.zeros((codes.shape[0], categories), dtype=np.float64)
    rows, columns = np.nonzero(codes >= 0)
    np.add.at(counts, (rows, codes[rows, columns]), 1.0)
    return counts


def _pairable(counts: Counts) -> Counts:
    pairable: Counts = counts[counts.sum(axis=1) >= 2]
    return pairable


def percent_agreement(counts: Counts) -> Estimate:
    """Mean over pairable posts of the share of annotator pairs that agree."""
    pairable = _pairable(counts)
    if len(pairable) == 0:
        return Estimate.undefined("no post has two or more labels", 0)
    raters = pairable.sum(axis=1)
    agreeing = (pairable * (pairable - 1)).sum(axis=1)
    return Estimate(float(np.mean(agreeing / (raters * (raters - 1)))), n=len(pairable))


def fleiss_kappa(counts: Counts) -> Estimate:
    """Fleiss' kappa, Gwet's (2014) generalisation for posts with different numbers of
    labels (irrCAC ``fleiss.kappa.raw``); classical Fleiss (1971) when all are equal."""
    rated = counts[counts.sum(axis=1) >= 1]
    raters = rated.sum(axis=1)
    multi = raters >= 2
    if not multi.any():
        return Estimate.undefined("no post has two or more labels", 0)
    pa = float(
        np.mean(
            (rated[multi] * (rated[multi] - 1)).sum(axis=1) / (raters[multi] * (raters[multi] - 1))
        )
    )
    pi = (rated / raters[:, None]).mean(axis=0)
    pe = float((pi**2).sum())
    if np.isclose(pe, 1.0):
        return Estimate.undefined("every label given is the same category", int(multi.sum()))
    return Estimate((pa - pe) / (1 - pe), n=int(multi.sum()))


def _alpha_from(n_c: Counts, diagonal: NDArray[np.float64]) -> NDArray[np.float64]:
    """Nominal alpha from category totals and coincidence-diagonal sums (vectorised)."""
    n = n_c.sum(axis=-1)
    expected = n**2 - (n_c**2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        result: NDArray[np.float64] = 1.0 - (n - 1) * (n - diagonal) / expected
    return result


def _unit_terms(counts: Counts) -> tuple[Counts, NDArray[np.float64]]:
    """Per pairable post: its values per category and its coincidence diagonal."""
    pairable = _pairable(counts)
    raters = pairable.sum(axis=1)
    diagonal = (pairable * (pairable - 1)).sum(axis=1) / (raters - 1)
    return pairable, diagonal


def coincidences(counts: Counts) -> Counts:
    """Krippendorff's coincidence matrix o_ck over pairable posts (2011, section C)."""
    pairable = _pairable(counts)
    raters = pairable.sum(axis=1)
    weighted = pairable / (raters - 1)[:, None]
    matrix: Counts = weighted.T @ pairable
    matrix[np.diag_indices_from(matrix)] -= weighted.sum(axis=0)
    return matrix


def krippendorff_alpha(counts: Counts) -> Estimate:
    """Krippendorff's alpha for nominal data, as in Krippendorff (2011)."""
    units, diagonal = _unit_terms(counts)
    if len(units) == 0:
        return Estimate.undefined("no post has two or more labels", 0)
    n_c = units.sum(axis=0)
    if np.count_nonzero(n_c) < 2:
        return Estimate.undefined("only one category was used", len(units))
    return Estimate(float(_alpha_from(n_c, diagonal.sum())), n=len(units))


def bootstrap_alpha(
    counts: Counts, resamples: int = 1000, seed: int = 20200214, chunk: int = 50
) -> tuple[float, float] | None:
    """95% percentile interval of alpha over ``resamples`` bootstrap samples of posts.

    Each resample reweights the pairable posts by how often it drew them, so a
    resample costs one matrix product; resamples where alpha is undefined (a single
    category drawn) are left out. None when alpha itself is undefined.
    """
    units, diagonal = _unit_terms(counts)
    if len(units) == 0 or np.count_nonzero(units.sum(axis=0)) < 2:
        return None
    rng = np.random.default_rng(seed)
    size = len(units)
    terms = np.column_stack([units, diagonal])
    values = []
    for start in range(0, resamples, chunk):
        batch = min(chunk, resamples - start)
        drawn = rng.integers(0, size, size=(batch, size))
        offsets = (np.arange(batch) * size)[:, None]
        weights = np.bincount((drawn + offsets).ravel(), minlength=batch * size)
        totals = weights.reshape(batch, size).astype(np.float64) @ terms
        values.append(_alpha_from(totals[:, :-1], totals[:, -1]))
    alphas = np.concatenate(values)
    alphas = alphas[np.isfinite(alphas)]
    if len(alphas) == 0:
        return None
    low, high = np.percentile(alphas, [2.5, 97.5])
    return float(low), float(high)


def cohen_kappa(first: Codes, second: Codes, categories: int) -> Estimate:
    """Cohen's (1960) kappa of two annotators on the posts both labeled."""
    both = (first >= 0) & (second >= 0)
    n = int(both.sum())
    if n == 0:
        return Estimate.undefined("the two annotators labeled no post in common", 0)
    table = confusion_matrix(first, second, categories)
    observed = np.trace(table) / n
    expected = float((table.sum(axis=1) * table.sum(axis=0)).sum()) / n**2
    if np.isclose(expected, 1.0):
        return Estimate.undefined("both annotators used one and the same label only", n)
    return Estimate(float((observed - expected) / (1 - expected)), n=n)


def confusion_matrix(first: Codes, second: Codes, categories: int) -> NDArray[np.int64]:
    """Rows: the first annotator's labels; columns: the second's; posts both labeled."""
    both = (first >= 0) & (second >= 0)
    flat = first[both] * categories + second[both]
    return np.bincount(flat, minlength=categories * categories).reshape(categories, categories)


def recode(counts: Counts, groups: list[list[int]]) -> Counts:
    """Counts of a coarser question: each group of categories becomes one answer;
    categories in no group are left out (treated as missing for that question)."""
    return np.column_stack([counts[:, group].sum(axis=1) for group in groups])


@dataclass(frozen=True)
class LabelAgreement:
    """One label's share of all labels and how reliably annotators agree on it."""

    count: int
    share: float | None
    specific_agreement: Estimate
    alpha: Estimate
    rare: bool


def per_label(counts: Counts) -> list[LabelAgreement]:
    """Count, share, category-specific agreement (o_kk / n_k) and alpha of each label
    against all others; ``rare`` marks labels under 5% of all labels given."""
    totals = counts.sum(axis=0)
    grand = float(totals.sum())
    matrix = coincidences(counts) if len(_pairable(counts)) else None
    results = []
    for k in range(counts.shape[1]):
        n_k = matrix[k].sum() if matrix is not None else 0.0
        specific = (
            Estimate(float(matrix[k, k] / n_k), n=int(n_k))
            if matrix is not None and n_k > 0
            else Estimate.undefined("no pairable post carries this label")
        )
        binary = np.column_stack([counts[:, k], counts.sum(axis=1) - counts[:, k]])
        share = float(totals[k] / grand) if grand else None
        results.append(
            LabelAgreement(
                count=int(totals[k]),
                share=share,
                specific_agreement=specific,
                alpha=krippendorff_alpha(binary),
                rare=share is not None and share < RARE_SHARE,
            )
        )
    return results


def pairwise_kappas(codes: Codes, categories: int) -> dict[tuple[int, int], Estimate]:
    return {
        (a, b): cohen_kappa(codes[:, a], codes[:, b], categories)
        for a, b in combinations(range(codes.shape[1]), 2)
    }


def estimate_json(estimate: Estimate, key: str, *, with_n: bool = False) -> dict[str, Any]:
    """``{key: value}`` plus ``"n"`` when asked, plus ``"reason"`` when undefined."""
    data: dict[str, Any] = {key: estimate.value}
    if with_n:
        data["n"] = estimate.n if estimate.n is not None else 0
    if estimate.value is None:
        data["reason"] = estimate.reason
    return data
