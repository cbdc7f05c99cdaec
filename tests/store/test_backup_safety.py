"""Backups never cost the user a file: pruning touches only the app's own backups, never
through a link; a backup cut short never counts among the kept ones."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from annotator.domain.errors import ProjectError
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.project.backups import project_backups
from annotator.services.project.projects import Project
from annotator.store.backup import backups_dir, list_backups, make_backup


def test_a_symlinked_backups_folder_is_refused_and_its_target_untouched(
    tmp_path: Path, small_project: Project, small_csv: Path
) -> None:
    path = Path(small_project.location)
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("holiday.jpg", "cat.jpg", "20240101T000000000000Z-x.annotator"):
        (photos / name).write_bytes(b"precious")
    folder = backups_dir(path)
    for old in list_backups(path):
        old.unlink()
    folder.rmdir()
    folder.symlink_to(photos, target_is_directory=True)

    with pytest.raises(ProjectError, match="symbolic link"):
        import_dataset(small_project, small_csv, ImportOptions(dataset="again"))
    for _ in range(12):
        with pytest.raises(ProjectError):
            make_backup(path, "manual", keep=1)

    assert sorted(p.name for p in photos.iterdir()) == [
        "20240101T000000000000Z-x.annotator",
        "cat.jpg",
        "holiday.jpg",
    ]
    assert all(p.read_bytes() == b"precious" for p in photos.iterdir())
    assert project_backups(small_project) == []


def test_twelve_backups_and_a_foreign_file_the_foreign_file_survives(project: Project) -> None:
    path = Path(project.location)
    folder = backups_dir(path)
    folder.mkdir(exist_ok=True)
    (folder / "notes.txt").write_text("mine")
    (folder / "subfolder").mkdir()
    os.mkfifo(folder / "20000101T000000000000Z-fifo.annotator")
    made = [make_backup(path, f"n{i}") for i in range(12)]

    kept = list_backups(path)
    assert kept == sorted(p for p in made if p is not None)[-10:][::-1]
    assert (folder / "notes.txt").read_text() == "mine"
    assert (folder / "subfolder").is_dir()
    assert (folder / "20000101T000000000000Z-fifo.annotator").exists()
    assert len([p for p in folder.iterdir() if p.name.endswith(".annotator")]) == 11


def test_a_link_named_like_a_backup_is_never_followed(tmp_path: Path, project: Project) -> None:
    path = Path(project.location)
    outside = tmp_path / "outside.annotator"
    outside.write_bytes(b"keep me")
    folder = backups_dir(path)
    folder.mkdir(exist_ok=True)
    (folder / "19990101T000000000000Z-old.annotator").symlink_to(outside)
    for i in range(3):
        make_backup(path, f"n{i}", keep=1)
    assert outside.read_bytes() == b"keep me"
    assert (folder / "19990101T000000000000Z-old.annotator").is_symlink()
    assert len(list_backups(path)) == 1


def test_a_backup_cut_short_by_a_full_disk_is_never_kept(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(project.location)
    good = make_backup(path, "good")
    assert good is not None

    def full_disk(_self: Path, _target: str | os.PathLike[str]) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "replace", full_disk)
    with pytest.raises(OSError):
        make_backup(path, "cut-short")
    monkeypatch.undo()

    assert list_backups(path) == [good]
    assert [p.name for p in backups_dir(path).iterdir()] == [good.name]


def test_stale_temporaries_of_a_killed_backup_are_cleaned_at_the_next(project: Project) -> None:
    path = Path(project.location)
    folder = backups_dir(path)
    folder.mkdir(exist_ok=True)
    stale = folder / ".20240101T000000000000Z-before-import.annotator.partial"
    stale.write_bytes(b"SQLite format 3\x00 half")
    fresh = folder / ".20240101T000001000000Z-before-import.annotator.partial"
    fresh.write_bytes(b"SQLite format 3\x00 being written")
    foreign = folder / ".my-own.partial"
    foreign.write_bytes(b"mine")
    old = 1_000_000_000
    for entry in (stale, foreign):
        os.utime(entry, (old, old))

    made = make_backup(path, "next")

    assert not stale.exists()
    assert fresh.exists() and foreign.exists()
    assert list_backups(path) == [made]
    connection = sqlite3.connect(str(made))
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
