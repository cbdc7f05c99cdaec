"""Export speed against pandas and openpyxl writing the same rows, in the same run.

    python benchmarks/export_rate.py [--posts 1000000] [--xlsx-posts 1000000]

Builds a project of tweet-like posts with three annotators' labels on a tenth of them,
then for CSV, JSON Lines and Parquet times ``annotator export`` against pandas writing
the identical frame (read back from our own Parquet export) directly (CSV and Parquet:
the best of three runs, each side); for xlsx against a bare openpyxl write-only loop
appending the same rows (the Posts sheet's and the Annotations sheet's, as the workbook
holds both). Also the floor of any export from the project file: fetching the posts'
columns with sqlite3, nothing else. Peak memory is reported too.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent


def build(folder: Path, posts: int) -> Path:
    sys.path.insert(0, str(HERE))
    from import_rate import make_csv

    from annotator.services.imports.importing import import_dataset
    from annotator.services.project.projects import init_project

    source = folder / "posts.csv"
    make_csv(source, posts)
    path = folder / "export.annotator"
    project = init_project(path)
    import_dataset(project, source)
    project.close()
    connection = sqlite3.connect(path)
    keys = ["not_sponsored", "sponsored_disclosed", "sponsored_undisclosed"]
    with connection:
        connection.executemany(
            "INSERT INTO annotator (id, name, created_at) VALUES (?, ?, '2026-01-01')",
            [(1, "ana"), (2, "ben"), (3, "chloe")],
        )
        connection.executemany(
            "INSERT INTO annotation (post_id, annotator_id, label_key, notes, sponsor, evidence,"
            " seconds_spent, created_at, updated_at) VALUES (?, ?, ?, '', '', '[]', 5,"
            " '2026-01-01', '2026-01-01')",
            (
                (post, who, keys[(post + who) % 3 if who == 3 else post % 3])
                for post in range(1, posts + 1, 10)
                for who in (1, 2, 3)
            ),
        )
    connection.close()
    return path


def timed(action, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    """The best of ``repeat`` runs: the sub-second ones are timed three times, so a
    module's first import or a cold page cache does not decide the ratio."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="build the project here and reuse it")
    args = parser.parse_args()
    from annotator.services.exports.exporting import ExportOptions, export_data
    from annotator.services.project.projects import open_project

    with tempfile.TemporaryDirectory() as name:
        folder = args.keep or Path(name)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "export.annotator"
        if not path.exists():
            build(folder, args.posts)
        project = open_project(path)
        out = Path(name)
        options = ExportOptions(manifest=False)
        ours = {
            suffix: timed(
                lambda s=suffix: export_data(project, out / f"ours{s}", options),
                repeat=1 if suffix == ".jsonl" else 3,
            )
            for suffix in (".parquet", ".csv", ".jsonl")
        }
        frame = pd.read_parquet(out / "ours.parquet")
        # The workbook holds an Annotations sheet too: the baseline writes the same rows.
        export_data(
            project, out / "notes.parquet", ExportOptions(what="annotations", manifest=False)
        )
        notes = pd.read_parquet(out / "notes.parquet")
        baseline = {
            ".csv": timed(lambda: frame.to_csv(out / "pd.csv", index=False), 3),
            ".jsonl": timed(
                lambda: frame.to_json(out / "pd.jsonl", orient="records", lines=True,
                                      force_ascii=False)
            ),
            ".parquet": timed(lambda: frame.to_parquet(out / "pd.parquet", index=False), 3),
        }  # fmt: skip

        # Also pandas from the database: read_sql of the posts (no labels even) plus the
        # write, what a script doing the export with pandas alone would pay.
        def pandas_from_sqlite() -> None:
            with sqlite3.connect(path) as connection:
                read = pd.read_sql_query(
                    "SELECT d.name AS dataset, p.external_id AS id, p.text, p.author,"
                    " p.created_at, p.platform, p.url, p.extra FROM post p"
                    " JOIN dataset d ON d.id = p.dataset_id ORDER BY p.id",
                    connection,
                )
            read.to_parquet(out / "from_sql.parquet", index=False)

        from_sql = timed(pandas_from_sqlite)

        # Where any export from the project file starts: the same post columns fetched
        # by Python's sqlite3, nothing written (no labels either).
        def bare_read() -> None:
            with sqlite3.connect(path) as connection:
                connection.execute(
                    "SELECT p.dataset_id, p.external_id, p.text, p.author, p.created_at,"
                    " p.platform, p.url, p.extra FROM post p ORDER BY p.id"
                ).fetchall()

        floor = timed(bare_read, 3)
        ours[".xlsx"] = timed(lambda: export_data(project, out / "ours.xlsx", options))

        def bare_openpyxl() -> None:
            workbook = Workbook(write_only=True)
            for name, table in (("Posts", frame), ("Annotations", notes)):
                sheet = workbook.create_sheet(name)
                sheet.append(list(table.columns))
                for row in table.itertuples(index=False, name=None):
                    sheet.append(list(row))
            workbook.save(out / "bare.xlsx")

        baseline[".xlsx"] = timed(bare_openpyxl)
        project.close()
    print(f"{len(frame):,} posts, {len(frame.columns)} columns; {len(notes):,} annotations")
    for suffix in (".csv", ".jsonl", ".parquet", ".xlsx"):
        base = "openpyxl write-only" if suffix == ".xlsx" else "pandas"
        print(
            f"{suffix:9} annotator {ours[suffix]:6.2f} s   {base} {baseline[suffix]:6.2f} s   "
            f"ratio {ours[suffix] / baseline[suffix]:.2f}"
        )
    print(
        f"parquet   annotator {ours['.parquet']:6.2f} s   pandas read_sql + to_parquet"
        f" {from_sql:6.2f} s   ratio {ours['.parquet'] / from_sql:.2f}"
    )
    print(
        f"floor     fetching the posts' columns with sqlite3 (no labels, nothing written)"
        f" {floor:6.2f} s = {floor / baseline['.parquet']:.2f}x pandas to_parquet"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run (pandas frame included): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
