"""Project > Fetch pictures from the web… and Fetch pictures now, driven with the mouse on
real widgets; the database (and the loopback server's log) are the judges."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from contextlib import closing

import pytest
from PySide6.QtCore import Qt, QThreadPool
from pytestqt.qtbot import QtBot

from annotator.domain.changes import Change, Changes
from annotator.domain.web_pictures import FETCH_PRIVACY
from annotator.services.media import fetching
from annotator.services.media.downloads import FetchLimits
from annotator.services.media.fetching import fetch_pictures, media_status_counts
from annotator.services.project.project_settings import fetch_media, set_fetch_media
from annotator.services.project.projects import Project, open_project
from annotator.ui.actions import ActionId
from annotator.ui.change_watcher import ChangeWatcher
from annotator.ui.main_window import MainWindow
from annotator.ui.tasks import Operation, TaskRunner
from tests.media_server import ServerState, add_remote_pictures, media_server

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests' server is on loopback, which the app refuses; quick limits too."""
    local = functools.partial(
        FetchLimits, allow_loopback=True, per_host_rate=100.0, read_timeout=2.0
    )
    monkeypatch.setattr(fetching, "FetchLimits", local)


def _counts(location: str) -> fetching.MediaCounts:
    with closing(open_project(location)) as project:
        return media_status_counts(project)


def _switch(location: str) -> bool:
    with closing(open_project(location)) as project:
        return fetch_media(project)


def _media_changes(window: MainWindow) -> list[Changes]:
    seen: list[Changes] = []
    window.workspace.changed.connect(
        lambda what: seen.append(what) if what.touches(Change.MEDIA) else None
    )
    return seen


def test_the_dialog_turns_fetching_on_and_fetch_now_stores_the_pictures(
    qtbot: QtBot, small_project: Project, make_window: Callable[..., MainWindow]
) -> None:
    with media_server() as server:
        add_remote_pictures(
            small_project,
            [server.url("/pic/a.png"), server.url("/pic/b.png"), server.url("/missing")],
        )
        location = small_project.location
        small_project.close()
        window = make_window(location)
        announced = _media_changes(window)
        fetching_ = window.picture_fetching
        # With the switch off, Fetch pictures now opens the dialog that explains it.
        window.actions_by_id[ActionId.PROJECT_FETCH_NOW].trigger()
        dialog = fetching_.dialog
        assert dialog is not None and dialog.isVisible()
        assert dialog.privacy.text() == FETCH_PRIVACY
        assert "3 on the web, not fetched yet" in dialog.counts_label.text()
        assert not dialog.fetch_button.isEnabled()
        assert server.hits("/pic/a.png") == 0
        qtbot.mouseClick(dialog.switch, Qt.MouseButton.LeftButton)
        assert dialog.switch.isChecked() and _switch(location)
        assert dialog.fetch_button.isEnabled()
        qtbot.mouseClick(dialog.fetch_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: fetching_.last_report is not None, timeout=20_000)
        assert not fetching_.running and window.fetch_status.isHidden()
    counts = _counts(location)
    assert (counts.stored, counts.failed, counts.remote) == (2, 1, 0)
    posts = set().union(*(what.post_ids for what in announced))
    assert posts and all(what.source is fetching_ for what in announced)
    assert fetching_.last_report is not None and fetching_.last_report.post_ids == posts
    assert "Fetched 2 of 3" in window.statusBar().currentMessage()
    # The dialog again: the failure can be retried, the switch turned off.
    window.actions_by_id[ActionId.PROJECT_FETCH_SETTINGS].trigger()
    dialog = fetching_.dialog
    assert dialog is not None and dialog.retry.isVisibleTo(dialog)
    assert "1 whose fetch failed; 2 stored" in dialog.counts_label.text()
    qtbot.mouseClick(dialog.switch, Qt.MouseButton.LeftButton)
    assert not _switch(location)
    dialog.reject()


def test_cancel_in_the_status_bar_keeps_what_was_fetched(
    qtbot: QtBot,
    small_project: Project,
    make_window: Callable[..., MainWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fetching, "BATCH_PICTURES", 1)
    with media_server(ServerState(slow_seconds=0.2)) as server:
        add_remote_pictures(small_project, [server.url(f"/slow?{n}") for n in range(30)])
        set_fetch_media(small_project, True)
        location = small_project.location
        small_project.close()
        window = make_window(location)
        announced = _media_changes(window)
        window.actions_by_id[ActionId.PROJECT_FETCH_NOW].trigger()
        status = window.fetch_status
        assert window.picture_fetching.running and status.isVisible()
        qtbot.waitUntil(lambda: bool(announced), timeout=10_000)
        qtbot.mouseClick(status.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.picture_fetching.running, timeout=10_000)
        assert status.isHidden()
        assert "cancelled" in window.statusBar().currentMessage()
    counts = _counts(location)
    assert counts.stored >= 1 and counts.remote >= 1 and counts.stored + counts.remote == 30
    assert counts.failed == 0  # the picture being fetched at the cancel stays "remote"


def test_pictures_fetched_by_another_program_reach_the_window(
    qtbot: QtBot,
    small_project: Project,
    make_window: Callable[..., MainWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``annotator fetch-media`` in a terminal while the app is open: the poll sees it."""
    monkeypatch.setattr(ChangeWatcher, "POLL_MS", 100)
    with media_server() as server:
        add_remote_pictures(small_project, [server.url("/pic/a.png")])
        set_fetch_media(small_project, True)
        location = small_project.location
        small_project.close()
        window = make_window(location)
        qtbot.waitUntil(lambda: window.watcher.seen is not None, timeout=5000)
        announced = _media_changes(window)
        with closing(open_project(location)) as other:
            fetch_pictures(other, limits=fetching.FetchLimits())
        qtbot.waitUntil(lambda: any(what.others for what in announced), timeout=5000)


def test_long_jobs_leave_the_global_pool_to_the_panels_reads(qtbot: QtBot) -> None:
    """Fetches that wait minutes on the network never hold the threads reads need."""
    runner = TaskRunner()
    release = threading.Event()
    for _ in range(QThreadPool.globalInstance().maxThreadCount()):
        runner.run(Operation(job=lambda _p, _c: release.wait(10), long_running=True))
    done: list[int] = []
    runner.run(Operation(job=lambda _p, _c: 1, on_success=done.append))
    try:
        qtbot.waitUntil(lambda: done == [1], timeout=3000)
    finally:
        release.set()
        assert runner.wait(5000)
