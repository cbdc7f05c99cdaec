"""The labeling workspace on a 1,000,000-post project: start-up, keypress, search, memory.

    python benchmarks/workspace.py [--posts 1000000] [--presses 500]
    python benchmarks/workspace.py --posts 100000 \
        --url postgresql+psycopg://annotator:annotator@127.0.0.1:5432/postgres

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

    from annotator.services.imports.importing import import_dataset
    from annotator.services.project.projects import init_project

    source = folder / "posts.csv"
    make_csv(source, posts)
    path = folder / "million.annotator"
    project = init_project(target or path)
    import_dataset(project, source)
    project.close()
    source.unlink()
    return path


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
    for _ in range(presses):
        before = window.labeling.current_post_id
        started = time.perf_counter()
        QTest.keyClick(window, Qt.Key.Key_1)
        QApplication.processEvents()
        timings.append(time.perf_counter() - started)
        assert window.labeling.current_post_id != before
    timings.sort()

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
                "search_ms": search * 1000,
                "search_found": bool(found),
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
        result = run_app(str(project), args.presses)
        server = None
        if args.url:
            from child_runs import fresh_database

            with fresh_database(args.url) as url:
                build_project(folder, args.posts, url)
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
