"""Backups of a project as the app offers them: list them, put one back."""

from __future__ import annotations

from pathlib import Path

from annotator.store.backup import list_backups, restore_backup
from annotator.store.engine import Project


def project_backups(project: Project) -> list[Path]:
    """The project's backups, newest first (none for a database server)."""
    return list_backups(Path(project.location)) if project.is_sqlite else []


def restore(location: str, backup: Path) -> Path | None:
    """Put ``backup`` in place of the closed project at ``location``; returns the backup
    of the file it replaced."""
    return restore_backup(Path(location), backup)
