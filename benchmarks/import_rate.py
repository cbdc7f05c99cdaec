"""Import speed: `annotator import` against the physical baseline, measured in the same run.

The baseline is what the issue names: pandas reading the same CSV plus raw ``sqlite3``
``executemany`` of the same rows into an equivalent table (the project's own ``post``
DDL and indexes, copied from a fresh project). Each side runs in its own process so
its peak memory (max RSS) is its own. Prints rows/s, the ratio and peak memory.

With ``--url`` (a PostgreSQL server where the user may create databases) the import
also runs into a fresh database on that server, and the ratio PostgreSQL / annotator on
SQLite of the same run is printed. The baseline stays raw ``sqlite3``.

    python benchmarks/import_rate.py --rows 1000000
    python benchmarks/import_rate.py --rows 100000 \
        --url postgresql+psycopg://annotator:annotator@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import tempfile
import time
from pathlib import Path

from child_runs import child, fresh_database, ratio_line, report
from peak_memory import peak_rss_mib

TEXTS = [
    "Proud to stand with Dana Rivera! Our town deserves better jobs 🇺🇸 #Rivera2020",
    "Loving this serum from @glowco 😍 use code GLOW20 for 20% off\nlink in bio",
    'She said "it\'s fine" and then... well. #mondaymood',
    "Paid for by Rivera for America. Vote on Tuesday, March 3rd!",
    "#ad Partnering with Mango Fizz this summer, so refreshing 🥭",
]


def make_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "author", "created_at", "platform", "url", "likes"])
        for i in range(rows):
            writer.writerow(
                [
                    str(1229871234567890123 + i),
                    f"{TEXTS[i % len(TEXTS)]} ({i})",
                    f"user_{i % 5000}",
                    "2020-02-14T18:03:11Z",
                    "twitter",
                    f"https://twitter.com/user_{i % 5000}/status/{1229871234567890123 + i}",
                    str(i % 97),
                ]
            )


def _post_ddl(folder: Path) -> list[str]:
    from annotator.services.project.projects import init_project

    project = init_project(folder / "ddl.annotator")
    project.close()
    connection = sqlite3.connect(folder / "ddl.annotator")
    ddl = [
        sql
        for (sql,) in connection.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'post' AND type IN ('table', 'index')"
            " AND sql IS NOT NULL"
        )
    ]
    connection.close()
    return ddl


def run_baseline(source: Path, folder: Path) -> None:
    import pandas as pd

    ddl = _post_ddl(folder)
    started = time.perf_counter()
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    connection = sqlite3.connect(folder / "raw.sqlite")
    connection.execute("PRAGMA journal_mode=WAL")
    for statement in ddl:
        connection.execute(statement)
    rows = zip(
        [1] * len(frame),
        frame["id"],
        frame["text"],
        frame["author"],
        frame["created_at"],
        frame["platform"],
        frame["url"],
        frame["likes"],
        frame["id"],
        strict=True,
    )
    with connection:
        connection.executemany(
            "INSERT INTO post (dataset_id, external_id, text, author, created_at, platform,"
            " url, extra, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    connection.close()
    _report(time.perf_counter() - started, len(frame))


def run_annotator(source: Path, target: str) -> None:
    """The import service into ``target``: a folder (a new project file in it) or a
    database URL."""
    from annotator.services.imports.importing import import_dataset
    from annotator.services.project.projects import init_project

    project = init_project(target if "://" in target else Path(target) / "bench.annotator")
    started = time.perf_counter()
    report = import_dataset(project, source)
    elapsed = time.perf_counter() - started
    project.close()
    _report(elapsed, report.added)


def _report(seconds: float, rows: int) -> None:
    report(seconds=seconds, rows=rows, peak_mib=peak_rss_mib())


def _child(side: str, source: Path, target: str | Path) -> dict[str, float]:
    return child(__file__, "--side", side, "--source", source, "--folder", target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--side", choices=["baseline", "annotator"])
    parser.add_argument("--source", type=Path)
    parser.add_argument("--folder", help="a folder, or a database URL for the annotator side")
    parser.add_argument("--url", help="a PostgreSQL server URL: also import into a fresh database")
    args = parser.parse_args()
    if args.side == "baseline":
        run_baseline(args.source, Path(args.folder))
        return
    if args.side == "annotator":
        run_annotator(args.source, args.folder)
        return
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = folder / "posts.csv"
        make_csv(source, args.rows)
        size_mib = source.stat().st_size / 2**20
        baseline = _child("baseline", source, folder)
        ours = _child("annotator", source, folder)
        server = None
        if args.url:
            with fresh_database(args.url) as url:
                server = _child("annotator", source, url)
    assert ours["rows"] == args.rows, ours
    assert server is None or server["rows"] == args.rows, server
    print(f"file: {args.rows:,} rows, {size_mib:,.0f} MiB of CSV")
    for label, result in (
        ("pandas + raw sqlite3 executemany", baseline),
        ("annotator import", ours),
    ):
        rate = result["rows"] / result["seconds"]
        print(
            f"{label:34} {rate:>10,.0f} rows/s  {result['seconds']:6.2f} s  "
            f"peak {result['peak_mib']:,.0f} MiB"
        )
    print(f"ratio (annotator time / baseline time): {ours['seconds'] / baseline['seconds']:.2f}")
    if server is not None:
        rate = server["rows"] / server["seconds"]
        print(
            f"{'annotator import on PostgreSQL':34} {rate:>10,.0f} rows/s  "
            f"{server['seconds']:6.2f} s  peak {server['peak_mib']:,.0f} MiB"
        )
        print(ratio_line("import", ours["seconds"], server["seconds"]))


if __name__ == "__main__":
    main()
