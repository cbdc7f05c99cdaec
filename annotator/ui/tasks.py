"""Running service jobs on a QThreadPool with a progress dialog and a cancel button."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.domain.errors import CancelledError
from annotator.domain.progress import CancelToken, ProgressCallback

#: A job is a service call taking (progress, cancel) and returning a result.
Job = Callable[[ProgressCallback, CancelToken], Any]


#: The progress bar counts in these steps, whatever unit (bytes, rows) the job reports.
PROGRESS_STEPS = 1000


class _Signals(QObject):
    # object, not int: byte counts of files over 2 GiB do not fit a C++ int.
    progress = Signal(object, object, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class _JobRunnable(QRunnable):
    """Runs the job on a pool thread; talks back only through queued signals."""

    def __init__(self, job: Job, token: CancelToken) -> None:
        super().__init__()
        self.job = job
        self.token = token
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.job(self.signals.progress.emit, self.token)
        except CancelledError:
            self.signals.cancelled.emit()
        except BaseException as error:  # every failure is reported on the GUI thread
            self.signals.failed.emit(error)
        else:
            self.signals.succeeded.emit(result)


class _JobWatcher(QObject):
    """Lives on the GUI thread, so its slots run there: owns the dialog and callbacks."""

    def __init__(
        self,
        runner: TaskRunner,
        runnable: _JobRunnable,
        title: str,
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_cancel: Callable[[], None],
    ) -> None:
        super().__init__(runner)
        self._runner = runner
        self._runnable = runnable
        self._on_success = on_success
        self._on_error = on_error
        self._on_cancel = on_cancel
        self.dialog = QProgressDialog(title, "Cancel", 0, 0, runner.parent_widget)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(400)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(runnable.token.cancel)
        signals = runnable.signals
        signals.progress.connect(self._progress)
        signals.succeeded.connect(self._succeeded)
        signals.failed.connect(self._failed)
        signals.cancelled.connect(self._cancelled)

    @Slot(object, object, str)
    def _progress(self, done: int, total: int, message: str) -> None:
        """Busy indicator while the total is unknown, then a bar in steps of the total."""
        if self.dialog.wasCanceled():
            return
        if total > 0:
            self.dialog.setMaximum(PROGRESS_STEPS)
            self.dialog.setValue(min(PROGRESS_STEPS, max(0, done * PROGRESS_STEPS // total)))
        else:
            self.dialog.setMaximum(0)
            self.dialog.setValue(0)
        self.dialog.setLabelText(message)

    def _finish(self) -> None:
        self.dialog.canceled.disconnect(self._runnable.token.cancel)
        self.dialog.close()
        self.dialog.deleteLater()
        self._runner.forget(self)

    @Slot(object)
    def _succeeded(self, result: object) -> None:
        self._finish()
        self._on_success(result)
        self._runner.finished.emit()

    @Slot(object)
    def _failed(self, error: object) -> None:
        self._finish()
        assert isinstance(error, BaseException)
        self._on_error(error)
        self._runner.finished.emit()

    @Slot()
    def _cancelled(self) -> None:
        self._finish()
        self._on_cancel()
        self._runner.finished.emit()


class TaskRunner(QObject):
    """Starts jobs off the GUI thread; results and errors come back on the GUI thread."""

    finished = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self._pool = QThreadPool.globalInstance()
        self._watchers: list[_JobWatcher] = []

    @property
    def busy(self) -> bool:
        return bool(self._watchers)

    def start(
        self,
        title: str,
        job: Job,
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_cancel: Callable[[], None] | None = None,
    ) -> CancelToken:
        token = CancelToken()
        runnable = _JobRunnable(job, token)
        runnable.setAutoDelete(False)
        watcher = _JobWatcher(
            self, runnable, title, on_success, on_error, on_cancel or (lambda: None)
        )
        self._watchers.append(watcher)
        self._pool.start(runnable)
        return token

    def forget(self, watcher: _JobWatcher) -> None:
        self._watchers.remove(watcher)
        watcher.deleteLater()

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the pool is idle (at shutdown, so no job is cut mid-write)."""
        return bool(self._pool.waitForDone(msecs))


