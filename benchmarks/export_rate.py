"""Export speed against pandas and openpyxl writing the same rows, in the same run.

    python benchmarks/export_rate.py [--posts 1000000] [--xlsx-posts 1000000]

Builds a project of tweet-like posts with three annotators' labels on a tenth of them,
then for CSV, JSON Lines and Parquet times ``annotator export`` against pandas writing
the identical frame (read back from our own Parquet export) directly (CSV and Parquet:
the best of three runs, each side); for xlsx against a bare openpyxl write-only loop
appending the same rows (the Posts sheet's and the Annotations sheet's, as the workbook
holds both). Also the floor of any export from the project file: fetching the posts'
columns with sqlite3, nothing else. Peak memory is reported too.

With ``--url`` (a PostgreSQL server where the user may create databases) the same project
is also built in a fresh database on that server and each export timed there the same
way; the ratio PostgreSQL / annotator on SQLite of the same run is printed. The pandas,
openpyxl and sqlite3 baselines stay as they are.

    python benchmarks/export_rate.py --posts 100000 \
        --url postgresql+psycopg://annotator:annotator@127.0.0.1:5432/postgres
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
sys.path.insert(0, str(HERE))

from child_runs import ratio_line  # noqa: E402


def build(folder: Path, posts: int, target: str | None = None) -> Path:
    """The project in ``folder`` (or at the database URL ``target``): imported posts and
    three annotators' labels on a tenth of them, written below the services."""
    sys.path.insert(0, str(HERE))
    from child_runs import copy_into
    from import_rate import make_csv

    from annotator.services.imports.importing import import_dataset
    from annotator.services.project.projects import init_project

    source = folder / "posts.csv"
    if not source.exists():
        make_csv(source, posts)
    path = folder / "export.annotator"
    project = init_project(target or path)
    import_dataset(project, source)
    project.close()
    people = [(1, "ana", "2026-01-01"), (2, "ben", "2026-01-01"), (3, "chloe", "2026-01-01")]
    labels = [
        (post, who, _label_of(post, who), "", "", "[]", 5, "2026-01-01", "2026-01-01")
        for post in range(1, posts + 1, 10)
        for who in (1, 2, 3)
    ]
    if target is not None:
        copy_into(target, "annotator", ["id", "name", "created_at"], people)
        copy_into(target, "annotation", list(_ANNOTATION_COLUMNS), labels)
        return path
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO annotator (id, name, created_at) VALUES (?, ?, ?)", people
        )
        connection.executemany(
            f"INSERT INTO annotation ({', '.join(_ANNOTATION_COLUMNS)})"
            f" VALUES ({', '.join('?' * len(_ANNOTATION_COLUMNS))})",
            labels,
        )
    connection.close()
    return path


_ANNOTATION_COLUMNS = (
    "post_id", "annotator_id", "label_key", "notes", "sponsor", "evidence",
    "seconds_spent", "created_at", "updated_at",
)  # fmt: skip


def _label_of(post: int, who: int) -> str:
    keys = ["not_sponsored", "sponsored_disclosed", "sponsored_undisclosed"]
    return keys[(post + who) % 3 if who == 3 else post % 3]


def timed(action, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    """The best of ``repeat`` runs: the sub-second ones are timed three times, so a
    module's first import or a cold page cache does not decide the ratio."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def _server_exports(folder: Path, posts: int, server_url: str, out: Path) -> dict[str, float]:
    """The same exports, timed the same way, from the same project on a fresh database."""
    from child_runs import fresh_database

    from annotator.services.exports.exporting import ExportOptions, export_data
    from annotator.services.project.projects import open_project

    options = ExportOptions(manifest=False)
    with fresh_database(server_url) as url:
        build(folder, posts, url)
        project = open_project(url)
        times = {
            suffix: timed(
                lambda s=suffix: export_data(project, out / f"server{s}", options),
                repeat=1 if suffix in (".jsonl", ".xlsx") else 3,
            )
            for suffix in (".parquet", ".csv", ".jsonl", ".xlsx")
        }
        project.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="build the project here and reuse it")
    parser.add_argument("--url", help="a PostgreSQL server URL: also export from a fresh database")
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
        server = _server_exports(folder, args.posts, args.url, out) if args.url else None
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
    if server is not None:
        for suffix in (".csv", ".jsonl", ".parquet", ".xlsx"):
            print(ratio_line(f"export {suffix}", ours[suffix], server[suffix]))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run (pandas frame included): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
