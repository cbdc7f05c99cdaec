"""Project > Fetch pictures from the web… and Fetch pictures now: the switch's dialog, and
the fetch itself in the background with its progress and Cancel in the status bar.

The fetch runs on the task runner's pool for long jobs, not on its one writer thread: it
spends minutes waiting on the network (a few requests per second per site), and holding
the writer that long would queue imports and merges behind it (nor on the global pool,
whose few threads the panels' reads need). Its writes are short batch
transactions that wait for SQLite's write lock like a label save does. As each batch is
committed the posts it touched are announced (``Change.MEDIA``), so the Label tab shows
a picture as soon as it arrives; a failure is kept on its post, never shown as a dialog.
"""

from __future__ import annotations

import queue
from functools import partial

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from annotator.domain.changes import Change, Changes
from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.domain.web_pictures import FETCH_SWITCH
from annotator.services.media.fetching import FetchReport, fetch_pictures, media_status_counts
from annotator.services.project.project_settings import fetch_media, set_fetch_media
from annotator.services.project.projects import Project
from annotator.ui.actions import ActionId, ActionSpec
from annotator.ui.look import plain_label
from annotator.ui.project.fetch_dialog import FetchDialog
from annotator.ui.tasks import Operation, TaskRunner
from annotator.ui.workspace import Workspace


