"""``train_model``: learn from the resolved labels, evaluate without leaks, predict all."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # scikit-learn requires it

from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken, ProgressCallback, no_progress
from annotator.services.clusters.clustering import find_clusters
from annotator.services.model.evaluation import (
    CURVE_SHARES,
    check_labels,
    fold_assignment,
    learning_curve,
    out_of_fold,
    scores,
)
from annotator.services.model.features import (
    CLASSIFIER,
    FEATURES,
    PARALLEL_FROM,
    PREDICT_CHUNK,
    make_classifier,
    make_vectorizer,
    predict_chunk,
)
from annotator.services.model.queue_order import margins_of, spread_rounds
from annotator.services.model.report import ModelReport, ModelSettings
from annotator.services.model.stored_predictions import store_run
from annotator.services.model.training_data import (
    GROUP_BY,
    TrainingData,
    has_clusters,
    read_training_data,
)
from annotator.store.engine import Project


def train_model(
    project: Project,
    settings: ModelSettings,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ModelReport:
    """Train on the resolved labels, cross-validate by group, predict every post and
    store the run; returns its report."""
    with _sharing_the_machine():
        return _train(project, settings, progress, cancel)


@contextmanager
def _sharing_the_machine() -> Iterator[None]:
    """While training: one BLAS thread, and the GIL handed over every millisecond.

    scipy's L-BFGS-B (1.15 and later) runs its small vector steps on OpenBLAS's threads,
    which on two shared cores made every fit 2-4x slower. The app trains in a thread of
    its own process: with the default 5 ms switch interval, each of a label key's
    database calls waited for the vectoriser's pure-Python loop to give the GIL back
    (p95 58 ms a keypress; 17 ms at 1 ms, training no slower; benchmarks/model.py)."""
    switch = sys.getswitchinterval()
    sys.setswitchinterval(min(switch, 0.001))
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            yield
    finally:
        sys.setswitchinterval(switch)


def _train(
    project: Project, settings: ModelSettings, progress: ProgressCallback,
    cancel: CancelToken | None,
) -> ModelReport:  # fmt: skip
    if settings.group_by not in GROUP_BY:
        raise UserError(
            f"--group-by must be one of {', '.join(GROUP_BY)}, not {settings.group_by!r}."
        )
    project.refuse_if_read_only()
    cancel = cancel or CancelToken()
    notes = _ensure_clusters(project, settings, progress, cancel)
    data = read_training_data(project, settings.group_by)
    labeled = np.flatnonzero(data.labeled)
    y = np.array([data.labels[i] for i in labeled], dtype=object).astype(str)
    check_labels(y.tolist(), settings.folds)
    steps = settings.folds + (len(CURVE_SHARES) - 1) + 3
    done = 0

    def tick(message: str = "Cross-validating") -> None:
        nonlocal done
        cancel.raise_if_cancelled()
        done += 1
        progress(done, steps, message)

    progress(0, steps, "Reading the texts")
    vectorizer = make_vectorizer()
    x = vectorizer.fit_transform([data.texts[i] for i in labeled])
    tick("Vectorised the labeled posts")
    classes = np.unique(y)
    fold_of = fold_assignment(y, data.groups[labeled], settings.folds, settings.seed)
    oof = out_of_fold(x, y, fold_of, classes, settings.seed, tick)
    evaluated = scores(y, classes[oof.argmax(axis=1)], classes)
    curve = learning_curve(
        x, y, data.groups[labeled], fold_of, classes, settings.seed, evaluated["macro_f1"],
        lambda: tick("Learning curve"),
    )  # fmt: skip
    final = make_classifier(settings.seed).fit(x, y)
    tick("Trained on every label")
    trained_at = datetime.now(UTC)
    report = ModelReport(
        labels_used=len(y),
        macro_f1=evaluated["macro_f1"],
        accuracy=evaluated["accuracy"],
        per_label=evaluated["per_label"],
        confusion=evaluated["confusion"],
        learning_curve=curve,
        predicted_posts=len(data.post_ids),
        grouped_by=settings.group_by,
        model={"features": FEATURES, "classifier": CLASSIFIER},
        trained_at=trained_at.isoformat(),
        labels_hash=data.labels_hash(),
        folds=settings.folds,
        seed=settings.seed,
        baseline_macro_f1=evaluated["baseline_macro_f1"],
        notes=notes,
    )
    own = dict(zip(labeled.tolist(), range(len(labeled)), strict=True))
    # Predicted before the write transaction: a million posts take a minute, during which
    # annotators must go on saving labels.
    proba = _all_probabilities(data.texts, vectorizer, final, cancel)
    tick("Predicted every post")
    rounds = spread_rounds(data.clusters, margins_of(proba), data.post_ids)
    store_run(
        project,
        trained_at=trained_at,
        settings=settings.to_json(),
        labels_hash=report.labels_hash,
        report=report.to_json(),
        chunks=_prediction_rows(data, proba, classes, oof, own, rounds),
    )
    progress(steps, steps, f"Predicted {len(data.post_ids):,} posts")
    return report


def _ensure_clusters(
    project: Project, settings: ModelSettings, progress: ProgressCallback, cancel: CancelToken
) -> list[str]:
    """Cluster the posts first when grouping by cluster and the project has no clusters
    (never computed; a project whose posts have no near-copies at all is searched again
    each time, which costs a search but never groups wrongly)."""
    if settings.group_by != "cluster":
        return []
    if has_clusters(project):
        return []
    find_clusters(project, progress=progress, cancel=cancel)
    return ["Clusters had not been computed for this project; they were found first."]


def _all_probabilities(
    texts: list[str], vectorizer: Any, model: Any, cancel: CancelToken
) -> np.ndarray:
    """Every post's probabilities (float32: 12 MB for a million posts and three labels).

    Each distinct text is predicted once (the features are the text's alone): copies of
    a campaign message, retweets and reposts are common in the projects this is for."""
    distinct, copy_of = _distinct_texts(texts)
    parts = []
    for _, part in _chunk_probabilities(distinct, vectorizer, model):
        cancel.raise_if_cancelled()
        parts.append(part)
    if not parts:
        return np.zeros((0, 0), dtype=np.float32)
    every_post: np.ndarray = np.concatenate(parts)[copy_of]
    return every_post


def _distinct_texts(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct texts in first-seen order, and each post's index among them."""
    first: dict[str, int] = {}
    copy_of = np.fromiter(
        (first.setdefault(text, len(first)) for text in texts), dtype=np.int64, count=len(texts)
    )
    return list(first), copy_of


def _prediction_rows(
    data: TrainingData, probabilities: np.ndarray, classes: np.ndarray, oof: np.ndarray,
    own: dict[int, int], rounds: np.ndarray,
) -> Iterator[Sequence[tuple[Any, ...]]]:  # fmt: skip
    """Rows for ``post_prediction``, a chunk of posts at a time. Made column by column
    with numpy: they are made inside the write transaction, and building them a post at
    a time held the project's write lock 10 s longer for a million posts."""
    names = np.array([str(c) for c in classes], dtype=object)
    own_row = np.full(len(probabilities), -1, dtype=np.int64)
    own_row[list(own)] = list(own.values())
    label_index = {name: i for i, name in enumerate(names)}
    as_json = _probabilities_template(names.tolist())
    for start in range(0, len(probabilities), PREDICT_CHUNK):
        proba = probabilities[start : start + PREDICT_CHUNK]
        stop = start + len(proba)
        top2 = np.sort(proba, axis=1)[:, -2:]
        labels = data.labels[start:stop]
        oof_labels: list[str | None] = [None] * len(proba)
        own_probabilities: list[float | None] = [None] * len(proba)
        for offset in np.flatnonzero(own_row[start:stop] >= 0).tolist():
            found = oof[own_row[start + offset]]
            oof_labels[offset] = str(names[int(found.argmax())])
            label = labels[offset]
            if label is not None:
                own_probabilities[offset] = float(found[label_index[label]])
        rounded = proba.astype(np.float64).round(4).tolist()
        yield list(
            zip(
                data.post_ids[start:stop].tolist(),
                names[proba.argmax(axis=1)].tolist(),
                top2[:, 1].astype(np.float64).tolist(),
                (top2[:, 1] - top2[:, 0]).astype(np.float64).tolist(),
                labels,
                oof_labels,
                own_probabilities,
                [as_json % tuple(row) for row in rounded],
                rounds[start:stop].tolist(),
                strict=True,
            )
        )


def _probabilities_template(names: list[str]) -> str:
    """A %-template giving what ``json.dumps({name: probability})`` gives, for floats
    already rounded (``repr`` is how ``json`` writes a float)."""
    pairs = (json.dumps(name).replace("%", "%%") + ": %r" for name in names)
    return "{" + ", ".join(pairs) + "}"


def _chunk_probabilities(
    texts: list[str], vectorizer: Any, model: Any
) -> Iterator[tuple[int, np.ndarray]]:
    """(first post, probabilities) per chunk, in order; a large project in two worker
    processes (never in a frozen app, where a new process would start the app again)."""
    starts = range(0, len(texts), PREDICT_CHUNK)
    if len(texts) < PARALLEL_FROM or getattr(sys, "frozen", False) or (os.cpu_count() or 1) < 2:
        for start in starts:
            yield start, predict_chunk(vectorizer, model, texts[start : start + PREDICT_CHUNK])
        return
    from joblib import Parallel, delayed

    found = Parallel(n_jobs=2, return_as="generator")(
        delayed(predict_chunk)(vectorizer, model, texts[start : start + PREDICT_CHUNK])
        for start in starts
    )
    yield from zip(starts, found, strict=True)
