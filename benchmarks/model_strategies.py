"""Replaying labeling: how many labels each queue order needs to reach random order's macro-F1.

    python benchmarks/model_strategies.py [--posts 10000] [--budget 1500] [--batch 100]
        [--start 100] [--repeats 10] [--sample-batch 10] [--sample-start 20]

Two labeled sets, each read from a project through the model's own reader (resolved
labels: gold, else a strict majority; groups: copy-paste clusters):
- the shipped sample project (``annotator sample``, as ``make demo/sample.annotator``
  builds it): 381 posts, three annotators' labels;
- a generated project of ``--posts`` posts, every one labeled (``labeled_posts.py``:
  noisy cue words, 8% flipped labels, campaign copies).

A fixed held-out part (30% of the groups, so no cluster has copies on both sides) is only
ever scored. The rest is the pool. Each replay starts from the same random ``--start``
posts of the pool, then adds ``--batch`` labels at a time in one of three orders and
retrains the app's classifier, scoring macro-F1 on the held-out part after each batch:
- ``random``: the pool in a random order;
- ``uncertain``: the smallest margin between the two likeliest labels, the batch spread
  across clusters exactly as ``annotator next --strategy uncertain`` does
  (``spread_across_clusters``, from ``20 * batch`` candidates);
- ``uncertain, no spread``: the smallest margins alone, to show what the spreading does.

Random order's macro-F1 at ``--budget`` labels (the whole pool for the sample), averaged
over ``--repeats`` replays, is the target; each order's figure is the fewest labels at
which its averaged curve reaches it. Simplification: the vectoriser is fitted once on
every text of the set (it sees no label), where the app refits it on the labeled texts
each time it trains; only the classifier is retrained per batch.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

STRATEGIES = ("random", "uncertain", "uncertain, no spread")


@dataclass
class LabeledSet:
    name: str
    texts: list[str]
    labels: np.ndarray
    groups: np.ndarray
    clusters: np.ndarray


def read_set(name: str, project_path: Path) -> LabeledSet:
    """The posts with a resolved label, with their fold groups and clusters."""
    from annotator.services.model.training_data import read_training_data
    from annotator.services.project.projects import open_project

    project = open_project(project_path)
    data = read_training_data(project, "cluster")
    project.close()
    keep = np.flatnonzero(data.labeled)
    return LabeledSet(
        name=name,
        texts=[data.texts[i] for i in keep],
        labels=np.array([data.labels[i] for i in keep], dtype=str),
        groups=data.groups[keep],
        clusters=data.clusters[keep],
    )


def sample_set(folder: Path) -> LabeledSet:
    from annotator.services.project.sample_project import build_sample_project

    path = folder / "sample.annotator"
    build_sample_project(path).close()
    return read_set("shipped sample", path)


def generated_set(folder: Path, posts: int) -> LabeledSet:
    from labeled_posts import build_project

    sub = folder / "generated"
    sub.mkdir()
    return read_set(f"generated, {posts:,} posts", build_project(sub, posts, posts))


def held_out(data: LabeledSet, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(pool, test) positions: 30% of the groups held out, whole groups on one side."""
    from sklearn.model_selection import GroupShuffleSplit

    split = GroupShuffleSplit(n_splits=1, test_size=0.3, random_state=seed)
    pool, test = next(split.split(data.texts, data.labels, data.groups))
    return pool, test


def _pick(
    strategy: str, proba: np.ndarray, candidates: np.ndarray, clusters: np.ndarray,
    batch: int, rng: np.random.Generator,
) -> np.ndarray:  # fmt: skip
    """The next ``batch`` positions among ``candidates`` (unlabeled pool posts)."""
    from annotator.services.model.suggestions import NextPost, spread_across_clusters

    if strategy == "random":
        return rng.permutation(candidates)[:batch]
    top2 = np.sort(proba, axis=1)[:, -2:]
    order = candidates[np.argsort(top2[:, 1] - top2[:, 0], kind="stable")]
    if strategy == "uncertain, no spread":
        return order[:batch]
    posts = [
        NextPost(post_id=str(p), database_id=int(p),
                 cluster=int(clusters[p]) if clusters[p] >= 0 else None)
        for p in order[: max(batch * 20, 1000)]
    ]  # fmt: skip
    return np.array([p.database_id for p in spread_across_clusters(posts, batch)])


