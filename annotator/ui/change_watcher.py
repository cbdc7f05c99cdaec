"""Noticing what other people write to the same database, by polling.

Several annotators may label one PostgreSQL database, or one SQLite file from two
windows; neither store tells a window what another wrote. So every ``POLL_MS`` the
watcher reads the project's data version (highest ids and a few counts, one cheap
statement) on a pool thread, and when it moved announces a ``Changes`` with
``others=True`` through the workspace: panels refresh counts, queues and figures, but
nobody is moved off their post and nothing typed is replaced.

The window's own writes move the version too, so one poll after them announces them
again as "others"; listeners make that refresh harmless (it shows what is already on
screen), which is simpler and safer than guessing whose write a new id was.
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import QObject, QTimer

from annotator.domain.changes import Change, Changes, DataVersion
from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.services.project.projects import Project, data_version
from annotator.ui.tasks import Operation, TaskRunner
from annotator.ui.workspace import Workspace

log = logging.getLogger("annotator")

#: Said once in the status bar when a poll fails (the server went away, say).
POLL_FAILED = "Cannot check the project for other people's changes now; trying again."
#: Said once when a poll works again (a sentence, not a blank that would wipe another).
POLL_BACK = "Checking the project for other people's changes again."


class ChangeWatcher(QObject):
    """Polls the open project's data version and announces changes made elsewhere."""

    #: How often the project is read for other people's changes (tests shorten it).
    POLL_MS = 3000

    def __init__(self, workspace: Workspace, tasks: TaskRunner) -> None:
        super().__init__(workspace)
        self.workspace = workspace
        self.tasks = tasks
        self.timer = QTimer(self)
        self.timer.setInterval(self.POLL_MS)
        self.timer.timeout.connect(self.poll)
        self._project: Project | None = None
        #: The version last read for ``_project`` (None: not read yet).
        self.seen: DataVersion | None = None
        self._in_flight = False
        self._failing = False
        workspace.changed.connect(self._on_changed)
        self._follow_project()

    def _on_changed(self, what: Changes) -> None:
        if what.touches(Change.PROJECT):
            self._follow_project()

    def _follow_project(self) -> None:
        """A new project starts from its version now; no project, no polling."""
        project = self.workspace.project
        if project is self._project:
            return
        self._project, self.seen, self._failing = project, None, False
        if project is None:
            self.timer.stop()
            return
        self.timer.start()
        self.poll()

    def poll(self) -> None:
        """Read the version off the GUI thread; one read at a time."""
        project = self._project
        if project is None or self._in_flight:
            return
        self._in_flight = True

        def job(_progress: ProgressCallback, _cancel: CancelToken) -> DataVersion:
            return data_version(project)

        self.tasks.run(
            Operation(
                job=job,
                on_success=partial(self._read, project),
                on_error=partial(self._failed, project),
                on_cancel=self._cancelled,
                owner=self,
            )
        )

    def _read(self, project: Project, version: DataVersion) -> None:
        self._in_flight = False
        if project is not self._project:
            return  # read from a project closed meanwhile
        if self._failing:
            self._failing = False
            self.workspace.message.emit(POLL_BACK)
        before, self.seen = self.seen, version
        if before is None:
            return
        kinds = version.changed_since(before)
        if kinds:
            self.workspace.notify(Changes(kinds, others=True))

    def _failed(self, project: Project, error: BaseException) -> None:
        """A failed read is said once in the status bar (and logged), never in a dialog
        every few seconds; the next poll tries again."""
        self._in_flight = False
        if project is not self._project or self._failing:
            return
        self._failing = True
        log.warning("polling for other people's changes failed: %s", error)
        self.workspace.message.emit(POLL_FAILED)

    def _cancelled(self) -> None:
        self._in_flight = False
