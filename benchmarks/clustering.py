"""Finding clusters in 1,000,000 tweet-like posts: time and peak memory.

    python benchmarks/clustering.py [--posts 1000000]

80% organic posts (random words) and 20% copies of 2,000 talking points, a third of the
copies with one word changed and a third pasted with a link, a mention and an emoji.
Prints the time for grouping identical texts alone and for the whole clustering.

With ``--url`` (a PostgreSQL server where the user may create databases) the same posts
are also written into a fresh database on that server and both measures repeated there.

    python benchmarks/clustering.py --posts 100000 \
        --url postgresql+psycopg://annotator:annotator@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from child_runs import copy_into, fresh_database
from peak_memory import peak_rss_mib

from annotator.domain.text_similarity import normalise
from annotator.services.clusters.clustering import find_clusters, list_clusters
from annotator.services.project.projects import init_project, open_project

VOCABULARY = [f"w{i}" for i in range(5000)]


def build(path: Path | str, posts: int, seed: int = 3) -> None:
    """The posts in a project at ``path`` (a file, or a database URL)."""
    rng = random.Random(seed)
    scripts = [" ".join(rng.choices(VOCABULARY, k=25)) for _ in range(2000)]
    init_project(path).close()
    rows = []
    for i in range(posts):
        if rng.random() < 0.2:
            words = rng.choice(scripts).split()
            kind = i % 3
            if kind == 1:
                words[rng.randrange(len(words))] = rng.choice(VOCABULARY)
            text = " ".join(words)
            if kind == 2:
                text = f"@fan{i} {text} 👍🏽 https://t.co/{i}"
        else:
            text = " ".join(rng.choices(VOCABULARY, k=rng.randint(8, 30)))
        rows.append((i + 1, str(i), text, f"user{rng.randrange(200_000)}", "2020-02-14"))
    if isinstance(path, str):
        copy_into(
            path,
            "dataset",
            ["id", "name", "source_name", "source_sha256", "imported_at", "column_mapping"],
            [(1, "sim", "sim.csv", "", "2026-01-01", "{}")],
        )
        copy_into(
            path,
            "post",
            ["id", "dataset_id", "external_id", "text", "author", "created_at", "extra",
             "content_hash"],
            ((i, 1, e, t, a, c, "{}", "") for i, e, t, a, c in rows),
        )  # fmt: skip
        return
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "INSERT INTO dataset (id, name, source_name, source_sha256, imported_at,"
            " column_mapping) VALUES (1, 'sim', 'sim.csv', '', '2026-01-01', '{}')"
        )
        connection.executemany(
            "INSERT INTO post (id, dataset_id, external_id, text, author, created_at, extra,"
            " content_hash) VALUES (?, 1, ?, ?, ?, ?, '{}', '')",
            rows,
        )
    connection.close()


def measure_exact(path: str) -> None:
    """Grouping identical texts alone (read + normalise + hash), in its own process."""
    project = open_project(path)
    started = time.perf_counter()
    with project.engine.connect() as connection:
        exact = len({normalise(t) for (t,) in connection.exec_driver_sql("SELECT text FROM post")})
    project.close()
    print(f"{exact:,} distinct normalised texts")
    print(f"grouping identical texts alone: {time.perf_counter() - started:.1f} s")


def measure(path: str) -> None:
    """In a process of its own, so its peak memory is the clustering's alone."""
    project = open_project(path)
    started = time.perf_counter()
    count = find_clusters(project)
    seconds = time.perf_counter() - started
    biggest = list_clusters(project)[:1]
    project.close()
    peak = peak_rss_mib()
    print(f"whole clustering (exact + MinHash LSH, stored): {seconds:.1f} s, {count:,} groups")
    if biggest:
        print(f"biggest group: {biggest[0].size:,} posts by {biggest[0].authors:,} accounts")
    print(f"peak RSS of the clustering process: {peak:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--measure-exact", help=argparse.SUPPRESS)
    parser.add_argument("--url", help="a PostgreSQL server URL: also run on a fresh database")
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    if args.measure_exact:
        measure_exact(args.measure_exact)
        return
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "clusters.annotator"
        build(path, args.posts)
        print(f"{args.posts:,} posts")
        for flag in ("--measure-exact", "--measure"):
            subprocess.run([sys.executable, __file__, flag, str(path)], check=True)
    if args.url:
        with fresh_database(args.url) as url:
            build(url, args.posts)
            print("PostgreSQL:")
            for flag in ("--measure-exact", "--measure"):
                subprocess.run([sys.executable, __file__, flag, url], check=True)


if __name__ == "__main__":
    main()
