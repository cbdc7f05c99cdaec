"""Training in a child process, so the app's own process keeps its keys fast and its memory.

In a thread of the app, a million-post training made the label key's p95 83 ms (the GIL
shared with the vectoriser and scikit-learn's C loops) and held every post's text in the
app (1.4 GiB; benchmarks/workspace.py). A child process has its own interpreter and memory;
the parent's worker thread only waits on a queue.

One child serves every training of the app's life (``_Trainer``): the model retrains every
50 labels by default, and starting a process and importing scikit-learn for each run took
the CPU the window needed between keys (at 20,000 posts the key's p95 was 65-90 ms with a
new process per run, 26-29 ms in a thread, see the README's Workspace section). The child
waits for the next job at a lower priority, gives its memory back after each run, and ends
after ``IDLE_EXIT_S`` without a job, when the app exits, or when the app dies.

Cancelling ends the child (the next run starts another): its write, if one was under way,
is rolled back by the database (SQLite's journal, PostgreSQL's transaction), so a cancelled
run stores nothing, as in a thread.

The frozen app (PyInstaller) trains in the calling thread: spawning its own executable as
a Python interpreter needs ``freeze_support`` wiring that the bundle does not have.
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.util  # registers its exit handler now, before ours (see below)
import queue
import sys
import threading
from typing import Any

from annotator.domain.errors import CancelledError, UserError
from annotator.domain.progress import CancelToken, ProgressCallback, no_progress
from annotator.services.model.report import ModelReport, ModelSettings
from annotator.store.engine import Project
from annotator.store.queries import count_posts

#: Posts from which a project trains in the child (0: every project). Kept as a setting
#: for the tests that check the thread's path.
CHILD_FROM = 0
#: How much lower the child runs than the app (POSIX ``nice``; the window first).
_NICENESS = 10
#: How often the waiting thread looks at the cancel flag and the child's health (s).
_POLL_S = 0.1
#: The child ends after this long without a job (s): a person who stopped labeling does
#: not keep a process of a few hundred MiB.
IDLE_EXIT_S = 600.0


class _Trainer:
    """The one training child of this process: started on the first job, reused after."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: Any = None
        self._jobs: Any = None
        self._messages: Any = None

    def run(
        self, target: str, settings: ModelSettings, progress: ProgressCallback, cancel: CancelToken
    ) -> ModelReport:
        """One training in the child, one at a time (a second caller waits)."""
        with self._lock:
            if cancel.cancelled:
                raise CancelledError("cancelled")
            self._start()
            self._jobs.put((target, settings))
            try:
                return self._wait(progress, cancel)
            except BaseException:
                # Cancelled, or the child died: it is not reused in an unknown state.
                self._stop(wait=False)
                raise

    def _start(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        self._stop(wait=False)
        context = multiprocessing.get_context("spawn")
        self._jobs, self._messages = context.Queue(), context.Queue()
        self._process = context.Process(
            target=_child_main,
            args=(self._jobs, self._messages),
            name="annotator-training",
        )
        self._process.start()

    def _wait(self, progress: ProgressCallback, cancel: CancelToken) -> ModelReport:
        process, messages = self._process, self._messages
        while True:
            if cancel.cancelled:
                raise CancelledError("cancelled")
            try:
                kind, payload = messages.get(timeout=_POLL_S)
            except queue.Empty:
                if not process.is_alive() and messages.empty():
                    raise RuntimeError(
                        f"the training process ended unexpectedly (exit code {process.exitcode})"
                    ) from None
                continue
            if kind == "progress":
                progress(*payload)
            elif kind == "report":
                report: ModelReport = payload
                return report
            else:
                raise payload

    def _stop(self, *, wait: bool) -> None:
        """End the child: asked to finish (at exit) or terminated (cancel, failure)."""
        process, jobs, messages = self._process, self._jobs, self._messages
        self._process = self._jobs = self._messages = None
        if process is None:
            return
        if wait and process.is_alive():
            jobs.put(None)
            process.join(timeout=2)
        if process.is_alive():
            process.terminate()
        process.join(timeout=10)
        for channel in (jobs, messages):
            channel.close()
            channel.cancel_join_thread()  # nothing left in them is wanted

    def stop(self) -> None:
        with self._lock:
            self._stop(wait=True)


_trainer = _Trainer()
# Registered after multiprocessing's own exit handler (imported above for that), so it
# runs first (LIFO) and the waiting child is told to end before multiprocessing joins it:
# the other way round, the exit waited for the child's idle timeout (ten minutes).
atexit.register(_trainer.stop)


def train_in_child(
    project: Project,
    settings: ModelSettings,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ModelReport:
    """``train_model`` on ``project`` in the training child (from ``CHILD_FROM`` posts;
    else here); progress and the report come back over a queue, and errors as the
    exception the child raised (a ``UserError`` stays one, so "too few labels" reads the
    same)."""
    if getattr(sys, "frozen", False) or (CHILD_FROM and _posts(project) < CHILD_FROM):
        # Imported here only: the app's own process never needs scikit-learn otherwise.
        from annotator.services.model.training import train_model

        return train_model(project, settings, progress=progress, cancel=cancel)
    return _trainer.run(_target_of(project), settings, progress, cancel or CancelToken())


def stop_training_child() -> None:
    """End the training child now (the tests; the app ends it at exit); the next run
    starts one."""
    _trainer.stop()


def _posts(project: Project) -> int:
    with project.session() as session:
        return count_posts(session)


def _target_of(project: Project) -> str:
    """What the child opens: the file, or the server URL with its password."""
    if project.is_sqlite:
        return project.location
    return project.engine.url.render_as_string(hide_password=False)


def _child_main(jobs: Any, messages: Any) -> None:
    """The child: take jobs until told to stop, idle too long, or the app is gone. At a
    lower priority: on two cores the training would otherwise take the CPU the window
    needs between keys (its joblib workers inherit the priority)."""
    import os

    if hasattr(os, "nice"):
        os.nice(_NICENESS)
    import annotator.services.model.training  # noqa: F401 (imported once, while waiting)

    parent = multiprocessing.parent_process()
    idle = 0.0
    while True:
        try:
            job = jobs.get(timeout=1.0)
        except queue.Empty:
            idle += 1.0
            if idle >= IDLE_EXIT_S or (parent is not None and not parent.is_alive()):
                return
            continue
        if job is None:
            return
        idle = 0.0
        target, settings = job
        _train_one(target, settings, messages)
        _give_memory_back()


def _train_one(target: str, settings: ModelSettings, messages: Any) -> None:
    from annotator.services.model.training import train_model
    from annotator.store.engine import open_project

    try:
        project = open_project(target, check_structure=False)
        try:
            report = train_model(
                project,
                settings,
                progress=lambda done, total, what: messages.put(("progress", (done, total, what))),
            )
        finally:
            project.close()
        messages.put(("report", report))
    except BaseException as error:
        messages.put(("error", _sendable(error)))


def _give_memory_back() -> None:
    """Between runs the child holds no texts: free what the run left (glibc keeps freed
    memory in the process unless trimmed; elsewhere the collection alone)."""
    import contextlib
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _sendable(error: BaseException) -> BaseException:
    """The error itself when it crosses the queue intact, else its sentence: a user's
    mistake stays a ``UserError``, anything else a ``RuntimeError``."""
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        kind = UserError if isinstance(error, UserError) else RuntimeError
        return kind(str(error))
