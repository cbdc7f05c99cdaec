"""Agreement metrics against published worked examples and reference implementations."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from nltk.metrics.agreement import AnnotationTask
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats import inter_rater

from annotator.domain.agreement import (
    MISSING,
    bootstrap_alpha,
    category_counts,
    cohen_kappa,
    coincidences,
    confusion_matrix,
    fleiss_kappa,
    krippendorff_alpha,
    per_label,
    percent_agreement,
    recode,
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
# four observers, twelve units, nominal values 1-5, "*" missing. alpha = 0.743.
K2011 = [
    "1 2 3 3 2 1 4 1 2 * * *",
    "1 2 3 3 2 2 4 1 2 5 * 3",
    "* 3 3 3 2 3 4 2 2 5 1 *",
    "1 2 3 3 2 4 4 1 2 5 1 *",
]

# Fleiss (1971): 30 patients, 6 psychiatrists, 5 diagnoses (statsmodels' test data). 0.430.
DIAGNOSES = np.array(
    [
        [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
    ]
)  # fmt: skip

# Cohen (1960), Table 1: two judges, 200 items, three categories; p_o .70, p_c .41, .492.
COHEN_TABLE = np.array([[88, 14, 18], [10, 40, 10], [2, 6, 12]])


def codes_from_rows(rows: list[str]) -> np.ndarray:
    """Observer rows of values 1..k ("*" missing) -> posts x annotators codes 0..k-1."""
    table = [[MISSING if v == "*" else int(v) - 1 for v in row.split()] for row in rows]
    return np.array(table, dtype=np.int64).T


def codes_from_table(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    first, second = [], []
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            first += [i] * int(table[i, j])
            second += [j] * int(table[i, j])
    return np.array(first), np.array(second)


def random_codes(
    seed: int, posts: int = 300, annotators: int = 4, labels: int = 3, missing: float = 0.3
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, labels, posts)
    codes = np.where(
        rng.random((posts, annotators)) < 0.7,
        truth[:, None],
        rng.integers(0, labels, (posts, annotators)),
    )
    codes[rng.random((posts, annotators)) < missing] = MISSING
    return codes.astype(np.int64)


# ----- published examples -------------------------------------------------------------------


def test_krippendorff_2011_nominal_example() -> None:
    counts = category_counts(codes_from_rows(K2011), 5)
    alpha = krippendorff_alpha(counts)
    assert alpha.value == pytest.approx(0.743, abs=5e-4)
    assert alpha.n == 11  # unit 12 has a single value and is not pairable


def test_krippendorff_2011_coincidences_match_the_paper() -> None:
    matrix = coincidences(category_counts(codes_from_rows(K2011), 5))
    assert matrix.sum() == pytest.approx(40)
    assert np.diag(matrix) == pytest.approx([7, 10, 8, 4, 3], abs=1e-9)
    assert matrix.sum(axis=0) == pytest.approx([9, 13, 10, 5, 3], abs=1e-9)


def test_fleiss_1971_diagnoses() -> None:
    counts = category_counts(DIAGNOSES - 1, 5)
    kappa = fleiss_kappa(counts)
    assert kappa.value == pytest.approx(0.430, abs=5e-4)
    assert kappa.n == 30


def test_cohen_1960_table_1() -> None:
    first, second = codes_from_table(COHEN_TABLE)
    kappa = cohen_kappa(first, second, 3)
    assert kappa.value == pytest.approx(0.492, abs=5e-4)
    assert kappa.n == 200
    assert (confusion_matrix(first, second, 3) == COHEN_TABLE).all()


# ----- reference implementations, with missing data -------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alpha_matches_the_krippendorff_package(seed: int) -> None:
    codes = random_codes(seed)
    reliability = np.where(codes == MISSING, np.nan, codes.astype(float)).T
    expected = krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal")
    assert krippendorff_alpha(category_counts(codes, 3)).value == pytest.approx(expected)


def test_alpha_with_a_category_nobody_used() -> None:
    codes = random_codes(4, labels=3)
    with_unused = krippendorff_alpha(category_counts(codes, 5))
    without = krippendorff_alpha(category_counts(codes, 3))
    assert with_unused.value == pytest.approx(without.value)


def test_fleiss_with_missing_labels_matches_gwets_irrcac_example() -> None:
    """Gwet's irrCAC documents fleiss.kappa.raw(cac.raw4raters) = 0.7612 (pa 0.8182,
    pe 0.2387); cac.raw4raters is Krippendorff's 2011 example above, with missing data."""
    kappa = fleiss_kappa(category_counts(codes_from_rows(K2011), 5))
    assert kappa.value == pytest.approx(0.76117, abs=5e-6)


def test_fleiss_equals_statsmodels_when_every_post_has_all_labels() -> None:
    codes = random_codes(7, missing=0.0)
    table, _ = inter_rater.aggregate_raters(codes)
    expected = inter_rater.fleiss_kappa(table, method="fleiss")
    assert fleiss_kappa(category_counts(codes, 3)).value == pytest.approx(expected)


