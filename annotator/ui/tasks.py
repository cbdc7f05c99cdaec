"""The one way to run work off the GUI thread: an ``Operation`` handed to ``TaskRunner.run``.

Modelled on Anki's ``CollectionOp``/``QueryOp``. A job is a service call that takes a
progress callback and a cancel token and knows nothing of Qt; it runs on a pool thread
and its outcome comes back on the GUI thread, to the operation's callbacks. A job that
writes the project (``writes=True``: an import, a merge, the sample, clustering, pre-filled
gold) runs on the runner's one writer thread, so two writes never race and run in the
order asked; reads (exports, previews, figures) run on Qt's global pool, beside them.

The documented exception: what a person saves with the keys (labels, marks, gold, drafts)
is written on the GUI thread through ``Workspace.perform``/``when_free``, each in a short
transaction with a short wait for SQLite's write lock, retried every half second while
another writer holds it. Such a save is small and must be committed before the key moves
on to the next post, so queueing it behind an import would only hide the wait.

No Qt object is created or freed on a pool thread: a worker holds only the job and the
numbers it reports under, and talks back through the one dispatcher, which lives as long
as the application.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeAlias, TypeVar

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    SignalInstance,
    Slot,
)
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.domain.errors import CancelledError
from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.ui.errors import report_error

T = TypeVar("T")

#: A job is a service call taking (progress, cancel) and returning a result.
Job: TypeAlias = Callable[[ProgressCallback, CancelToken], T]

#: The progress bar counts in these steps, whatever unit (bytes, rows) the job reports.
PROGRESS_STEPS = 1000
#: A titled operation shows its progress dialog only when it runs longer than this.
DIALOG_DELAY_MS = 400

SUCCEEDED, FAILED, CANCELLED = "succeeded", "failed", "cancelled"


def _nothing(*_args: object) -> None:
    """The callback of an operation that does not care about an outcome."""


@dataclass(frozen=True, kw_only=True)
class Operation(Generic[T]):
    """A job and where its outcome goes, all callbacks on the GUI thread.

    ``on_error`` None: the runner reports the error (a sentence or the bug dialog).
    ``title``: a window-modal progress dialog with Cancel, shown after 400 ms; None runs
    quietly. ``writes``: the job changes the project, so it waits for the writer.
    ``owner``: nothing is called back once this object was deleted.
    ``on_progress``: (done, total, message) on the GUI thread, for an operation shown in
    a progress widget of its own (a status bar) rather than the modal dialog.

    A job that raises ``CancelledError`` ends in ``on_cancel``. A read whose token was
    cancelled also ends there, whatever it returned (its result is stale); a write ends
    as it really did, since what it committed stays committed.
    """

    job: Job[T]
    on_success: Callable[[T], None] = _nothing
    on_error: Callable[[BaseException], None] | None = None
    on_cancel: Callable[[], None] = _nothing
    title: str | None = None
    writes: bool = False
    owner: QObject | None = None
    on_progress: Callable[[int, int, str], None] | None = None
    #: A job that runs for minutes mostly waiting (fetching pictures from the web): it
    #: runs on a pool of its own, so it never holds one of the global pool's few threads
    #: (as many as cores) that the panels' reads and the change watcher need.
    long_running: bool = False


class _Call:
    """One operation under way, known to its worker only by its number."""

    def __init__(
        self,
        runner: TaskRunner,
        op: Operation[Any],
        token: CancelToken,
        dialog: QProgressDialog | None,
    ) -> None:
        self.runner = runner
        self.op = op
        self.token = token
        self.dialog = dialog

    def progressed(self, done: int, total: int, message: str) -> None:
        """Busy indicator while the total is unknown, then a bar in steps of the total."""
        op = self.op
        if op.on_progress is not None and (op.owner is None or shiboken6.isValid(op.owner)):
            op.on_progress(done, total, message)
        dialog = self.dialog
        if dialog is None or dialog.wasCanceled():
            return
        if total > 0:
            dialog.setMaximum(PROGRESS_STEPS)
            dialog.setValue(min(PROGRESS_STEPS, max(0, done * PROGRESS_STEPS // total)))
        else:
            dialog.setMaximum(0)
            dialog.setValue(0)
        dialog.setLabelText(message)

    def close_dialog(self) -> None:
        dialog = self.dialog
        if dialog is None or not shiboken6.isValid(dialog):
            return
        # Closing a progress dialog emits canceled: the token must not hear it.
        dialog.canceled.disconnect(self.token.cancel)
        dialog.close()
        dialog.deleteLater()

    def deliver(self, outcome: str, value: object) -> None:
        """Call the one callback the outcome asks for, unless the owner is gone."""
        op = self.op
        if op.owner is not None and not shiboken6.isValid(op.owner):
            return
        if self.token.cancelled and not op.writes:
            outcome = CANCELLED
        if outcome == SUCCEEDED:
            op.on_success(value)
        elif outcome == FAILED:
            assert isinstance(value, BaseException)
            (op.on_error or self.runner.report)(value)
        else:
            op.on_cancel()


class _Dispatcher(QObject):
    """The one GUI-thread object through which workers report.

    It lives as long as the application, so a worker never emits on an object being
    deleted (a panel, a runner whose window closed). The calls it holds (with their
    owners, callbacks and dialogs) are made and dropped on the GUI thread.
    """

    progressed = Signal(int, object, object, str)
    arrived = Signal(int, str, object)

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self.pending: dict[int, _Call] = {}
        self._numbers = itertools.count(1)
        self.progressed.connect(self._progressed)
        self.arrived.connect(self._arrived)

    def add(self, call: _Call) -> int:
        number = next(self._numbers)
        self.pending[number] = call
        return number

    # object, not int: byte counts of files over 2 GiB do not fit a C++ int.
    @Slot(int, object, object, str)
    def _progressed(self, number: int, done: int, total: int, message: str) -> None:
        call = self.pending.get(number)
        if call is not None and shiboken6.isValid(call.runner):
            call.progressed(done, total, message)

    @Slot(int, str, object)
    def _arrived(self, number: int, outcome: str, value: object) -> None:
        call = self.pending.pop(number, None)
        if call is not None and shiboken6.isValid(call.runner):
            call.runner.end(call, outcome, value)


_dispatcher: _Dispatcher | None = None


def _the_dispatcher() -> _Dispatcher:
    global _dispatcher
    if _dispatcher is None or not shiboken6.isValid(_dispatcher):
        _dispatcher = _Dispatcher(QCoreApplication.instance())
    return _dispatcher


def _work(
    job: Job[Any],
    token: CancelToken,
    number: int,
    progressed: SignalInstance,
    arrived: SignalInstance,
) -> None:
    """On a pool thread: run the job (unless cancelled while it queued) and report."""
    if token.cancelled:
        arrived.emit(number, CANCELLED, None)
        return

    def progress(done: int, total: int, message: str) -> None:
        progressed.emit(number, done, total, message)

    try:
        result = job(progress, token)
    except CancelledError:
        arrived.emit(number, CANCELLED, None)
    except BaseException as error:  # every failure is reported on the GUI thread
        arrived.emit(number, FAILED, error)
    else:
        arrived.emit(number, SUCCEEDED, result)


class TaskRunner(QObject):
    """Runs operations off the GUI thread: writes one at a time on its writer thread,
    reads on the global pool; outcomes come back on the GUI thread."""

    #: An operation with a title (one the person waits for) ended; its callback ran.
    finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self._reads = QThreadPool.globalInstance()
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._long = QThreadPool(self)
        self._long.setMaxThreadCount(2)
        self._calls: list[_Call] = []

    @property
    def busy(self) -> bool:
        """An operation with a progress dialog is under way: the person waits for it, so
        the project does not close and no timed backup is taken meanwhile."""
        return any(call.op.title is not None for call in self._calls)

    def run(self, op: Operation[T]) -> CancelToken:
        """Start ``op`` (on the GUI thread); its token cancels it, queued or running.

        ``op.job`` runs on a pool thread and must hold no Qt object: it is freed there.
        """
        token = CancelToken()
        call = _Call(self, op, token, self._dialog(op.title, token) if op.title else None)
        self._calls.append(call)
        dispatcher = _the_dispatcher()
        number = dispatcher.add(call)
        work = partial(_work, op.job, token, number, dispatcher.progressed, dispatcher.arrived)
        pool = self._long if op.long_running else self._writer if op.writes else self._reads
        pool.start(work)
        return token

    def _dialog(self, title: str, token: CancelToken) -> QProgressDialog:
        dialog = QProgressDialog(title, "Cancel", 0, 0, self.parent_widget)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(DIALOG_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)  # starts the clock: shown after the delay, not Qt's default 4 s
        dialog.canceled.connect(token.cancel)
        return dialog

    def end(self, call: _Call, outcome: str, value: object) -> None:
        """On the GUI thread, when a job is over: close its dialog, call back, announce."""
        self._calls.remove(call)
        call.close_dialog()
        try:
            call.deliver(outcome, value)
        finally:
            if call.op.title is not None:
                self.finished.emit()

    def report(self, error: BaseException) -> None:
        """The default ``on_error``: a sentence for a user mistake, else the bug dialog."""
        report_error(self.parent_widget, error)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until no job runs or waits (at shutdown, so no write is cut off)."""
        deadline = time.monotonic() + msecs / 1000
        done = True
        for pool in (self._writer, self._long, self._reads):
            left = max(0, int((deadline - time.monotonic()) * 1000))
            done = bool(pool.waitForDone(left)) and done
        return done


