"""Pack and merge speed: `annotator pack` and `annotator merge` against raw sqlite3.

Builds a project of ``--posts`` posts with one label per post by each of two annotators
(ana and ben), assigns ana every other post, then times, each in its own process:

- **pack**: ana's package from the service (checks, posts, assignments, history, marks,
  annotations, search index), against the physical baseline the issue names: a fresh file
  with the same schema, ``ATTACH`` of the project and ``INSERT ... SELECT`` of the same
  posts, assignments, events and annotations (plus the same search index).
- **merge**: a package in which ana changed ``--changes`` labels (written by the labeling
  service inside the package) merged back by the service (every row checked, texts
  hashed, events applied once, annotations rebuilt), against ``ATTACH`` of the package and
  raw ``INSERT ... SELECT`` of the new events plus ``INSERT OR REPLACE`` of the changed
  annotations.

Prints seconds and the ratio service / baseline for each.

With ``--images N`` the first N posts each show one picture (two posts share each image,
as copy-paste campaigns do; the images are made with Pillow before the clock starts):
pack then also carries ana's posts' ``post_media`` rows and each of their images once,
and the raw pack copies the same rows; merge also checks every picture of the package
against the project's (byte comparison of each image, none taken), which the raw merge
does not do.

With ``--url`` (a PostgreSQL server where the user may create databases) the same project
is also built in a fresh database on that server, and pack and merge run there too (the
package itself is always a file); the ratio PostgreSQL / annotator on SQLite of the same
run is printed. The baselines stay raw ``sqlite3``: ``ATTACH`` only exists in SQLite.

    python benchmarks/team_flows.py --posts 100000 --changes 10000
    python benchmarks/team_flows.py --posts 10000 --changes 1000 --images 2000
    python benchmarks/team_flows.py --posts 100000 --changes 10000 \
        --url postgresql+psycopg://annotator:annotator@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import io
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.services.project.projects import Project

sys.path.insert(0, str(Path(__file__).resolve().parent))

from child_runs import child, fresh_database, ratio_line, report
from label_import import build_project_at, make_labels, make_posts

ANNOTATOR = "ana"


def prepare(
    folder: Path, posts: int, changes: int, base: str | Path, package_path: Path, images: int = 0
) -> None:
    """The project at ``base`` (a file or a database URL; labels by ana and ben, half the
    posts assigned to ana, the first ``images`` posts with a picture each) and a package
    of ana's at ``package_path`` in which ``changes`` labels were changed."""
    from annotator.domain.records import AnnotationChange
    from annotator.services.imports.label_import import import_labels
    from annotator.services.project.projects import open_project
    from annotator.services.team.assignment import assign_posts
    from annotator.services.team.packing import pack
    from annotator.store.bulk_annotations import apply_annotation_changes

    if not (folder / "posts.csv").exists():
        make_posts(folder / "posts.csv", posts)
        make_labels(folder / "labels.csv", posts)
    build_project_at(base, folder / "posts.csv")
    project = open_project(base)
    import_labels(project, folder / "labels.csv")
    add_pictures(project, images)
    assign_posts(project, [ANNOTATOR, "ben"], per_post=1, seed=1)
    project.close()
    project = open_project(base)
    pack(project, package_path, annotator=ANNOTATOR)
    project.close()
    package = open_project(package_path)
    with package.session() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT post_id, label_key FROM annotation ORDER BY post_id LIMIT ?", (changes,)
        )
        batch = [
            AnnotationChange(
                post_id=post_id,
                annotator=ANNOTATOR,
                label_key="not_sponsored" if key != "not_sponsored" else "sponsored_disclosed",
                notes="changed offline",
            )
            for post_id, key in rows
        ]
        apply_annotation_changes(session, batch)
    package.close()


