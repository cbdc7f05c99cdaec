"""Writing a file so it lands whole or not at all: a temporary file beside the target, synced
to disk, then renamed over it with ``os.replace``; on an error or a cancel it is removed.

Two forms on one core: ``atomic_write`` yields an open file, for code that writes to a
stream; ``temporary_path_for`` yields the temporary file's path, for writers that want a
path of their own (pyarrow, openpyxl, another service's export).

Hand-written on purpose: none of the project's dependencies offers it, and the small
libraries that do (``atomicwrites``, now archived by its author; ``boltons.fileutils``)
are not worth a dependency for thirty lines.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, TextIO, overload

from annotator.domain.errors import UserError


@overload
def atomic_write(
    target: Path,
    *,
    mode: Literal["w"] = "w",
    encoding: str = "utf-8",
    newline: str | None = "\n",
) -> AbstractContextManager[TextIO]: ...


@overload
def atomic_write(
    target: Path, *, mode: Literal["wb"], encoding: None = None, newline: None = None
) -> AbstractContextManager[BinaryIO]: ...


def atomic_write(
    target: Path,
    *,
    mode: Literal["w", "wb"] = "w",
    encoding: str | None = "utf-8",
    newline: str | None = "\n",
) -> AbstractContextManager[Any]:
    """An open file whose content replaces ``target`` when the block ends without an error.

    Text is UTF-8 with ``\\n`` line ends unless told otherwise, the same on every system."""
    if mode == "wb":
        return _opened_beside(target, mode, None, None)
    return _opened_beside(target, mode, encoding, newline)


@contextmanager
def _opened_beside(
    target: Path, mode: str, encoding: str | None, newline: str | None
) -> Iterator[IO[Any]]:
    with _temporary_beside(target) as temporary:
        with temporary.open(mode, encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _put_in_place(temporary, target)


@contextmanager
def temporary_path_for(target: Path) -> Iterator[Path]:
    """An empty file beside ``target`` to write by path; it replaces ``target`` when the
    block ends without an error. Close whatever wrote it before the block ends."""
    with _temporary_beside(target) as temporary:
        yield temporary
        descriptor = os.open(temporary, os.O_RDWR)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        _put_in_place(temporary, target)


@contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """A new empty file in the target's folder (so the rename never crosses file systems),
    removed when the block raises, including on a cancel or Ctrl+C."""
    if not target.parent.is_dir():
        raise UserError(f"{target}: the folder {target.parent} does not exist")
    temporary = _create(target)
    try:
        yield temporary
    except BaseException:
        # Still open elsewhere (Windows) it stays: the first error is the one to report.
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise


#: A temporary this old was left by a write that was killed (a live one is being written).
STALE_AFTER_SECONDS = 600


def _temporary_pattern(target: Path) -> re.Pattern[str]:
    """The names ``_create`` gives temporaries of ``target``, with SQLite's side files."""
    stem, suffix = re.escape(target.stem), re.escape(target.suffix)
    return re.compile(rf"\.{stem}\.[0-9a-f]{{8}}{suffix}(-wal|-shm|-journal)?")


def remove_stale_temporaries(target: Path, *, now: float | None = None) -> list[Path]:
    """Remove what killed writes of ``target`` left beside it: only regular files with the
    names this module gives, older than ``STALE_AFTER_SECONDS``, never through a link."""
    pattern, removed = _temporary_pattern(target), []
    moment = time.time() if now is None else now
    with suppress(OSError):
        for entry in os.scandir(target.parent):
            if not pattern.fullmatch(entry.name) or not entry.is_file(follow_symlinks=False):
                continue
            with suppress(OSError):
                if moment - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_SECONDS:
                    stale = Path(entry.path)
                    stale.unlink()
                    removed.append(stale)
    return removed


def _create(target: Path) -> Path:
    """A hidden, unique name that keeps the target's suffix; created with the permissions
    an ordinary ``open`` would give (``mkstemp`` would make it readable by its owner only).
    Temporaries that killed writes of the same target left behind go first."""
    remove_stale_temporaries(target)
    while True:
        temporary = target.with_name(f".{target.stem}.{secrets.token_hex(4)}{target.suffix}")
        try:
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return temporary


def _put_in_place(temporary: Path, target: Path) -> None:
    """Rename over the target, then sync the folder so the rename itself survives a crash
    (POSIX only; Windows cannot open a folder for syncing)."""
    temporary.replace(target)
    if os.name != "posix":
        return
    # Some file systems refuse to sync a folder; the file itself is synced by then.
    with suppress(OSError):
        descriptor = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
