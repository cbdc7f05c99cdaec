"""Take the README's screenshots of the real windows on the sample project.

Run through `make screenshot` (under Xvfb when available). It works on a copy of the
demo project, so the screenshots never change anyone's labels.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog

from annotator.app import build_main_window
from annotator.services.clusters.clustering import find_clusters
from annotator.services.project.projects import open_project
from annotator.store.navigation import QueueMode

DISCLOSED_POST = "Paid for by"
SAMPLE_TWEETS = Path(__file__).resolve().parent.parent / "datasets" / "sample_tweets.jsonl"


def _wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    """Let background work finish (the review is computed off the GUI thread)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not finish in time")
        QTest.qWait(50)


def main(project: Path, out_dir: Path) -> int:
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        copy = Path(folder) / project.name
        shutil.copy(project, copy)
        opened = open_project(copy)
        find_clusters(opened)  # a demo built by an older `annotator sample` has none yet
        opened.close()
        window = build_main_window(str(copy), "ana")
        window.resize(1280, 780)
        view = window.labeling
        window.workspace.set_mode(QueueMode("search", "manufacturing jobs"))
        queue = view.queue
        assert queue is not None
        post = queue.current_post()
        assert post is not None
        start = post.text.find(DISCLOSED_POST)
        if start >= 0:
            view.post_panel.select(start, start + len(DISCLOSED_POST))
            view.add_evidence_from_selection()
        view.label_panel.sponsor.setText("GlowLab")
        QApplication.processEvents()
        window.grab().save(str(out_dir / "main-window.png"))
        window.workspace.set_mode(QueueMode("all"))
        QApplication.processEvents()
        window.grab().save(str(out_dir / "codebook-panel.png"))
        window.tabs.setCurrentIndex(1)
        QApplication.processEvents()
        window.grab().save(str(out_dir / "browse-tab.png"))
        window.tabs.setCurrentIndex(2)
        _wait_for(lambda: window.review.report is not None)
        window.grab().save(str(out_dir / "review-tab.png"))
        window.review.pages.setCurrentIndex(1)
        _wait_for(lambda: window.review.disagreements.model.rowCount() > 0)
        first = window.review.disagreements.model.post_id(0)
        window.review.open_disagreement(first)
        QApplication.processEvents()
        window.grab().save(str(out_dir / "adjudication.png"))
        window.tabs.setCurrentIndex(3)
        _wait_for(lambda: window.clusters.model.rowCount() > 1)
        window.clusters.view.selectRow(1)  # an afternoon's burst, counted per hour
        QApplication.processEvents()
        window.grab().save(str(out_dir / "clusters-tab.png"))
        window.tabs.setCurrentIndex(0)
        window.show_help()
        QApplication.processEvents()
        for dialog in window.findChildren(QDialog):
            if dialog.windowTitle() == "Keys":
                dialog.grab().save(str(out_dir / "keys-overlay.png"))
                dialog.close()
        # The lead's dialogs, for docs/lead-guide.md.
        importing = window.file_jobs.open_import_dialog(SAMPLE_TWEETS)
        importing.resize(1100, 720)
        _wait_for(lambda: importing.table.model() is not None
                  and importing.table.model().rowCount() > 0)  # fmt: skip
        QTest.qWait(200)
        importing.grab().save(str(out_dir / "import-dialog.png"))
        importing.reject()
        exporting = window.file_jobs.choose_export()
        assert exporting is not None
        QApplication.processEvents()
        exporting.grab().save(str(out_dir / "export-dialog.png"))
        exporting.reject()
        assigning = window.project_menu.assign_posts_dialog()
        assert assigning is not None
        QApplication.processEvents()
        assigning.grab().save(str(out_dir / "assign-dialog.png"))
        assigning.reject()
        about = window.first_run.show_about()
        QApplication.processEvents()
        about.grab().save(str(out_dir / "about.png"))
        about.close()
        window.first_run.close_project()  # the welcome page, with this project as recent
        QApplication.processEvents()
        window.grab().save(str(out_dir / "welcome.png"))
        tour = window.first_run.show_tour()
        QApplication.processEvents()
        tour.grab().save(str(out_dir / "tour.png"))
        tour.close()
        window.close()
    print(f"Wrote screenshots to {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
