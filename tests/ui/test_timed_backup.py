"""The timed backup never interrupts labeling: a refusal is said once in the status bar,
and a read-only project shows it in the title and is not backed up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.services.project.projects import Project
from annotator.store.backup import backups_dir
from annotator.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_a_refused_timed_backup_is_said_once_without_a_dialog(
    make_window: Callable[..., MainWindow],
    small_project: Project,
    tmp_path: Path,
    errors: list[str],
) -> None:
    path = Path(small_project.location)
    small_project.close()
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "holiday.jpg").write_bytes(b"not really a photo")
    import shutil

    shutil.rmtree(backups_dir(path))  # the import's backup: the folder becomes a link
    backups_dir(path).symlink_to(photos, target_is_directory=True)
    window = make_window(path)
    status = window.statusBar()
    window.file_jobs.timed_backup()
    assert "symbolic link" in status.currentMessage()
    status.clearMessage()
    window.file_jobs.timed_backup()
    assert status.currentMessage() == ""
    assert errors == []
    assert [p.name for p in photos.iterdir()] == ["holiday.jpg"]


def test_a_read_only_project_says_so_in_the_title(
    make_window: Callable[..., MainWindow],
    small_project: Project,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import annotator.store.engine as engine

    path = Path(small_project.location)
    small_project.close()
    monkeypatch.setattr(engine, "is_read_only_file", lambda _path: True)
    window = make_window(path)
    assert "(read-only)" in window.windowTitle()
    before = sorted(backups_dir(path).iterdir())
    window.file_jobs.timed_backup()
    assert sorted(backups_dir(path).iterdir()) == before
