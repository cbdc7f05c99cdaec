"""All agreement metrics for 100,000 posts x 5 annotators with 30% of labels missing.

    python benchmarks/agreement.py [--posts 100000] [--annotators 5] [--missing 0.3]

Times (1) the metrics alone on the label matrix, bootstrap interval included, and
(2) the whole ``annotator stats`` service on a project holding the same labels
(reading the annotations from SQLite included). Target: under 3 s.

With ``--url`` (a PostgreSQL server where the user may create databases) the same labels
are also written into a fresh database on that server and the stats service timed there
too (this is the Review tab's computation); the ratio PostgreSQL / SQLite is printed.

    python benchmarks/agreement.py --posts 100000 \
        --url postgresql+psycopg://annotator:annotator@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from child_runs import copy_into, fresh_database, ratio_line

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


def _rows(codes: np.ndarray) -> dict[str, tuple[list[str], Iterator[tuple[Any, ...]]]]:
    """Per table, in the order foreign keys need: its columns and the rows holding ``codes``."""
    now = datetime.now(UTC).isoformat(" ")
    keys = ["not_sponsored", "sponsored_disclosed", "sponsored_undisclosed"]
    posts, coders = np.nonzero(codes >= 0)
    return {
        "dataset": (
            ["id", "name", "source_name", "source_sha256", "imported_at", "column_mapping"],
            iter([(1, "sim", "sim.csv", "", now, "{}")]),
        ),
        "post": (
            ["id", "dataset_id", "external_id", "text", "extra", "content_hash"],
            ((i + 1, 1, str(i), "text", "{}", "") for i in range(codes.shape[0])),
        ),
        "annotator": (
            ["id", "name", "created_at"],
            ((a + 1, f"coder{a + 1}", now) for a in range(codes.shape[1])),
        ),
        "annotation": (
            ["post_id", "annotator_id", "label_key", "notes", "sponsor", "evidence",
             "seconds_spent", "created_at", "updated_at"],
            (
                (int(p) + 1, int(c) + 1, keys[codes[p, c]], "", "", "[]", 12, now, now)
                for p, c in zip(posts, coders, strict=True)
            ),
        ),
    }  # fmt: skip


def project_with(codes: np.ndarray, folder: Path, url: str | None = None) -> str:
    """A real project holding these labels (a file in ``folder``, or the database at
    ``url``), written below the services for speed."""
    from annotator.services.project.projects import init_project

    target = url or str(folder / "agreement.annotator")
    init_project(target).close()
    if url is not None:
        for table, (columns, rows) in _rows(codes).items():
            copy_into(url, table, columns, rows)
        return url
    connection = sqlite3.connect(target)
    with connection:
        for table, (columns, rows) in _rows(codes).items():
            connection.executemany(
                f"INSERT INTO {table} ({', '.join(columns)})"
                f" VALUES ({', '.join('?' * len(columns))})",
                rows,
            )
    connection.close()
    return target


def timed_stats(target: str) -> tuple[float, Any]:
    from annotator.services.project.projects import open_project
    from annotator.services.review.agreement_report import agreement_report

    project = open_project(target)
    started = time.perf_counter()
    report = agreement_report(project)
    elapsed = time.perf_counter() - started
    project.close()
    return elapsed, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--annotators", type=int, default=5)
    parser.add_argument("--missing", type=float, default=0.3)
    parser.add_argument("--url", help="a PostgreSQL server URL: also run on a fresh database")
    args = parser.parse_args()
    codes = simulated_codes(args.posts, args.annotators, args.missing)
    labels = int((codes >= 0).sum())
    print(f"{args.posts:,} posts x {args.annotators} annotators, {labels:,} labels")
    best = min(metrics_only(codes) for _ in range(3))
    print(f"metrics alone (bootstrap 1,000 resamples included): {best:.2f} s (best of 3)")
    with tempfile.TemporaryDirectory() as name:
        elapsed, report = timed_stats(project_with(codes, Path(name)))
    print(f"annotator stats end to end (SQLite read included): {elapsed:.2f} s")
    if args.url:
        with fresh_database(args.url) as url:
            server, server_report = timed_stats(project_with(codes, Path(), url))
        assert server_report.to_json() == report.to_json()
        print(f"annotator stats end to end on PostgreSQL: {server:.2f} s")
        print(ratio_line("stats", elapsed, server))
    print(f"alpha {report.alpha.value:.4f}, 95% CI {report.alpha_ci}")


if __name__ == "__main__":
    main()
