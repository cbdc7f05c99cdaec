"""All agreement metrics for 100,000 posts x 5 annotators with 30% of labels missing.

    python benchmarks/agreement.py [--posts 100000] [--annotators 5] [--missing 0.3]

Times (1) the metrics alone on the label matrix, bootstrap interval included, and
(2) the whole ``annotator stats`` service on a project holding the same labels
(reading the annotations from SQLite included). Target: under 3 s.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from annotator.domain.agreement import (
    MISSING,
    bootstrap_alpha,
    category_counts,
    fleiss_kappa,
    krippendorff_alpha,
    pairwise_kappas,
    per_label,
    percent_agreement,
    recode,
)


def simulated_codes(posts: int, annotators: int, missing: float, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.choice(3, size=posts, p=[0.5, 0.25, 0.25])
    noise = rng.integers(0, 3, (posts, annotators))
    codes = np.where(rng.random((posts, annotators)) < 0.8, truth[:, None], noise)
    codes[rng.random((posts, annotators)) < missing] = MISSING
    return codes.astype(np.int64)


def metrics_only(codes: np.ndarray) -> float:
    started = time.perf_counter()
    counts = category_counts(codes, 3)
    percent_agreement(counts)
    fleiss_kappa(counts)
    krippendorff_alpha(counts)
    bootstrap_alpha(counts, resamples=1000)
    per_label(counts)
    pairwise_kappas(codes, 3)
    for groups in ([[0], [1, 2]], [[1], [2]]):
        krippendorff_alpha(recode(counts, groups))
    return time.perf_counter() - started


def project_with(codes: np.ndarray, folder: Path) -> Path:
    """A real project holding these labels, written with raw SQL for speed."""
    from annotator.services.project.projects import init_project

    path = folder / "agreement.annotator"
    init_project(path).close()
    connection = sqlite3.connect(path)
    now = datetime.now(UTC).isoformat(" ")
    keys = ["not_sponsored", "sponsored_disclosed", "sponsored_undisclosed"]
    with connection:
        connection.execute(
            "INSERT INTO dataset (id, name, source_name, source_sha256, imported_at,"
            " column_mapping) VALUES (1, 'sim', 'sim.csv', '', ?, '{}')",
            (now,),
        )
        connection.executemany(
            "INSERT INTO post (id, dataset_id, external_id, text, extra, content_hash)"
            " VALUES (?, 1, ?, 'text', '{}', '')",
            ((i + 1, str(i)) for i in range(codes.shape[0])),
        )
        connection.executemany(
            "INSERT INTO annotator (id, name, created_at) VALUES (?, ?, ?)",
            ((a + 1, f"coder{a + 1}", now) for a in range(codes.shape[1])),
        )
        posts, coders = np.nonzero(codes >= 0)
        connection.executemany(
            "INSERT INTO annotation (post_id, annotator_id, label_key, notes, sponsor, evidence,"
            " seconds_spent, created_at, updated_at) VALUES (?, ?, ?, '', '', '[]', 12, ?, ?)",
            (
                (int(p) + 1, int(c) + 1, keys[codes[p, c]], now, now)
                for p, c in zip(posts, coders, strict=True)
            ),
        )
    connection.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--annotators", type=int, default=5)
    parser.add_argument("--missing", type=float, default=0.3)
    args = parser.parse_args()
    codes = simulated_codes(args.posts, args.annotators, args.missing)
    labels = int((codes >= 0).sum())
    print(f"{args.posts:,} posts x {args.annotators} annotators, {labels:,} labels")
    best = min(metrics_only(codes) for _ in range(3))
    print(f"metrics alone (bootstrap 1,000 resamples included): {best:.2f} s (best of 3)")
    from annotator.services.project.projects import open_project
    from annotator.services.review.agreement_report import agreement_report

    with tempfile.TemporaryDirectory() as name:
        project = open_project(project_with(codes, Path(name)))
        started = time.perf_counter()
        report = agreement_report(project)
        elapsed = time.perf_counter() - started
        project.close()
    print(f"annotator stats end to end (SQLite read included): {elapsed:.2f} s")
    print(f"alpha {report.alpha.value:.4f}, 95% CI {report.alpha_ci}")


if __name__ == "__main__":
    main()
