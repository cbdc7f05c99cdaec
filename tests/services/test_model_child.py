"""Training in a child process: the same report and stored run, its errors as sentences,
and a cancel that stores nothing."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.domain.errors import CancelledError, UserError
from annotator.domain.progress import CancelToken
from annotator.services.model.child_training import stop_training_child, train_in_child
from annotator.services.model.report import ModelSettings
from annotator.services.model.stored_predictions import latest_report
from tests.services.test_model import _project


@pytest.fixture(autouse=True)
def always_in_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every project trains in the child (the default); set here so a test that changes
    the threshold cannot leak into these."""
    monkeypatch.setattr("annotator.services.model.child_training.CHILD_FROM", 0)


def _counts(project) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with project.engine.connect() as connection:
        runs = connection.execute(text("SELECT count(*) FROM model_run")).scalar_one()
        rows = connection.execute(text("SELECT count(*) FROM post_prediction")).scalar_one()
    return runs, rows


def test_a_child_process_trains_and_stores_the_run(tmp_path: Path) -> None:
    project, made = _project(tmp_path / "p.annotator", tmp_path, posts=200, labeled=150)
    steps: list[str] = []

    def progress(done: int, total: int, what: str) -> None:
        steps.append(what)

    report = train_in_child(project, ModelSettings(folds=3), progress=progress)
    assert report.labels_used == 150 and report.predicted_posts == len(made.truth)
    assert _counts(project) == (1, len(made.truth))
    stored = latest_report(project)
    assert stored is not None and stored.labels_hash == report.labels_hash
    assert steps and steps[-1].startswith("Predicted")
    project.close()


def test_a_users_mistake_comes_back_as_the_same_sentence(tmp_path: Path) -> None:
    project, _ = _project(tmp_path / "tiny.annotator", tmp_path, posts=30, labeled=8, campaigns=0)
    with pytest.raises(UserError, match="needs at least 20, so label 12 more"):
        train_in_child(project, ModelSettings())
    project.close()


def test_cancel_ends_the_child_and_stores_nothing(tmp_path: Path) -> None:
    project, _ = _project(tmp_path / "c.annotator", tmp_path, posts=400, labeled=300)
    cancel = CancelToken()

    def progress(done: int, total: int, what: str) -> None:
        if done >= 1:  # cancel once the child is under way
            cancel.cancel()

    before = threading.active_count()
    with pytest.raises(CancelledError):
        train_in_child(project, ModelSettings(folds=3), progress=progress, cancel=cancel)
    training = [c for c in multiprocessing.active_children() if c.name == "annotator-training"]
    assert not training  # ended, not left training
    assert _counts(project) == (0, 0)
    assert threading.active_count() <= before + 1  # the queue's feeder may linger a moment
    project.close()


def test_a_small_project_trains_in_the_calling_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("annotator.services.model.child_training.CHILD_FROM", 10_000)
    project, _ = _project(tmp_path / "s.annotator", tmp_path, posts=200, labeled=150)
    started = multiprocessing.Process.start
    spawned: list[object] = []
    monkeypatch.setattr(
        multiprocessing.process.BaseProcess,
        "start",
        lambda self: (spawned.append(self), started(self))[1],
    )
    train_in_child(project, ModelSettings(folds=3))
    assert spawned == [] and _counts(project)[0] == 1
    project.close()


def _training_children() -> list[multiprocessing.Process]:
    return [c for c in multiprocessing.active_children() if c.name == "annotator-training"]


def test_one_child_serves_run_after_run_and_a_cancel_starts_a_new_one(tmp_path: Path) -> None:
    """Starting a process and importing scikit-learn for every run took the window's CPU:
    the child waits for the next run instead; a cancelled run ends it, and the next run
    starts another that trains as well."""
    first, _ = _project(tmp_path / "a.annotator", tmp_path, posts=200, labeled=150)
    second, _ = _project(tmp_path / "b.annotator", tmp_path, posts=200, labeled=150)
    train_in_child(first, ModelSettings(folds=3))
    [child] = _training_children()
    train_in_child(second, ModelSettings(folds=3))
    assert [c.pid for c in _training_children()] == [child.pid]
    assert _counts(first)[0] == 1 and _counts(second)[0] == 1

    cancel = CancelToken()
    with pytest.raises(CancelledError):
        train_in_child(
            first,
            ModelSettings(folds=3),
            progress=lambda done, total, what: cancel.cancel(),
            cancel=cancel,
        )
    assert not _training_children() and _counts(first)[0] == 1
    train_in_child(first, ModelSettings(folds=3))
    [again] = _training_children()
    assert again.pid != child.pid and _counts(first)[0] == 2
    stop_training_child()
    assert not _training_children()
    first.close()
    second.close()


def test_a_killed_child_is_a_failed_run_and_the_next_run_starts_another(tmp_path: Path) -> None:
    """The training process killed mid-run (out of memory, a person with `kill`): that run
    fails with a sentence and stores nothing; the next one trains in a new process."""
    import os
    import signal

    project, _ = _project(tmp_path / "k.annotator", tmp_path, posts=400, labeled=300)

    def kill_it(done: int, total: int, what: str) -> None:
        for child in _training_children():
            os.kill(child.pid or 0, signal.SIGKILL)

    with pytest.raises(RuntimeError, match="ended unexpectedly"):
        train_in_child(project, ModelSettings(folds=3), progress=kill_it)
    assert _counts(project) == (0, 0)
    report = train_in_child(project, ModelSettings(folds=3))
    assert report.labels_used == 300 and _counts(project)[0] == 1
    project.close()


_EXIT_SCRIPT = """
import sys
from pathlib import Path
import annotator.services.model.child_training as child_training  # before multiprocessing
from annotator.services.model.report import ModelSettings
from tests.services.test_model import _project

project, _ = _project(Path(sys.argv[1]) / "e.annotator", Path(sys.argv[1]), posts=200, labeled=150)
child_training.train_in_child(project, ModelSettings(folds=3))
project.close()
"""


def test_a_program_that_trained_exits_at_once(tmp_path: Path) -> None:
    """The waiting child is told to end at exit: when this module was imported before
    multiprocessing's own, the exit waited ten minutes for the child's idle timeout."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _EXIT_SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
