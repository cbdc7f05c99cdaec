"""The one way to run work off the GUI thread: writes one at a time, reads beside them,
callbacks on the GUI thread (or none), a dialog only for titled work, and a label key
that never freezes the window while another writer holds the project."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget
from pytestqt.qtbot import QtBot

from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.services.labeling.annotating import current_annotation
from annotator.services.project.projects import Project, open_project
from annotator.ui.main_window import MainWindow
from annotator.ui.tasks import Operation, TaskRunner
from tests.ui.keys import press

pytestmark = pytest.mark.gui

#: Long enough for a second job to overlap the first if nothing kept them apart.
JOB_SECONDS = 0.2


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def runner(window: QWidget) -> Iterator[TaskRunner]:
    tasks = TaskRunner(window)
    yield tasks
    assert tasks.wait(10_000)


def recording(log: list[str], name: str) -> Callable[[ProgressCallback, CancelToken], str]:
    """A job that logs when it starts and ends (from its pool thread)."""

    def job(_progress: ProgressCallback, _cancel: CancelToken) -> str:
        log.append(f"start {name}")
        time.sleep(JOB_SECONDS)
        log.append(f"end {name}")
        return name

    return job


def held_until(released: threading.Event) -> Callable[[ProgressCallback, CancelToken], str]:
    """A job that runs until the test releases it (at most 10 s)."""

    def job(_progress: ProgressCallback, _cancel: CancelToken) -> str:
        released.wait(10)
        return "released"

    return job


def test_two_writes_started_together_run_one_after_the_other_in_order(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    log: list[str] = []
    done: list[str] = []
    for name in ("first", "second", "third"):
        runner.run(Operation(job=recording(log, name), on_success=done.append, writes=True))
    qtbot.waitUntil(lambda: len(done) == 3, timeout=10_000)
    assert log == [
        "start first",
        "end first",
        "start second",
        "end second",
        "start third",
        "end third",
    ]
    assert done == ["first", "second", "third"]


def test_a_read_runs_while_a_write_is_under_way(qtbot: QtBot, runner: TaskRunner) -> None:
    write_started, read_ran = threading.Event(), threading.Event()

    def write(_progress: ProgressCallback, _cancel: CancelToken) -> bool:
        write_started.set()
        return read_ran.wait(10)  # True only if the read ran meanwhile

    def read(_progress: ProgressCallback, _cancel: CancelToken) -> str:
        write_started.wait(10)
        read_ran.set()
        return "read"

    outcomes: dict[str, object] = {}
    runner.run(Operation(job=write, on_success=lambda ran: outcomes.update(write=ran), writes=True))
    runner.run(Operation(job=read, on_success=lambda result: outcomes.update(read=result)))
    qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=15_000)  # either may report first
    assert outcomes == {"write": True, "read": "read"}


def test_a_cancelled_operation_calls_on_cancel_and_not_on_success(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    called: list[str] = []
    started = threading.Semaphore(0)

    def write(_progress: ProgressCallback, cancel: CancelToken) -> str:
        started.release()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            cancel.raise_if_cancelled()
            time.sleep(0.01)
        return "finished anyway"

    def read(_progress: ProgressCallback, cancel: CancelToken) -> str:
        started.release()
        deadline = time.monotonic() + 10
        while not cancel.cancelled and time.monotonic() < deadline:
            time.sleep(0.01)
        return "a stale result"  # ignores the token: its result must be dropped

    tokens = [
        runner.run(
            Operation(
                job=job,
                on_success=lambda _result, name=name: called.append(f"{name} succeeded"),
                on_error=lambda _error, name=name: called.append(f"{name} failed"),
                on_cancel=lambda name=name: called.append(f"{name} cancelled"),
                writes=writes,
            )
        )
        for name, job, writes in (("write", write, True), ("read", read, False))
    ]
    for _ in tokens:  # both jobs are running before they are cancelled
        assert started.acquire(timeout=10)
    for token in tokens:
        token.cancel()
    qtbot.waitUntil(lambda: len(called) == 2, timeout=15_000)
    assert sorted(called) == ["read cancelled", "write cancelled"]


def test_a_write_cancelled_while_it_waits_for_the_writer_never_runs(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    released = threading.Event()
    ran: list[str] = []
    called: list[str] = []
    runner.run(Operation(job=held_until(released), on_success=called.append, writes=True))

    def queued(_progress: ProgressCallback, _cancel: CancelToken) -> str:
        ran.append("queued")
        return "queued"

    token = runner.run(
        Operation(
            job=queued,
            on_success=called.append,
            on_cancel=lambda: called.append("cancelled"),
            writes=True,
        )
    )
    token.cancel()
    released.set()
    qtbot.waitUntil(lambda: len(called) == 2, timeout=10_000)
    assert called == ["released", "cancelled"]
    assert ran == []


def test_nothing_is_called_back_once_the_owner_was_deleted(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    owner = QWidget()
    released = threading.Event()
    called: list[str] = []
    runner.run(
        Operation(
            job=held_until(released),
            on_success=lambda _result: called.append("succeeded"),
            on_error=lambda _error: called.append("failed"),
            on_cancel=lambda: called.append("cancelled"),
            writes=True,
            owner=owner,
        )
    )
    # Queued behind it on the one writer: its callback arrives after the first's would.
    after: list[str] = []
    runner.run(Operation(job=recording([], "after"), on_success=after.append, writes=True))
    owner.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(owner), timeout=5_000)
    released.set()
    qtbot.waitUntil(lambda: after == ["after"], timeout=10_000)
    assert called == []


def test_an_operation_without_on_error_reports_through_the_error_dialog(
    qtbot: QtBot, runner: TaskRunner, errors: list[str]
) -> None:
    def job(_progress: ProgressCallback, _cancel: CancelToken) -> None:
        raise UserError("the file has no text column")

    with qtbot.waitSignal(runner.finished, timeout=10_000):
        runner.run(Operation(job=job, title="Importing posts.csv", writes=True))
    assert errors and "the file has no text column" in errors[-1]


def _shown_dialogs(window: QWidget) -> list[QProgressDialog]:
    return [d for d in window.findChildren(QProgressDialog) if d.isVisible()]


def test_only_a_titled_operation_shows_a_progress_dialog(
    qtbot: QtBot, runner: TaskRunner, window: QWidget
) -> None:
    released = threading.Event()
    quiet: list[str] = []
    runner.run(Operation(job=held_until(released), on_success=quiet.append))
    qtbot.wait(700)  # well past the dialog's delay
    assert _shown_dialogs(window) == []
    assert not runner.busy
    released.set()
    qtbot.waitUntil(lambda: quiet == ["released"], timeout=10_000)

    released.clear()
    titled: list[str] = []
    runner.run(
        Operation(
            job=held_until(released),
            on_success=titled.append,
            title="Exporting to posts.xlsx",
        )
    )
    assert runner.busy
    assert _shown_dialogs(window) == []  # not at once: a quick job flashes nothing
    qtbot.waitUntil(lambda: bool(_shown_dialogs(window)), timeout=1_500)
    [dialog] = _shown_dialogs(window)
    assert dialog.windowTitle() == "Exporting to posts.xlsx"
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    with qtbot.waitSignal(runner.finished, timeout=10_000):
        released.set()
    assert titled == ["released"]
    assert not runner.busy
    assert _shown_dialogs(window) == []


def test_a_label_key_does_not_freeze_the_window_while_another_writer_holds_the_project(
    small_project: Project, make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    location = small_project.location
    small_project.close()
    window = make_window(location)
    post_id = window.labeling.current_post_id
    assert post_id is not None
    messages: list[str] = []
    window.workspace.message.connect(messages.append)
    other = sqlite3.connect(location, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")  # an import (or another program) holds the write lock
    try:
        started = time.monotonic()
        press(qtbot, window, Qt.Key.Key_2)
        back_in_the_event_loop = time.monotonic() - started
        assert back_in_the_event_loop < 1.0  # SQLite's own wait would be 10 s
        assert any("busy" in message for message in messages)
    finally:
        other.rollback()
        other.close()
    qtbot.waitUntil(lambda: window.labeling.current_post_id != post_id, timeout=5_000)
    reader = open_project(location)
    saved = current_annotation(reader, post_id=post_id, annotator="ana")
    reader.close()
    assert saved is not None and saved.label_key == "sponsored_disclosed"


def test_on_progress_hears_the_job_on_the_gui_thread_without_a_dialog(
    qtbot: QtBot, runner: TaskRunner, window: QWidget
) -> None:
    """The model's status-bar progress: the job's steps reach ``on_progress`` on the GUI
    thread, and no modal dialog opens."""
    heard: list[tuple[int, int, str, bool]] = []
    results: list[str] = []

    def job(progress: ProgressCallback, _cancel: CancelToken) -> str:
        for step in range(1, 4):
            progress(step, 3, f"step {step}")
        return "done"

    def on_progress(done: int, total: int, message: str) -> None:
        heard.append((done, total, message, threading.current_thread() is threading.main_thread()))

    runner.run(Operation(job=job, on_success=results.append, on_progress=on_progress))
    qtbot.waitUntil(lambda: results == ["done"], timeout=5000)

    assert heard == [(s, 3, f"step {s}", True) for s in range(1, 4)]
    assert window.findChildren(QProgressDialog) == []