class ShownLoader(Generic[T]):
    """When a panel's background (re)load runs: only while the panel is shown.

    A scheduling policy over ``TaskRunner.run``: a request while the panel is hidden
    waits for the next ``shown``; several requests at once (the tab shown, its
    currentChanged, an undo) share one load; a new load cancels the one under way. The
    Review and Clusters tabs load their figures this way (reads, no dialog).
    """

    def __init__(
        self,
        panel: QWidget,
        tasks: TaskRunner,
        *,
        job_for: Callable[[], Job[T] | None],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
        on_started: Callable[[], None] = lambda: None,
    ) -> None:
        self.panel = panel
        self.tasks = tasks
        self.job_for, self.on_done, self.on_error = job_for, on_done, on_error
        self.on_started = on_started
        #: Asked for while hidden: load when next shown.
        self.stale = False
        #: Asked to follow while a load ran: one more load after it.
        self._again = False
        self._scheduled = False
        self._token: CancelToken | None = None

    @property
    def busy(self) -> bool:
        return self._token is not None or self._scheduled

    def request(self) -> None:
        if not self.panel.isVisible():
            self.stale = True
            return
        self.stale = False
        if not self._scheduled:
            self._scheduled = True
            QTimer.singleShot(0, self._start)

    def follow(self) -> None:
        """A reload for data that changes often (other people's labels, seen by polling):
        it never cancels a load under way, which on a busy team would never finish; one
        more load follows it instead."""
        if self._token is not None:
            self._again = True
            return
        self.request()

    def shown(self) -> None:
        """Call from the panel's ``showEvent``."""
        if self.stale:
            self.request()

    def cancel(self) -> None:
        self._again = False
        if self._token is not None:
            self._token.cancel()
            self._token = None

    def _start(self) -> None:
        self._scheduled = False
        job = self.job_for()
        if job is None:
            return
        self.cancel()
        self._token = self.tasks.run(
            Operation(job=job, on_success=self._done, on_error=self._failed, owner=self.panel)
        )
        self.on_started()

    def _done(self, result: T) -> None:
        self._token = None
        self.on_done(result)
        self._follow_again()

    def _failed(self, error: BaseException) -> None:
        self._token = None
        self._again = False
        self.on_error(error)

    def _follow_again(self) -> None:
        if self._again:
            self._again = False
            self.request()