def replay(
    data: LabeledSet, x: object, pool: np.ndarray, test: np.ndarray, strategy: str,
    start: int, batch: int, budget: int, seed: int,
) -> list[tuple[int, float]]:  # fmt: skip
    """(labels, held-out macro-F1) after the start set and after each batch."""
    from sklearn.metrics import f1_score

    from annotator.services.model.features import make_classifier

    rng = np.random.default_rng(seed)
    labeled = rng.permutation(pool)[:start]
    y = data.labels
    curve = []
    while True:
        model = make_classifier(0).fit(x[labeled], y[labeled])  # type: ignore[index]
        predicted = model.predict(x[test])  # type: ignore[index]
        curve.append((len(labeled), float(f1_score(y[test], predicted, average="macro"))))
        if len(labeled) >= budget:
            return curve
        candidates = np.setdiff1d(pool, labeled)
        if len(candidates) == 0:
            return curve
        proba = np.zeros((0, 2))
        if strategy != "random":
            proba = model.predict_proba(x[candidates])  # type: ignore[index]
        take = min(batch, budget - len(labeled))
        labeled = np.concatenate([labeled, _pick(strategy, proba, candidates, data.clusters,
                                                 take, rng)])  # fmt: skip


def simulate(data: LabeledSet, start: int, batch: int, budget: int | None, repeats: int) -> None:
    from annotator.services.model.features import make_vectorizer

    started = time.perf_counter()
    pool, test = held_out(data, seed=0)
    budget = min(budget or len(pool), len(pool))
    x = make_vectorizer().fit_transform(data.texts)
    runs = {
        strategy: [
            replay(data, x, pool, test, strategy, start, batch, budget, seed)
            for seed in range(repeats)
        ]
        for strategy in STRATEGIES
    }
    sizes = [n for n, _ in runs["random"][0]]
    curves = {
        strategy: np.mean([[f1 for _, f1 in run] for run in found], axis=0)
        for strategy, found in runs.items()
    }
    target = float(curves["random"][-1])
    clusters = len({c for c in data.clusters.tolist() if c >= 0})
    print(
        f"{data.name}: {len(data.labels):,} posts with a resolved label in {clusters} clusters "
        f"of copies; pool {len(pool):,}, held out {len(test):,} (whole groups); start "
        f"{start}, batches of {batch}, {repeats} replays each"
    )
    print(f"    random order's macro-F1 at {budget:,} labels: {target:.3f} (the target)")
    for strategy in STRATEGIES:
        curve = curves[strategy]
        reached = [n for n, f1 in zip(sizes, curve, strict=True) if f1 >= target - 1e-9]
        needed = f"{reached[0]:,} labels" if reached else f"not reached by {budget:,}"
        ratio = f" ({reached[0] / budget:.0%} of random's)" if reached else ""
        step = max(1, len(sizes) // 6)
        points = ", ".join(
            f"{n}:{f1:.3f}" for n, f1 in list(zip(sizes, curve, strict=True))[::step]
        )
        print(f"    {strategy:21} reaches it with {needed}{ratio}; curve {points}")
    print(f"    ({time.perf_counter() - started:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=10_000, help="posts of the generated set")
    parser.add_argument("--budget", type=int, default=1500, help="labels random order gets")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--start", type=int, default=100, help="random labels to start from")
    parser.add_argument("--sample-batch", type=int, default=10)
    parser.add_argument("--sample-start", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    # One BLAS thread, as train_model runs: L-BFGS-B is 2-4x slower on OpenBLAS's threads.
    with threadpool_limits(limits=1, user_api="blas"), tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        simulate(sample_set(folder), args.sample_start, args.sample_batch, None, args.repeats)
        simulate(
            generated_set(folder, args.posts), args.start, args.batch, args.budget, args.repeats
        )


if __name__ == "__main__":
    main()