@pytest.mark.parametrize("seed", [8, 9])
def test_cohen_matches_scikit_learn_on_shared_posts(seed: int) -> None:
    codes = random_codes(seed, annotators=2)
    both = (codes >= 0).all(axis=1)
    expected = cohen_kappa_score(codes[both, 0], codes[both, 1])
    kappa = cohen_kappa(codes[:, 0], codes[:, 1], 3)
    assert kappa.value == pytest.approx(expected)
    assert kappa.n == int(both.sum())


def test_percent_agreement_matches_nltk_average_observed_agreement() -> None:
    codes = random_codes(10, missing=0.0)
    data = [
        (f"c{a}", f"i{i}", str(codes[i, a]))
        for i in range(codes.shape[0])
        for a in range(codes.shape[1])
    ]
    expected = AnnotationTask(data=data).avg_Ao()
    assert percent_agreement(category_counts(codes, 3)).value == pytest.approx(expected)


def test_percent_agreement_by_hand() -> None:
    # post 1: a,a,b -> 1 agreeing pair of 3; post 2: a,a -> 1 of 1; post 3 single: ignored.
    codes = np.array([[0, 0, 1], [0, 0, MISSING], [1, MISSING, MISSING]])
    assert percent_agreement(category_counts(codes, 2)).value == pytest.approx((1 / 3 + 1) / 2)


# ----- undefined values -------------------------------------------------------------------------


def test_undefined_values_come_back_as_none_with_a_reason() -> None:
    one_category = category_counts(np.array([[0, 0], [0, 0]]), 3)
    assert krippendorff_alpha(one_category).value is None
    assert "one category" in (krippendorff_alpha(one_category).reason or "")
    assert fleiss_kappa(one_category).value is None
    singles = category_counts(np.array([[0, MISSING], [MISSING, 1]]), 2)
    for estimate in (
        percent_agreement(singles),
        fleiss_kappa(singles),
        krippendorff_alpha(singles),
    ):
        assert estimate.value is None and estimate.reason
    kappa = cohen_kappa(np.array([0, MISSING]), np.array([MISSING, 1]), 2)
    assert (kappa.value, kappa.n) == (None, 0)
    same = cohen_kappa(np.array([1, 1]), np.array([1, 1]), 2)
    assert same.value is None and "one and the same" in (same.reason or "")
    assert bootstrap_alpha(one_category) is None


# ----- bootstrap, per label, per question --------------------------------------------------------


def test_bootstrap_interval_brackets_alpha_and_is_reproducible() -> None:
    counts = category_counts(random_codes(11, posts=500), 3)
    alpha = krippendorff_alpha(counts).value
    assert alpha is not None
    interval = bootstrap_alpha(counts, resamples=1000, seed=1)
    assert interval is not None
    low, high = interval
    assert low < alpha < high
    assert high - low < 0.2
    assert bootstrap_alpha(counts, resamples=1000, seed=1) == interval


def test_per_label_specific_agreement_and_binary_alpha() -> None:
    codes = random_codes(12, posts=400)
    counts = category_counts(codes, 3)
    results = per_label(counts)
    assert sum(r.count for r in results) == int((codes >= 0).sum())
    assert sum(r.share or 0 for r in results) == pytest.approx(1.0)
    matrix = coincidences(counts)
    for k, result in enumerate(results):
        assert result.specific_agreement.value == pytest.approx(matrix[k, k] / matrix[k].sum())
        binary = np.where(codes == MISSING, np.nan, (codes == k).astype(float)).T
        expected = krippendorff.alpha(reliability_data=binary, level_of_measurement="nominal")
        assert result.alpha.value == pytest.approx(expected)


def test_rare_labels_are_flagged() -> None:
    codes = np.zeros((100, 2), dtype=np.int64)
    codes[:3, :] = 1
    results = per_label(category_counts(codes, 3))
    assert [r.rare for r in results] == [False, True, True]
    assert results[2].count == 0
    assert results[2].specific_agreement.value is None


def test_question_recoding_drops_labels_outside_the_question() -> None:
    codes = random_codes(13, posts=300)
    counts = category_counts(codes, 3)
    sponsored = recode(counts, [[0], [1, 2]])
    disclosure = recode(counts, [[1], [2]])
    merged = np.where(codes == MISSING, np.nan, np.minimum(codes, 1).astype(float)).T
    assert krippendorff_alpha(sponsored).value == pytest.approx(
        krippendorff.alpha(reliability_data=merged, level_of_measurement="nominal")
    )
    kept = np.where((codes == MISSING) | (codes == 0), np.nan, codes.astype(float)).T
    assert krippendorff_alpha(disclosure).value == pytest.approx(
        krippendorff.alpha(reliability_data=kept, level_of_measurement="nominal")
    )
