"""Grouped cross-validation: out-of-fold probabilities, scores and a learning curve.

Every copy-paste cluster (or author) stays inside one fold, so a campaign's copies are
never on both sides of a split and the score is not inflated by memorised copies."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.sparse import spmatrix
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.model_selection import StratifiedGroupKFold

from annotator.domain.errors import UserError
from annotator.services.model.features import make_classifier
from annotator.services.model.report import MIN_LABELS

#: Shares of each training fold the learning curve trains on.
CURVE_SHARES = (0.25, 0.5, 0.75, 1.0)


def check_labels(labels: list[str], folds: int) -> None:
    """Refuse, in one sentence, a set the cross-validation cannot split."""
    if folds < 2:
        raise UserError(f"--folds must be 2 or more, not {folds}.")
    if len(labels) < MIN_LABELS:
        raise UserError(
            f"The project has {len(labels)} posts with a resolved label; the model needs at "
            f"least {MIN_LABELS}, so label {MIN_LABELS - len(labels)} more."
        )
    counts = Counter(labels)
    if len(counts) < 2:
        only = next(iter(counts))
        raise UserError(
            f"Every resolved post has the label '{only}'; the model needs at least two "
            "labels, so label some posts with another one."
        )
    label, fewest = min(counts.items(), key=lambda item: (item[1], item[0]))
    if fewest < folds:
        raise UserError(
            f"Label '{label}' has {fewest} resolved posts; {folds}-fold evaluation needs at "
            f"least {folds}, so label {folds - fewest} more (or use --folds {max(2, fewest)})."
        )


def fold_assignment(y: np.ndarray, groups: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """The test fold of each labeled post; all posts of a group share one fold."""
    assigned = np.full(len(y), -1, dtype=np.int64)
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fold, (_, test) in enumerate(splitter.split(np.zeros(len(y)), y, groups)):
        assigned[test] = fold
    return assigned


def out_of_fold(
    x: spmatrix, y: np.ndarray, fold_of: np.ndarray, classes: np.ndarray, seed: int,
    tick: Callable[[], None],
) -> np.ndarray:  # fmt: skip
    """Each labeled post's probabilities from the model trained without its fold."""
    probabilities = np.zeros((len(y), len(classes)), dtype=np.float64)
    for fold in np.unique(fold_of):
        train, test = fold_of != fold, fold_of == fold
        probabilities[test] = _fit_predict(x[train], y[train], x[test], classes, seed)
        tick()
    return probabilities


def _fit_predict(
    x_train: spmatrix, y_train: np.ndarray, x_test: spmatrix, classes: np.ndarray, seed: int
) -> np.ndarray:
    """Probabilities over ``classes`` (a class missing from training gets 0)."""
    model = make_classifier(seed).fit(x_train, y_train)
    out = np.zeros((x_test.shape[0], len(classes)))
    columns = np.searchsorted(classes, model.classes_)
    out[:, columns] = model.predict_proba(x_test)
    return out


def learning_curve(
    x: spmatrix, y: np.ndarray, groups: np.ndarray, fold_of: np.ndarray, classes: np.ndarray,
    seed: int, full: float, tick: Callable[[], None],
) -> list[dict[str, float]]:  # fmt: skip
    """Macro-F1 when each training fold is cut to a share of its groups (whole groups,
    so the cut keeps the no-leak rule); the last point is the full cross-validation."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(np.unique(groups))
    rank = np.empty(len(order), dtype=np.int64)
    rank[np.argsort(order)] = np.arange(len(order))
    group_rank = rank[np.searchsorted(np.sort(order), groups)]
    points: list[dict[str, float]] = []
    for share in CURVE_SHARES[:-1]:
        predicted = np.empty(len(y), dtype=classes.dtype)
        used = 0
        for fold in np.unique(fold_of):
            train = np.flatnonzero(fold_of != fold)
            keep = train[np.argsort(group_rank[train], kind="stable")][: int(len(train) * share)]
            test = fold_of == fold
            used += len(keep)
            if len(np.unique(y[keep])) < 2:
                predicted[test] = Counter(y[keep].tolist()).most_common(1)[0][0]
                continue
            proba = _fit_predict(x[keep], y[keep], x[test], classes, seed)
            predicted[test] = classes[proba.argmax(axis=1)]
        points.append(
            {"n": round(used / len(np.unique(fold_of))), "macro_f1": _macro(y, predicted)}
        )
        tick()
    folds = len(np.unique(fold_of))
    points.append({"n": round(len(y) * (folds - 1) / folds), "macro_f1": full})
    return points


def _macro(y: np.ndarray, predicted: np.ndarray) -> float:
    return round(float(f1_score(y, predicted, average="macro", zero_division=0)), 4)


def scores(y: np.ndarray, predicted: np.ndarray, classes: np.ndarray) -> dict[str, Any]:
    """Macro-F1, accuracy, per-label scores, the confusion matrix and a majority baseline."""
    precision, recall, f1, support = precision_recall_fscore_support(
        y, predicted, labels=classes, zero_division=0
    )
    majority = Counter(y.tolist()).most_common(1)[0][0]
    return {
        "macro_f1": _macro(y, predicted),
        "accuracy": round(float(accuracy_score(y, predicted)), 4),
        "per_label": {
            str(label): {
                "precision": round(float(p), 4), "recall": round(float(r), 4),
                "f1": round(float(f), 4), "support": int(s),
            }
            for label, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
        },
        "confusion": {
            "labels": [str(c) for c in classes],
            "matrix": confusion_matrix(y, predicted, labels=classes).tolist(),
        },
        "baseline_macro_f1": _macro(y, np.full(len(y), majority, dtype=y.dtype)),
    }  # fmt: skip
