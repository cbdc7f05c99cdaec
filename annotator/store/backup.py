"""Rolling backups of SQLite project files, made with SQLite's online backup API (a
consistent copy even while someone is labeling), kept beside the project."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

KEEP = 10


def backups_dir(project_file: Path) -> Path:
    """``.<name>.backups`` beside the project file."""
    return project_file.parent / f".{project_file.name}.backups"


def make_backup(project_file: Path, reason: str, keep: int = KEEP) -> Path | None:
    """Copy the project file now; keep the newest ``keep`` backups. None if no file yet."""
    if not project_file.exists():
        return None
    folder = backups_dir(project_file)
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{stamp}-{reason}{project_file.suffix or '.annotator'}"
    source = sqlite3.connect(f"{project_file.resolve().as_uri()}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
    finally:
        source.close()
        destination.close()
    for old in list_backups(project_file)[keep:]:
        old.unlink(missing_ok=True)
    return target


def list_backups(project_file: Path) -> list[Path]:
    """Backups of the project, newest first."""
    folder = backups_dir(project_file)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.is_file()), reverse=True)


def restore_backup(project_file: Path, backup: Path) -> Path | None:
    """Put ``backup`` in place of the project (closed by the caller); the current file is
    backed up first, so a restore can itself be undone."""
    safety = make_backup(project_file, "before-restore")
    for suffix in ("-wal", "-shm"):
        Path(f"{project_file}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, project_file)
    return safety
