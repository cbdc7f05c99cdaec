"""Label import speed: `annotator import-labels` against raw sqlite3, measured in the same run.

Builds a project of ``--posts`` posts and a long-format label file with one label per post
by each of two annotators, then times, each in its own process on its own copy of the
project: the import-labels service (reading, checking every row, writing annotations and
history), and the physical baseline the issue names: pandas reading the same file plus
raw ``sqlite3`` ``executemany`` of the same rows into the same ``annotation`` table.
Prints labels/s and the ratios to the whole baseline and to its executemany alone.

With ``--url`` (a PostgreSQL server where the user may create databases) the same posts
are also imported into a fresh database on that server and the same label file imported
there; the ratio PostgreSQL / annotator on SQLite of the same run is printed. The
baseline stays raw ``sqlite3``.

    python benchmarks/label_import.py --posts 100000
    python benchmarks/label_import.py --posts 100000 \
        --url postgresql+psycopg://annotator:annotator@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from child_runs import child, fresh_database, ratio_line, report

ANNOTATORS = ("ana", "ben")
LABELS = ("not_sponsored", "Sponsored disclosed", "sponsored_undisclosed")


def make_posts(path: Path, posts: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "author"])
        for i in range(posts):
            writer.writerow([str(1229871234567890123 + i), f"Loving this serum #ad ({i})", "u"])


def make_labels(path: Path, posts: int) -> int:
    """One label per post by each annotator; every seventh has a note and a sponsor."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["post_id", "annotator", "label", "notes", "sponsor"])
        for who, shift in zip(ANNOTATORS, (0, 1), strict=True):
            for i in range(posts):
                note = ("says #ad up front", "GlowCo") if i % 7 == 0 else ("", "")
                label = LABELS[(i + shift) % len(LABELS)]
                writer.writerow([str(1229871234567890123 + i), who, label, *note])
    return posts * len(ANNOTATORS)


def build_project(folder: Path, posts: int) -> Path:
    make_posts(folder / "posts.csv", posts)
    build_project_at(folder / "base.annotator", folder / "posts.csv")
    return folder / "base.annotator"


def build_project_at(target: str | Path, posts_csv: Path) -> None:
    """A project at ``target`` (a file or a database URL) holding the posts of ``posts_csv``."""
    from annotator.services.imports.importing import import_dataset
    from annotator.services.project.projects import init_project

    project = init_project(target)
    import_dataset(project, posts_csv)
    project.close()


def run_baseline(project: Path, labels: Path) -> None:
    import pandas as pd

    keys = {"Sponsored disclosed": "sponsored_disclosed"}
    started = time.perf_counter()
    frame = pd.read_csv(labels, dtype=str, keep_default_na=False)
    connection = sqlite3.connect(project)
    posts = dict(connection.execute("SELECT external_id, id FROM post"))
    who = {}
    for name in ANNOTATORS:
        cursor = connection.execute(
            "INSERT INTO annotator (name, created_at) VALUES (?, ?)", (name, _now())
        )
        who[name] = cursor.lastrowid
    now = _now()
    rows = (
        (posts[post], who[name], keys.get(label, label), notes, sponsor, "[]", 0.0, now, now)
        for post, name, label, notes, sponsor in zip(
            frame["post_id"],
            frame["annotator"],
            frame["label"],
            frame["notes"],
            frame["sponsor"],
            strict=True,
        )
    )
    inserting = time.perf_counter()
    with connection:
        connection.executemany(
            "INSERT INTO annotation (post_id, annotator_id, label_key, notes, sponsor, evidence,"
            " seconds_spent, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    done = time.perf_counter()
    (count,) = connection.execute("SELECT count(*) FROM annotation").fetchone()
    connection.close()
    _report(done - started, int(count), insert_seconds=done - inserting)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def run_annotator(project: str, labels: Path) -> None:
    from annotator.services.imports.label_import import import_labels
    from annotator.services.project.projects import open_project

    opened = open_project(project)
    started = time.perf_counter()
    report = import_labels(opened, labels)
    elapsed = time.perf_counter() - started
    opened.close()
    _report(elapsed, report.added)


def _report(seconds: float, labels: int, insert_seconds: float | None = None) -> None:
    report(seconds=seconds, labels=labels, insert_seconds=insert_seconds)


def _child(side: str, project: str | Path, labels: Path) -> dict[str, float]:
    return child(__file__, "--side", side, "--project", project, "--labels", labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--side", choices=["baseline", "annotator"])
    parser.add_argument("--project", help="a project file, or a database URL (annotator side)")
    parser.add_argument("--labels", type=Path)
    parser.add_argument("--url", help="a PostgreSQL server URL: also run on a fresh database")
    args = parser.parse_args()
    if args.side == "baseline":
        run_baseline(Path(args.project), args.labels)
        return
    if args.side == "annotator":
        run_annotator(args.project, args.labels)
        return
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        base = build_project(folder, args.posts)
        labels = folder / "labels.csv"
        expected = make_labels(labels, args.posts)
        shutil.copy(base, folder / "raw.annotator")
        shutil.copy(base, folder / "ours.annotator")
        baseline = _child("baseline", folder / "raw.annotator", labels)
        ours = _child("annotator", folder / "ours.annotator", labels)
        server = None
        if args.url:
            with fresh_database(args.url) as url:
                build_project_at(url, folder / "posts.csv")
                server = _child("annotator", url, labels)
    assert baseline["labels"] == ours["labels"] == expected, (baseline, ours)
    assert server is None or server["labels"] == expected, server
    print(f"project: {args.posts:,} posts; file: {expected:,} labels by {len(ANNOTATORS)}")
    for label, result in (
        ("pandas + raw sqlite3 executemany", baseline),
        ("annotator import-labels", ours),
    ):
        rate = result["labels"] / result["seconds"]
        print(f"{label:34} {rate:>10,.0f} labels/s  {result['seconds']:6.2f} s")
    insert = baseline["insert_seconds"]
    alone = "of which raw executemany alone"
    print(f"{alone:34} {expected / insert:>10,.0f} labels/s  {insert:6.2f} s")
    print(f"ratio (annotator time / baseline time): {ours['seconds'] / baseline['seconds']:.2f}")
    print(f"ratio (annotator time / executemany alone): {ours['seconds'] / insert:.2f}")
    if server is not None:
        rate = server["labels"] / server["seconds"]
        label = "annotator import-labels, PostgreSQL"
        print(f"{label:34} {rate:>10,.0f} labels/s  {server['seconds']:6.2f} s")
        print(ratio_line("label import", ours["seconds"], server["seconds"]))


if __name__ == "__main__":
    main()