class PictureFetching(QObject):
    """Starts, reports and cancels the fetch of the open project's web pictures."""

    started = Signal()
    #: (done, total, message) of the fetch under way, in distinct URLs.
    progressed = Signal(int, int, str)
    #: The fetch ended (finished, failed or cancelled).
    ended = Signal()

    def __init__(self, *, window: QWidget, workspace: Workspace, tasks: TaskRunner) -> None:
        super().__init__(window)
        self.window = window
        self.workspace = workspace
        self.tasks = tasks
        self.dialog: FetchDialog | None = None
        self.last_report: FetchReport | None = None
        self._project: Project | None = None
        self._token: CancelToken | None = None
        #: Post ids of committed batches, put by the worker, taken on the GUI thread.
        self._arrived: queue.SimpleQueue[frozenset[int]] = queue.SimpleQueue()
        workspace.changed.connect(self._on_changed)

    @property
    def running(self) -> bool:
        return self._token is not None

    def action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec(
                ActionId.PROJECT_FETCH_SETTINGS,
                "Fetch pictures from the &web…",
                None,
                self.open_dialog,
                tip="Turn fetching of post pictures that are web addresses on or off",
            ),
            ActionSpec(
                ActionId.PROJECT_FETCH_NOW,
                "Fetch pictures &now",
                None,
                self.fetch_now,
                tip="Fetch the pictures still on the web, in the background",
            ),
        ]

    def _on_changed(self, what: Changes) -> None:
        """Another project (or none): a fetch for the old one stops."""
        if what.touches(Change.PROJECT) and self.workspace.project is not self._project:
            self.cancel()

    # ----- the dialog -----------------------------------------------------------------------

    def open_dialog(self) -> FetchDialog | None:
        """The switch, the privacy sentence and the counts (one small grouped count)."""
        project = self.workspace.project
        if project is None:
            return None
        dialog = FetchDialog(
            on=fetch_media(project),
            counts=media_status_counts(project),
            read_only=project.read_only,
            running=self.running,
            parent=self.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.switched.connect(self.set_switch)
        dialog.fetch_requested.connect(lambda retry: self.fetch_now(retry_failed=retry))
        dialog.destroyed.connect(self._dialog_gone)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_gone(self) -> None:
        self.dialog = None

    def set_switch(self, on: bool) -> None:
        project = self.workspace.project
        if project is None:
            return

        def save() -> None:
            set_fetch_media(project, on)
            self.workspace.reload_settings()

        self.workspace.when_free(save)
        self.workspace.message.emit(
            f"{FETCH_SWITCH}: on. Project > Fetch pictures now fetches them."
            if on
            else f"{FETCH_SWITCH}: off."
        )

    # ----- fetching -------------------------------------------------------------------------

    def fetch_now(self, *, retry_failed: bool = False) -> None:
        """Fetch in the background; with the switch off, the dialog explains it instead."""
        project = self.workspace.project
        if project is None:
            return
        if self.running:
            self.workspace.message.emit("Pictures are being fetched; the status bar shows it.")
            return
        if not fetch_media(project):
            self.workspace.message.emit(f"{FETCH_SWITCH} is off for this project.")
            self.open_dialog()
            return
        self._project = project
        arrived = self._arrived

        def job(progress: ProgressCallback, cancel: CancelToken) -> FetchReport:
            last: list[tuple[int, int, str]] = [(0, 0, "")]

            def on_progress(done: int, total: int, message: str) -> None:
                last[0] = (done, total, message)
                progress(done, total, message)

            def on_batch(posts: frozenset[int]) -> None:
                arrived.put(posts)
                progress(*last[0])  # the GUI thread takes the posts as it hears this

            return fetch_pictures(
                project,
                retry_failed=retry_failed,
                progress=on_progress,
                cancel=cancel,
                on_batch=on_batch,
            )

        self._token = self.tasks.run(
            Operation(
                job=job,
                on_success=partial(self._finished, project),
                on_error=partial(self._failed, project),
                on_cancel=self._cancelled,
                on_progress=self._progressed,
                owner=self,
                long_running=True,
            )
        )
        self.started.emit()

    def cancel(self) -> None:
        """Stop between two pictures; what was fetched stays."""
        if self._token is not None:
            self._token.cancel()

    def _progressed(self, done: int, total: int, message: str) -> None:
        self._announce()
        self.progressed.emit(done, total, message)

    def _announce(self) -> None:
        """Tell the panels which posts have new pictures (or a failure to show)."""
        posts: set[int] = set()
        while True:
            try:
                posts |= self._arrived.get_nowait()
            except queue.Empty:
                break
        if posts and self.workspace.project is self._project:
            self.workspace.notify(Changes(Change.MEDIA, frozenset(posts), source=self))

    def _finished(self, project: Project, report: FetchReport) -> None:
        self._announce()
        self._end()
        self.last_report = report
        if project is self.workspace.project:
            self.workspace.message.emit(report.summary())

    def _failed(self, project: Project, error: BaseException) -> None:
        self._announce()
        self._end()
        if project is not self.workspace.project:
            return
        if isinstance(error, UserError):
            self.workspace.message.emit(str(error))
        else:
            self.tasks.report(error)

    def _cancelled(self) -> None:
        self._announce()
        self._end()
        self.workspace.message.emit("Fetching cancelled; the pictures fetched so far stay.")

    def _end(self) -> None:
        self._token = None
        self.ended.emit()


class FetchStatus(QWidget):
    """The status bar's fetch progress with its Cancel button; hidden when idle."""

    def __init__(self, fetching: PictureFetching, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fetchStatus")
        self.fetching = fetching
        self.text = plain_label("fetchText", "Fetching pictures…")
        self.bar = QProgressBar()
        self.bar.setObjectName("fetchProgress")
        self.bar.setAccessibleName("Picture fetching progress")
        self.bar.setMaximumWidth(120)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("fetchCancel")
        self.cancel_button.setAccessibleName("Cancel fetching pictures")
        self.cancel_button.setToolTip("Stop fetching; the pictures fetched so far stay")
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.cancel_button.clicked.connect(fetching.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        fetching.started.connect(self._started)
        fetching.progressed.connect(self._progressed)
        fetching.ended.connect(self._ended)
        self.hide()

    def _started(self) -> None:
        self.text.setText("Fetching pictures…")
        self.bar.setRange(0, 0)
        self.show()

    def _progressed(self, done: int, total: int, _message: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.text.setText(f"Fetching pictures: {done:,} of {total:,}")

    def _ended(self) -> None:
        if not self.fetching.running:
            self.hide()
