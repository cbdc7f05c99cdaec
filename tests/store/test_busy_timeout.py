"""A short wait for the write lock on one thread (the GUI's saves), the long one elsewhere."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.domain.errors import ProjectBusyError
from annotator.services.project.projects import Project, busy_timeout, init_project, open_project
from annotator.store.engine import BUSY_TIMEOUT_MS
from annotator.store.tables import ProjectMeta


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    path = tmp_path / "p.annotator"
    init_project(path).close()
    opened = open_project(path)
    yield opened
    opened.close()


def _wait_of(project: Project) -> int:
    with project.session() as session:
        return int(session.execute(text("PRAGMA busy_timeout")).scalar_one())


def test_sessions_inside_the_block_wait_briefly_and_the_default_comes_back(
    project: Project,
) -> None:
    assert _wait_of(project) == BUSY_TIMEOUT_MS
    with busy_timeout(250):
        assert _wait_of(project) == 250
    # The same pooled connection is handed out again, with the long wait restored.
    assert _wait_of(project) == BUSY_TIMEOUT_MS


def test_the_short_wait_is_this_threads_only(project: Project) -> None:
    seen: list[int] = []
    with busy_timeout(250):
        worker = threading.Thread(target=lambda: seen.append(_wait_of(project)))
        worker.start()
        worker.join()
        assert _wait_of(project) == 250
    assert seen == [BUSY_TIMEOUT_MS]


def test_a_write_gives_up_after_the_short_wait_while_another_program_writes(
    project: Project,
) -> None:
    other = sqlite3.connect(project.location, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        started = time.monotonic()
        with busy_timeout(250), pytest.raises(ProjectBusyError), project.session() as session:
            session.add(ProjectMeta(key="note", value="written while busy"))
        waited = time.monotonic() - started
    finally:
        other.rollback()
        other.close()
    assert 0.2 <= waited < 2.0  # it did wait, but nowhere near the default 10 s
    with project.session() as session:
        session.add(ProjectMeta(key="note", value="written when free"))
    with project.session() as session:
        assert session.get(ProjectMeta, "note") is not None
