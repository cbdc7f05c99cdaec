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

from PySide6.QtCore import QSettings, QSize
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from sample_pictures import add_sample_pictures
from sqlalchemy import select

from annotator.app import build_main_window
from annotator.domain.changes import Change, changes
from annotator.services.clusters.clustering import find_clusters
from annotator.services.project.projects import open_project
from annotator.store.navigation import QueueMode
from annotator.store.tables import Post
from annotator.ui.main_window import MainWindow

DISCLOSED_POST = "Paid for by"
SAMPLE_TWEETS = Path(__file__).resolve().parent.parent / "datasets" / "sample_tweets.jsonl"


def _wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    """Let background work finish (the review is computed off the GUI thread)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not finish in time")
        QTest.qWait(50)


#: The window sizes the tabs are shown at: the smallest the app is laid out for (with the
#: Codebook open) and a roomy one; the file name says which ("" for the roomy one).
SMALL, LARGE = QSize(1024, 700), QSize(1400, 900)
SIZES = ((SMALL, "-1024x700"), (LARGE, ""))


def _resize(window: QWidget, size: QSize) -> None:
    window.resize(size)
    QTest.qWait(300)  # layouts settle and the figures reflow
    if window.size() != size:
        raise RuntimeError(f"the window is {window.size()} instead of {size}")


def _grab(window: QWidget, path: Path, size: QSize) -> None:
    """Save the window, after checking it kept its size (no tab may widen it)."""
    if window.size() != size:
        raise RuntimeError(f"{path.name}: the window grew to {window.size()} from {size}")
    window.grab().save(str(path))


def _tabs(window: MainWindow, out_dir: Path, suffix: str) -> None:
    """Browse, Review (its three pages, a disagreement open) and Clusters at the current size."""
    size = window.size()
    window.tabs.setCurrentIndex(1)
    QTest.qWait(200)
    _grab(window, out_dir / f"browse-tab{suffix}.png", size)
    window.tabs.setCurrentIndex(2)
    window.review.pages.setCurrentIndex(0)
    _wait_for(lambda: window.review.report is not None and not window.review.computing)
    QTest.qWait(200)
    _grab(window, out_dir / f"review-tab{suffix}.png", size)
    window.review.pages.setCurrentIndex(1)
    _wait_for(lambda: window.review.disagreements.model.rowCount() > 0)
    review = window.review
    model = review.disagreements.model
    first = model.post_id(0)
    if model.without_gold() == model.rowCount():  # one gold label, so its column shows one
        review.open_disagreement(first)
        assert review.report is not None
        review.adjudication.decide(review.report.codebook.labels[-1].key)
        _wait_for(lambda: model.without_gold() < model.rowCount())
    review.open_disagreement(first)
    QTest.qWait(200)
    _grab(window, out_dir / f"adjudication{suffix}.png", size)
    review.show_page(2)  # Model: trained once, in the background as Train now does
    if review.model_page.report is None:
        window.model_training.train()
        _wait_for(lambda: review.model_page.report is not None, seconds=120)
    QTest.qWait(200)
    _grab(window, out_dir / f"model-page{suffix}.png", size)
    window.tabs.setCurrentIndex(3)
    _wait_for(lambda: window.clusters.model.rowCount() > 1)
    window.clusters.view.selectRow(1)  # an afternoon's burst, counted per hour
    QTest.qWait(200)
    _grab(window, out_dir / f"clusters-tab{suffix}.png", size)


def _fetch_dialog(window: MainWindow, copy: Path) -> QDialog:
    """Project > Fetch pictures from the web…, switch on. A demo without web pictures gets
    a few (on the copy only, pointing at example.com, one failed) so the counts show."""
    from annotator.domain.media import FAILED, REMOTE
    from annotator.services.project.project_settings import set_fetch_media
    from annotator.store.media import insert_post_media, media_counts, set_media_outcome
    from annotator.store.queries import post_ids

    project = window.workspace.project
    assert project is not None
    with project.session() as session:
        connection = session.connection()
        if not media_counts(connection).get(REMOTE):
            ids = post_ids(session)[-40:]  # not the "#ad" posts `_pictures` uses
            insert_post_media(connection, [
                {"post_id": post_id, "position": 0, "source_column": "image_url",
                 "source": f"https://example.com/p/{post_id}.jpg", "status": REMOTE}
                for post_id in ids
            ])  # fmt: skip
            set_media_outcome(
                connection, post_id=ids[0], position=0, status=FAILED, message="HTTP 404"
            )
    set_fetch_media(project, True)
    dialog = window.picture_fetching.open_dialog()
    assert dialog is not None
    QTest.qWait(200)
    return dialog


def _pictures(window: MainWindow, copy: Path, out_dir: Path) -> None:
    """Pictures added to a few "#ad" posts of the copy (after the other screenshots, which
    stay as they were): the Label tab with a picture post, the picture full size, and
    Browse's Picture column at the smallest size."""
    opened = open_project(copy)
    with opened.session() as session:
        ids = list(
            session.execute(
                select(Post.id).where(Post.text.contains("#ad")).order_by(Post.id).limit(4)  # type: ignore[attr-defined]
            ).scalars()
        )
    add_sample_pictures(opened, ids)
    opened.close()
    window.workspace.set_mode(QueueMode("all"))
    window.workspace.notify(changes(Change.MEDIA | Change.DATASETS))  # as a merge does
    view = window.labeling
    window.tabs.setCurrentIndex(0)
    for size, suffix in SIZES:
        _resize(window, size)
        view.open_post(ids[0])
        _wait_for(lambda: view.pictures.large.pixmap() is not None
                  and not view.pictures.large.pixmap().isNull())  # fmt: skip
        _wait_for(lambda: all(not label.pixmap().isNull() for label in view.pictures.thumbnails))
        QTest.qWait(200)
        _grab(window, out_dir / f"picture-post{suffix}.png", size)
    view.open_post(ids[3])  # a refused picture: a sentence on the post
    QTest.qWait(200)
    _grab(window, out_dir / "picture-refused.png", LARGE)
    view.open_post(ids[0])
    view.open_picture(0)
    dialog = view.picture_dialog
    assert dialog is not None
    _wait_for(lambda: not dialog.picture.pixmap().isNull()
              and all(not label.pixmap().isNull() for label in dialog.strip))  # fmt: skip
    QTest.qWait(200)
    dialog.grab().save(str(out_dir / "picture-full-size.png"))
    dialog.reject()
    _resize(window, SMALL)
    window.tabs.setCurrentIndex(1)
    browse = window.browse
    row = browse.model.row_of(ids[0])
    if row is not None:
        browse.view.scrollTo(browse.model.index(row, 0))
    _wait_for(lambda: row is None or browse.thumbnails._cache.get(ids[0]) is not None)
    QTest.qWait(300)
    _grab(window, out_dir / "browse-pictures-1024x700.png", SMALL)
    window.tabs.setCurrentIndex(0)


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
        _resize(window, LARGE)
        view = window.labeling
        # Searched as a person does (the box, then Enter), so the box and the bar agree.
        window.queue_bar.search.setText('"manufacturing jobs"')
        window.queue_bar.search.returnPressed.emit()
        _wait_for(lambda: window.workspace.mode.kind == "search")
        queue = view.queue
        assert queue is not None
        post = queue.current_post()
        assert post is not None
        start = post.text.find(DISCLOSED_POST)
        if start >= 0:
            view.post_panel.select(start, start + len(DISCLOSED_POST))
            view.add_evidence_from_selection()
        view.label_panel.sponsor.setText("GlowLab")
        for size, suffix in SIZES:
            _resize(window, size)
            _grab(window, out_dir / f"main-window{suffix}.png", size)
        window.workspace.set_mode(QueueMode("all"))
        _resize(window, LARGE)
        window.grab().save(str(out_dir / "codebook-panel.png"))
        for size, suffix in SIZES:
            _resize(window, size)
            _tabs(window, out_dir, suffix)
        _resize(window, SMALL)
        window.tabs.setCurrentIndex(3)  # the batch dialog over the Clusters tab
        window.clusters.view.selectRow(1)
        window.clusters.label_selected_cluster()
        batch = window.clusters.cluster_dialog
        assert batch is not None
        QTest.qWait(300)
        batch.grab().save(str(out_dir / "cluster-dialog.png"))
        batch.reject()
        _resize(window, LARGE)
        for tab, name in ((0, "keys-overlay"), (2, "keys-overlay-review")):
            window.tabs.setCurrentIndex(tab)  # F1 lists the keys of the tab in view
            window.show_help()
            QApplication.processEvents()
            for dialog in window.findChildren(QDialog):
                if dialog.windowTitle() == "Keys" and dialog.isVisible():
                    dialog.grab().save(str(out_dir / f"{name}.png"))
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
        fetch = _fetch_dialog(window, copy)
        fetch.grab().save(str(out_dir / "fetch-dialog.png"))
        fetch.reject()
        about = window.first_run.show_about()
        QApplication.processEvents()
        about.grab().save(str(out_dir / "about.png"))
        about.close()
        _pictures(window, copy, out_dir)
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