class _BackgroundCall:
    """One job run by ``run_in_background`` and where its result should go."""

    def __init__(
        self,
        owner: QObject,
        token: CancelToken,
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self.owner = owner
        self.token = token
        self.on_success = on_success
        self.on_error = on_error

    def deliver(self, outcome: str, value: object) -> None:
        """On the GUI thread: call back unless cancelled or the owner was deleted meanwhile."""
        if outcome == "cancelled" or self.token.cancelled or not shiboken6.isValid(self.owner):
            return
        if outcome == "succeeded":
            self.on_success(value)
        else:
            assert isinstance(value, BaseException)
            self.on_error(value)


class _Dispatcher(QObject):
    """The one GUI-thread object through which background results come back.

    It lives as long as the application, so a worker never emits on an object being
    deleted. Workers know a call only by its number: the call (which holds the owner
    and its callbacks) is created and dropped on the GUI thread, so no Qt object is
    ever freed on a pool thread.
    """

    arrived = Signal(int, str, object)

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self.pending: dict[int, _BackgroundCall] = {}
        self._numbers = itertools.count(1)
        self.arrived.connect(self._deliver)

    def add(self, call: _BackgroundCall) -> int:
        number = next(self._numbers)
        self.pending[number] = call
        return number

    @Slot(int, str, object)
    def _deliver(self, number: int, outcome: str, value: object) -> None:
        call = self.pending.pop(number, None)
        if call is not None:
            call.deliver(outcome, value)


_dispatcher: _Dispatcher | None = None


def _the_dispatcher() -> _Dispatcher:
    global _dispatcher
    if _dispatcher is None or not shiboken6.isValid(_dispatcher):
        _dispatcher = _Dispatcher(QCoreApplication.instance())
    return _dispatcher


def run_in_background(
    owner: QObject,
    job: Callable[[CancelToken], Any],
    on_success: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
) -> CancelToken:
    """Run a short read-only job (a preview, a row count) on the pool, with no dialog.

    Call it on the GUI thread. The callbacks run there too, and only while ``owner``
    exists and the returned token is not cancelled; a job that polls the token also
    stops early. ``job`` must not hold Qt objects: it runs and is freed on the pool.
    """
    token = CancelToken()
    dispatcher = _the_dispatcher()
    number = dispatcher.add(_BackgroundCall(owner, token, on_success, on_error))
    arrived = dispatcher.arrived

    def work() -> None:
        try:
            result = job(token)
        except CancelledError:
            arrived.emit(number, "cancelled", None)
        except BaseException as error:  # reported on the GUI thread
            arrived.emit(number, "failed", error)
        else:
            arrived.emit(number, "succeeded", result)

    QThreadPool.globalInstance().start(work)
    return token


class ShownLoader:
    """A panel's background (re)load, run only while the panel is shown.

    A request while the panel is hidden waits for the next ``shown``; several requests at
    once (the tab shown, its currentChanged, an undo) share one load; a new load cancels
    the one under way. The Review and Clusters tabs load their figures this way.
    """

    def __init__(
        self,
        panel: QWidget,
        job_for: Callable[[], Callable[[CancelToken], Any] | None],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_started: Callable[[], None] = lambda: None,
    ) -> None:
        self.panel = panel
        self.job_for, self.on_done, self.on_error = job_for, on_done, on_error
        self.on_started = on_started
        #: Asked for while hidden: load when next shown.
        self.stale = False
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

    def shown(self) -> None:
        """Call from the panel's ``showEvent``."""
        if self.stale:
            self.request()

    def cancel(self) -> None:
        if self._token is not None:
            self._token.cancel()
            self._token = None

    def _start(self) -> None:
        self._scheduled = False
        job = self.job_for()
        if job is None:
            return
        self.cancel()
        self._token = run_in_background(self.panel, job, self._done, self._failed)
        self.on_started()

    def _done(self, result: Any) -> None:
        self._token = None
        self.on_done(result)

    def _failed(self, error: BaseException) -> None:
        self._token = None
        self.on_error(error)
