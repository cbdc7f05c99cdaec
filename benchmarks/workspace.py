"""The labeling workspace on a 1,000,000-post project: start-up, keypress, search, memory.

    python benchmarks/workspace.py [--posts 1000000] [--presses 500]
    python benchmarks/workspace.py --posts 100000 \
        --url postgresql+psycopg://annotator:annotator@127.0.0.1:5432/postgres
    python benchmarks/workspace.py --posts 100000 --pictures

With ``--pictures`` the posts walked carry pictures (one to three photo-sized images
each, from a pool of 40 stored the way import stores them), and the time from a key to
the next post's first picture on screen is printed too: the keypress itself must not
wait for a picture (they are decoded by a worker), so its p95 should stay under 30 ms.

Builds (once, in a temporary folder) a project of generated tweet-like posts, then runs
the real app offscreen in a child process and prints:
- start-up: from launching the process to the first post shown;
- label keypress to the next post shown (key event, commit, queue step, repaint),
  median and 95th percentile over ``--presses`` presses;
- search: typing a query's Enter to the first result shown;
- peak RSS of the app process.

With ``--url`` (a PostgreSQL server where the user may create databases) the same posts
are also imported into a fresh database on that server and the app is run on it the
same way; both columns and the ratio PostgreSQL / SQLite are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from peak_memory import peak_rss_mib

HERE = Path(__file__).resolve().parent


def build_project(folder: Path, posts: int, target: str | None = None) -> Path:
    """The project in ``folder`` (or at the database URL ``target``)."""
    sys.path.insert(0, str(HERE))
    from import_rate import make_csv

    from annotator.services.clusters.clustering import find_clusters
    from annotator.services.imports.importing import import_dataset
    from annotator.services.project.projects import init_project

    source = folder / "posts.csv"
    make_csv(source, posts)
    path = folder / "million.annotator"
    project = init_project(target or path)
    import_dataset(project, source)
    # As the app does after an import: without clusters, the model's first training
    # would search for them while the keys are pressed (a slower, rarer case).
    find_clusters(project)
    project.close()
    source.unlink()
    return path


#: Distinct pictures in the ``--pictures`` variant (a post shows one to three of them).
PICTURE_POOL = 40


def _photo(seed: int) -> bytes:
    """A photo-like 2,000 x 1,500 JPEG: gradients, shapes and grain (not one flat colour,
    which would decode unrealistically fast)."""
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    size = (2000, 1500)
    base = Image.linear_gradient("L").resize(size).rotate(rng.randrange(360))
    tint = tuple(rng.randrange(80, 255) for _ in range(3))
    image = Image.merge("RGB", [base.point(lambda v, t=t: v * t // 255) for t in tint])
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        r = rng.randrange(60, 400)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    grain = Image.effect_noise(size, 24).convert("RGB")
    image = Image.blend(image, grain, 0.12)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def add_pictures(target: str, posts: int) -> None:
    """Give the next ``posts`` posts the app will walk one to three pictures each, as
    import stores them (a kept project has its first thousands labeled by earlier runs)."""
    from sqlalchemy import text

    from annotator.domain.media import STORED
    from annotator.services.media.images import prepare_image
    from annotator.services.project.projects import open_project
    from annotator.store.media import insert_images, insert_post_media

    project = open_project(target)
    with project.session() as session:
        labeled = session.execute(text("SELECT coalesce(max(post_id), 0) FROM annotation"))
        first = int(labeled.scalar_one()) + 1
    project.close()
    prepared = [prepare_image(_photo(seed)) for seed in range(PICTURE_POOL)]
    rows = [
        {
            "post_id": post_id,
            "position": position,
            "source_column": "image_name",
            "source": f"photo_{post_id}_{position}.jpg",
            "status": STORED,
            "image_sha256": prepared[(post_id * 7 + position) % PICTURE_POOL].sha256,
        }
        for post_id in range(first, first + posts)
        for position in range(1 + post_id % 3)
    ]
    project = open_project(target)
    try:
        with project.session() as session:
            insert_images(session.connection(), [image.row() for image in prepared])
            insert_post_media(session.connection(), rows)
    finally:
        project.close()


def _picture_shown(window: object) -> bool:
    large = window.labeling.pictures.large  # type: ignore[attr-defined]
    pixmap = large.pixmap()
    return pixmap is not None and not pixmap.isNull()


def child(project: str, launched: float, presses: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    settings_dir = tempfile.mkdtemp()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    from annotator.app import build_main_window

    window = build_main_window(project, "bench")
    QApplication.processEvents()
    shown = window.labeling.post_panel.text.toPlainText()
    startup = time.time() - launched
    assert shown, "no post shown"

    timings = []
    training: list[float] = []  # the presses made while a training ran
    for _ in range(presses):
        before = window.labeling.current_post_id
        was_training = window.model_training.running
        started = time.perf_counter()
        QTest.keyClick(window, Qt.Key.Key_1)
        QApplication.processEvents()
        timings.append(time.perf_counter() - started)
        if was_training:
            training.append(timings[-1])
        assert window.labeling.current_post_id != before
    timings.sort()
    training.sort()

    # With pictures: from the key to the next post's first picture on screen (waiting
    # for each, as a person looks at it before the next key).
    shown: list[float] = []
    paced: list[float] = []
    if window.labeling.pictures.items:
        for _ in range(min(presses, 100)):
            started = time.perf_counter()
            QTest.keyClick(window, Qt.Key.Key_1)
            QApplication.processEvents()
            paced.append(time.perf_counter() - started)
            while not _picture_shown(window):
                QTest.qWait(1)
                if time.perf_counter() - started > 10:
                    raise TimeoutError("the picture did not show")
            shown.append(time.perf_counter() - started)
        shown.sort()
        paced.sort()

    from annotator.store.navigation import QueueMode

    started = time.perf_counter()
    window.workspace.set_mode(QueueMode("search", "yuzu 999"))
    QApplication.processEvents()
    search = time.perf_counter() - started
    found = window.labeling.post_panel.text.toPlainText()
    window.close()
    print(
        json.dumps(
            {
                "startup_s": startup,
                "press_median_ms": statistics.median(timings) * 1000,
                "press_p95_ms": timings[int(0.95 * len(timings)) - 1] * 1000,
                "training_presses": len(training),
                "training_p95_ms": training[max(int(0.95 * len(training)) - 1, 0)] * 1000
                if training
                else 0.0,
                "search_ms": search * 1000,
                "search_found": bool(found),
                "picture_median_ms": statistics.median(shown) * 1000 if shown else 0.0,
                "picture_p95_ms": shown[int(0.95 * len(shown)) - 1] * 1000 if shown else 0.0,
                "paced_p95_ms": paced[int(0.95 * len(paced)) - 1] * 1000 if paced else 0.0,
                "peak_rss_mib": peak_rss_mib(),
            }
        )
    )


def run_app(project: str, presses: int) -> dict[str, float]:
    """The app on ``project`` in a child process, timed from its launch."""
    launched = time.time()
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--presses",
            str(presses),
            "--child",
            project,
            str(launched),
        ],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    if output.returncode != 0:
        sys.exit(f"the app failed:\n{output.stderr[-3000:]}")
    return dict(json.loads(output.stdout.strip().splitlines()[-1]))


def _print(result: dict[str, float], presses: int) -> None:
    print(f"start-up to first post:      {result['startup_s']:.2f} s")
    print(
        f"label key to next post:      median {result['press_median_ms']:.1f} ms, "
        f"p95 {result['press_p95_ms']:.1f} ms over {presses} presses"
    )
    print(
        f"  of which while the model trained: {result.get('training_presses', 0)}, "
        f"p95 {result.get('training_p95_ms', 0.0):.1f} ms"
    )
    if result.get("picture_p95_ms"):
        print(
            f"label key to its picture:    median {result['picture_median_ms']:.1f} ms, "
            f"p95 {result['picture_p95_ms']:.1f} ms (decoded off the GUI thread)"
        )
        print(
            f"label key, picture shown:    p95 {result['paced_p95_ms']:.1f} ms (each key "
            "pressed once the previous post's picture showed)"
        )
    print(f"search to first result:      {result['search_ms']:.0f} ms")
    print(f"peak RSS of the app:         {result['peak_rss_mib']:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--presses", type=int, default=500)
    parser.add_argument("--child", nargs=2, metavar=("PROJECT", "LAUNCHED"))
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="build the project here and reuse it next time"
    )
    parser.add_argument("--url", help="a PostgreSQL server URL: also run on a fresh database")
    parser.add_argument(
        "--pictures", action="store_true", help="the posts walked carry pictures (issue 20)"
    )
    args = parser.parse_args()
    if args.child:
        child(args.child[0], float(args.child[1]), args.presses)
        return
    with tempfile.TemporaryDirectory() as name:
        folder = args.keep or Path(name)
        folder.mkdir(parents=True, exist_ok=True)
        project = folder / "million.annotator"
        if not project.exists():
            started = time.perf_counter()
            build_project(folder, args.posts)
            print(f"built {args.posts:,}-post project in {time.perf_counter() - started:.1f} s")
        if args.pictures:
            started = time.perf_counter()
            add_pictures(str(project), min(args.posts, args.presses * 2 + 200))
            print(f"added pictures in {time.perf_counter() - started:.1f} s")
        result = run_app(str(project), args.presses)
        server = None
        if args.url:
            from child_runs import fresh_database

            with fresh_database(args.url) as url:
                build_project(folder, args.posts, url)
                if args.pictures:
                    add_pictures(url, min(args.posts, args.presses * 2 + 200))
                server = run_app(url, args.presses)
    print("SQLite:" if server else "", end="\n" if server else "")
    _print(result, args.presses)
    if server is not None:
        print("PostgreSQL:")
        _print(server, args.presses)
        for key, label in (
            ("startup_s", "launch (s)"),
            ("press_p95_ms", "keypress p95 (ms)"),
            ("search_ms", "search (ms)"),
        ):
            print(
                f"{label:20} SQLite {result[key]:8.2f}   PostgreSQL {server[key]:8.2f}   "
                f"ratio PostgreSQL/SQLite {server[key] / result[key]:.2f}"
            )


if __name__ == "__main__":
    main()