def add_pictures(project: Project, count: int) -> None:
    """One picture on each of the first ``count`` posts, each image shown by two posts:
    640 x 480 of smoothed noise (a display copy of some 50 kB, about a photo's), stored
    as the import stores them."""
    from PIL import Image

    from annotator.services.media.images import prepare_image
    from annotator.store.media import insert_images, insert_post_media

    if not count:
        return
    distinct = max(1, count // 2)
    images = []
    for n in range(distinct):
        buffer = io.BytesIO()
        noise = Image.effect_noise((160, 120), 40 + n % 50).convert("RGB").resize((640, 480))
        noise.putpixel((n % 640, n // 640 % 480), (n % 256, 0, 0))  # each one distinct
        noise.save(buffer, "JPEG", quality=85)
        images.append(prepare_image(buffer.getvalue()))
    with project.session() as session:
        connection = session.connection()
        ids = [
            post_id
            for (post_id,) in connection.exec_driver_sql(
                f"SELECT id FROM post ORDER BY id LIMIT {int(count)}"
            )
        ]
        insert_images(connection, [image.row() for image in images])
        rows = [
            {"post_id": post_id, "position": 0, "source_column": "image_url",
             "source": f"images/{n % distinct}.jpg", "status": "stored",
             "image_sha256": images[n % distinct].sha256}
            for n, post_id in enumerate(ids)
        ]  # fmt: skip
        insert_post_media(connection, rows)


def run_pack(project: str, out: Path) -> None:
    from annotator.services.project.projects import open_project
    from annotator.services.team.packing import pack

    opened = open_project(project)
    started = time.perf_counter()
    posts = pack(opened, out, annotator=ANNOTATOR)
    elapsed = time.perf_counter() - started
    opened.close()
    _report(elapsed, posts)


def run_pack_baseline(project: Path, out: Path) -> None:
    """The same rows by ATTACH + INSERT ... SELECT into an empty file of the same schema
    (the schema file is made before the clock starts)."""
    connection = sqlite3.connect(out, isolation_level=None)
    started = time.perf_counter()
    connection.execute("ATTACH DATABASE ? AS src", (str(project),))
    connection.execute("BEGIN")
    (who,) = connection.execute(
        "SELECT id FROM src.annotator WHERE name = ?", (ANNOTATOR,)
    ).fetchone()
    connection.execute("INSERT INTO annotator SELECT * FROM src.annotator WHERE id = ?", (who,))
    connection.execute("INSERT INTO dataset SELECT * FROM src.dataset")
    connection.execute(
        "INSERT INTO post SELECT p.* FROM src.post p JOIN src.assignment a ON a.post_id = p.id "
        "WHERE a.annotator_id = ?",
        (who,),
    )
    connection.execute(
        "INSERT INTO assignment SELECT * FROM src.assignment WHERE annotator_id = ?", (who,)
    )
    for table in ("annotation_event", "annotation"):
        connection.execute(
            f"INSERT INTO {table} SELECT t.* FROM src.{table} t JOIN src.assignment a "
            "ON a.post_id = t.post_id AND a.annotator_id = t.annotator_id "
            "WHERE t.annotator_id = ?",
            (who,),
        )
    connection.execute(
        "INSERT INTO post_media SELECT m.* FROM src.post_media m JOIN src.assignment a "
        "ON a.post_id = m.post_id WHERE a.annotator_id = ?",
        (who,),
    )
    connection.execute(
        "INSERT INTO media_image SELECT * FROM src.media_image WHERE sha256 IN "
        "(SELECT image_sha256 FROM post_media)"
    )
    connection.execute("INSERT INTO post_search(rowid, text, author) SELECT id, text, author "
                       "FROM post")  # fmt: skip
    connection.execute("COMMIT")
    connection.execute("DETACH DATABASE src")
    elapsed = time.perf_counter() - started
    (posts,) = connection.execute("SELECT count(*) FROM post").fetchone()
    connection.close()
    _report(elapsed, int(posts))


def run_merge(project: str, package: Path) -> None:
    from annotator.services.project.projects import open_project
    from annotator.services.team.packages import merge

    opened = open_project(project)
    started = time.perf_counter()
    report = merge(opened, package)
    elapsed = time.perf_counter() - started
    opened.close()
    _report(elapsed, report.annotations_updated)


def run_merge_baseline(project: Path, package: Path) -> None:
    """New events copied by uid, changed annotations replaced, both straight from the
    attached package (package post ids equal the project's in this benchmark's data only
    through external ids, so the join goes through them as merge does)."""
    connection = sqlite3.connect(project, isolation_level=None)
    started = time.perf_counter()
    connection.execute("ATTACH DATABASE ? AS pkg", (str(package),))
    connection.execute("BEGIN")
    (who,) = connection.execute("SELECT id FROM annotator WHERE name = ?", (ANNOTATOR,)).fetchone()
    connection.execute(
        "CREATE TEMP TABLE post_map AS SELECT pp.id AS package_id, p.id AS project_id "
        "FROM pkg.post pp JOIN pkg.dataset pd ON pd.id = pp.dataset_id "
        "JOIN dataset d ON d.name = pd.name "
        "JOIN post p ON p.dataset_id = d.id AND p.external_id = pp.external_id"
    )
    connection.execute(
        "INSERT INTO annotation_event (uid, post_id, annotator_id, action, label_key, "
        "previous_label_key, notes, sponsor, evidence, seconds_spent, at) "
        "SELECT e.uid, m.project_id, ?, e.action, e.label_key, e.previous_label_key, e.notes, "
        "e.sponsor, e.evidence, e.seconds_spent, e.at FROM pkg.annotation_event e "
        "JOIN post_map m ON m.package_id = e.post_id "
        "WHERE e.uid NOT IN (SELECT uid FROM annotation_event) ORDER BY e.id",
        (who,),
    )
    cursor = connection.execute(
        "UPDATE annotation SET label_key = a.label_key, notes = a.notes, sponsor = a.sponsor, "
        "evidence = a.evidence, seconds_spent = a.seconds_spent, updated_at = a.updated_at "
        "FROM pkg.annotation a JOIN post_map m ON m.package_id = a.post_id "
        "WHERE annotation.post_id = m.project_id AND annotation.annotator_id = ? "
        "AND (annotation.label_key IS NOT a.label_key OR annotation.notes IS NOT a.notes)",
        (who,),
    )
    updated = cursor.rowcount
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    _report(elapsed, updated)


def _report(seconds: float, rows: int) -> None:
    report(seconds=seconds, rows=rows)


def _child(side: str, first: str | Path, second: Path) -> dict[str, float]:
    return child(__file__, "--side", side, first, second)


def _empty_package_file(project: Path, out: Path) -> None:
    """An empty file with the project's schema (tables, indexes, search index)."""
    source = sqlite3.connect(project)
    statements = [
        sql
        for (sql,) in source.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'post_search_%'"
            " ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END"
        )
    ]
    source.close()
    target = sqlite3.connect(out)
    target.execute("PRAGMA journal_mode=WAL")
    for sql in statements:
        target.execute(sql)
    target.commit()
    target.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=0, help="posts with a picture each")
    parser.add_argument("--side", choices=["pack", "pack-raw", "merge", "merge-raw"])
    parser.add_argument("paths", nargs="*", help="the side's project (file or URL) and file")
    parser.add_argument("--url", help="a PostgreSQL server URL: also run on a fresh database")
    args = parser.parse_args()
    if args.side is not None:
        sides = {
            "pack": run_pack,
            "pack-raw": run_pack_baseline,
            "merge": run_merge,
            "merge-raw": run_merge_baseline,
        }
        first, second = args.paths
        sides[args.side](first if "://" in first else Path(first), Path(second))
        return
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        base, package = folder / "base.annotator", folder / "changed.pkg"
        prepare(folder, args.posts, args.changes, base, package, args.images)
        _empty_package_file(base, folder / "raw.pkg")
        raw_pack = _child("pack-raw", base, folder / "raw.pkg")
        ours_pack = _child("pack", base, folder / "ours.pkg")
        package_megabytes = (folder / "ours.pkg").stat().st_size / 1e6
        shutil.copy(base, folder / "raw.annotator")
        raw_merge = _child("merge-raw", folder / "raw.annotator", package)
        ours_merge = _child("merge", base, package)
        server = None
        if args.url:
            with fresh_database(args.url) as url:
                prepare(
                    folder, args.posts, args.changes, url, folder / "changed-pg.pkg", args.images
                )
                server = (
                    _child("pack", url, folder / "ours-pg.pkg"),
                    _child("merge", url, folder / "changed-pg.pkg"),
                )
    assert raw_pack["rows"] == ours_pack["rows"], (raw_pack, ours_pack)
    assert raw_merge["rows"] == ours_merge["rows"] == args.changes, (raw_merge, ours_merge)
    print(
        f"project: {args.posts:,} posts, {2 * args.posts:,} labels; "
        f"package: {int(ours_pack['rows']):,} posts; merge: {args.changes:,} changed labels"
    )
    if args.images:
        print(f"pictures: {args.images:,} posts with one each, {max(1, args.images // 2):,} "
              f"distinct images; package {package_megabytes:.1f} MB")  # fmt: skip
    for flow, raw, ours in (("pack", raw_pack, ours_pack), ("merge", raw_merge, ours_merge)):
        print(
            f"{flow:6} annotator {ours['seconds']:7.2f} s   raw sqlite3 {raw['seconds']:6.2f} s"
            f"   ratio {ours['seconds'] / raw['seconds']:.2f}"
        )
    if server is not None:
        assert server[0]["rows"] == ours_pack["rows"], server
        assert server[1]["rows"] == args.changes, server
        print(ratio_line("pack", ours_pack["seconds"], server[0]["seconds"]))
        print(ratio_line("merge", ours_merge["seconds"], server[1]["seconds"]))


if __name__ == "__main__":
    main()
