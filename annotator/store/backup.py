"""Rolling backups of SQLite project files, made with SQLite's online backup API (a
consistent copy even while someone is labeling), kept beside the project.

The backups folder is the app's, but a person can put anything there (or make it a link
to a folder of their own), so pruning touches only regular files named the way this
module names them, and never works through a symbolic link.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import stat
import time
from datetime import UTC, datetime
from pathlib import Path

from annotator.domain.errors import ProjectError

KEEP = 10
#: A temporary left by a killed or failed backup is removed once it is this old (seconds);
#: a younger one may belong to a backup another program is writing right now.
STALE_AFTER = 600.0

_STAMP = r"\d{8}T\d{12}Z-[A-Za-z0-9._-]+"
#: A finished backup: ``<UTC stamp>-<reason><suffix>``.
_BACKUP_NAME = re.compile(rf"^{_STAMP}$")
#: A backup being written: ``.<final name>.partial`` (and SQLite's journal beside it).
_PARTIAL_NAME = re.compile(rf"^\.{_STAMP}\.partial(-journal)?$")


def backups_dir(project_file: Path) -> Path:
    """``.<name>.backups`` beside the project file."""
    return project_file.parent / f".{project_file.name}.backups"


def _is_regular(path: Path) -> bool:
    """A regular file itself, not a link to one (``lstat``), nor a FIFO or a folder."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _own_folder(project_file: Path) -> Path:
    """The backups folder, created if missing. A folder that is a symbolic link is refused
    rather than resolved: the app never creates a link, so a link points at somebody's
    own folder, and pruning there would delete their files."""
    folder = backups_dir(project_file)
    if folder.is_symlink():
        raise ProjectError(
            f"{folder}: the backups folder is a symbolic link; the app writes and prunes "
            "backups only in a real folder, so nothing was written: remove the link "
            "(the folder it points to is left alone) and try again"
        )
    try:
        folder.mkdir(exist_ok=True)
    except FileExistsError as error:
        raise ProjectError(
            f"{folder}: is a file where the app keeps its backups folder; move it away "
            "and try again"
        ) from error
    return folder


def _remove_stale_partials(folder: Path) -> None:
    """Delete temporaries of backups that were killed or failed (disk full) long ago."""
    now = time.time()
    for entry in folder.iterdir():
        if not _PARTIAL_NAME.match(entry.name) or not _is_regular(entry):
            continue
        try:
            if now - entry.lstat().st_mtime >= STALE_AFTER:
                entry.unlink()
        except OSError:
            continue


def make_backup(
    project_file: Path, reason: str, keep: int = KEEP, *, prune: bool = True
) -> Path | None:
    """Copy the project file now; keep the newest ``keep`` backups (unless ``prune`` is
    False: the caller prunes once its write has landed). None if no file yet.

    The copy is written under a temporary name and renamed when complete, so a backup
    cut short (killed, disk full) is never counted among the ``keep``.
    """
    if not project_file.exists():
        return None
    folder = _own_folder(project_file)
    _remove_stale_partials(folder)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{stamp}-{reason}{project_file.suffix or '.annotator'}"
    partial = folder / f".{target.name}.partial"
    source = sqlite3.connect(f"{project_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        destination = sqlite3.connect(partial)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        Path(f"{partial}-journal").unlink(missing_ok=True)
        raise
    finally:
        source.close()
    if prune:
        prune_backups(project_file, keep)
    return target


def prune_backups(project_file: Path, keep: int = KEEP) -> None:
    """Delete all but the newest ``keep`` of the app's own backups of the project."""
    for old in list_backups(project_file)[keep:]:
        old.unlink(missing_ok=True)


def list_backups(project_file: Path) -> list[Path]:
    """The app's backups of the project, newest first: regular files of its own naming
    in a real (not linked) backups folder; anything else there is not ours."""
    folder = backups_dir(project_file)
    if folder.is_symlink() or not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if _BACKUP_NAME.match(p.name) and _is_regular(p)),
        reverse=True,
    )


def restore_backup(project_file: Path, backup: Path) -> Path | None:
    """Put ``backup`` in place of the project (closed by the caller); the current file is
    backed up first, so a restore can itself be undone."""
    safety = make_backup(project_file, "before-restore")
    for suffix in ("-wal", "-shm"):
        Path(f"{project_file}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, project_file)
    return safety
