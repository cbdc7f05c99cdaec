"""Backups of a project as the app offers them: list them, put one back."""

from __future__ import annotations

import stat
from pathlib import Path

from annotator.domain.errors import ProjectError
from annotator.store.backup import list_backups, restore_backup
from annotator.store.engine import Project


def project_backups(project: Project) -> list[Path]:
    """The project's backups, newest first (none for a database server). Only files the
    app wrote there: anything else a person put in the backups folder is not offered."""
    return list_backups(Path(project.location)) if project.is_sqlite else []


def restore(location: str, backup: Path) -> Path | None:
    """Put ``backup`` in place of the closed project at ``location``; returns the backup
    of the file it replaced. A FIFO or folder chosen as backup is refused (reading a FIFO
    would block forever)."""
    try:
        regular = stat.S_ISREG(backup.stat().st_mode)
    except OSError as error:
        raise ProjectError(f"{backup}: cannot read the backup ({error.strerror})") from error
    if not regular:
        raise ProjectError(f"{backup}: is not a regular file, so it is not a backup")
    return restore_backup(Path(location), backup)
