"""Import rate of `annotator import` against raw sqlite3 executemany on the same rows.

Prints rows per second for both and their ratio; the baseline is measured in the same
run on the same machine, so the ratio is comparable across machines.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import tempfile
import time
from pathlib import Path

from annotator.services.importing import import_dataset
from annotator.services.projects import init_project


def make_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "author", "created_at", "platform", "url", "likes"])
        for i in range(rows):
            writer.writerow(
                [
                    str(1229871234567890123 + i),
                    f"Post number {i} about #Rivera2020, paid for by nobody 🇺🇸\nsecond line",
                    f"user_{i % 5000}",
                    "2020-02-14T18:03:11Z",
                    "twitter",
                    f"https://twitter.com/user/status/{i}",
                    str(i % 97),
                ]
            )


def raw_baseline(source: Path, target: Path) -> float:
    """Read the same CSV with the csv module and executemany it into one table."""
    started = time.perf_counter()
    connection = sqlite3.connect(target)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(
        "CREATE TABLE post (id INTEGER PRIMARY KEY, external_id TEXT, text TEXT, author TEXT,"
        " created_at TEXT, platform TEXT, url TEXT, extra TEXT, UNIQUE(external_id))"
    )
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        rows = [(r[0], r[1], r[2], r[3], r[4], r[5], f'{{"likes": "{r[6]}"}}') for r in reader]
    with connection:
        connection.executemany(
            "INSERT INTO post (external_id, text, author, created_at, platform, url, extra)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    connection.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "posts.csv"
        make_csv(source, args.rows)
        baseline = raw_baseline(source, Path(folder) / "raw.sqlite")
        project = init_project(Path(folder) / "bench.annotator")
        started = time.perf_counter()
        report = import_dataset(project, source)
        ours = time.perf_counter() - started
        project.close()
    assert report.added == args.rows
    print(f"rows: {args.rows}")
    print(f"raw sqlite3 executemany: {args.rows / baseline:,.0f} rows/s ({baseline:.2f} s)")
    print(f"annotator import:        {args.rows / ours:,.0f} rows/s ({ours:.2f} s)")
    print(f"ratio (annotator / raw): {baseline / ours:.2f}")


if __name__ == "__main__":
    main()
