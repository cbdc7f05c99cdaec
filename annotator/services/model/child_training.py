"""Training in a child process, so the app's own process keeps its keys fast and its memory.

In a thread of the app, a million-post training made the label key's p95 83 ms (the GIL
shared with the vectoriser and scikit-learn's C loops) and held every post's text in the
app (1.4 GiB; benchmarks/workspace.py). A child process has its own interpreter and memory;
the parent's worker thread only waits on a queue. Cancelling ends the child: its write,
if one was under way, is rolled back by the database (SQLite's journal, PostgreSQL's
transaction), so a cancelled run stores nothing, as in a thread.

Only large projects: at 20,000 posts the child made the key slower, not faster (p95
65-90 ms against 26-27 ms in the thread, even at a lower priority; not explained yet),
while at a million it halved it (83 to 40 ms) and kept the app at 404 MiB. So projects
from ``CHILD_FROM`` posts train in a child, smaller ones in the calling thread. The
frozen app (PyInstaller) always trains in the thread: spawning its own executable as a
Python interpreter needs ``freeze_support`` wiring that the bundle does not have.
"""

from __future__ import annotations

import multiprocessing
import queue
import sys
from typing import Any

from annotator.domain.errors import CancelledError, UserError
from annotator.domain.progress import CancelToken, ProgressCallback, no_progress
from annotator.services.model.report import ModelReport, ModelSettings
from annotator.store.engine import Project
from annotator.store.queries import count_posts

#: Posts from which a project trains in a child process (the size where prediction also
#: goes to worker processes, services/model/features.py).
CHILD_FROM = 200_000
#: How much lower the child runs than the app (POSIX ``nice``; the window first).
_NICENESS = 10
#: How often the waiting thread looks at the cancel flag and the child's health (s).
_POLL_S = 0.1


def train_in_child(
    project: Project,
    settings: ModelSettings,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ModelReport:
    """``train_model`` on ``project``, in a child process from ``CHILD_FROM`` posts (else
    here); progress and the report come back over a queue, and errors as the exception
    the child raised (a ``UserError`` stays one, so "too few labels" reads the same)."""
    from annotator.services.model.training import train_model

    if getattr(sys, "frozen", False) or _posts(project) < CHILD_FROM:
        return train_model(project, settings, progress=progress, cancel=cancel)
    context = multiprocessing.get_context("spawn")
    messages: Any = context.Queue()
    child = context.Process(
        target=_child_main,
        args=(_target_of(project), settings, messages),
        name="annotator-training",
    )
    child.start()
    try:
        while True:
            if cancel is not None and cancel.cancelled:
                raise CancelledError("cancelled")
            try:
                kind, payload = messages.get(timeout=_POLL_S)
            except queue.Empty:
                if not child.is_alive() and messages.empty():
                    raise RuntimeError(
                        f"the training process ended unexpectedly (exit code {child.exitcode})"
                    ) from None
                continue
            if kind == "progress":
                progress(*payload)
            elif kind == "report":
                report: ModelReport = payload
                return report
            else:
                raise payload
    finally:
        if child.is_alive():
            child.terminate()
        child.join(timeout=10)
        messages.close()


def _posts(project: Project) -> int:
    with project.session() as session:
        return count_posts(session)


def _target_of(project: Project) -> str:
    """What the child opens: the file, or the server URL with its password."""
    if project.is_sqlite:
        return project.location
    return project.engine.url.render_as_string(hide_password=False)


def _child_main(target: str, settings: ModelSettings, messages: Any) -> None:
    """The child: open the project, train, send the report (or the error) back. At a
    lower priority: on two cores the training would otherwise take the CPU the window
    needs between keys (its joblib workers inherit the priority)."""
    import os

    if hasattr(os, "nice"):
        os.nice(_NICENESS)
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
