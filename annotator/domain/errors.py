"""Errors that are the user's to fix, carrying where in which file the problem is."""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass


@dataclass
class UserError(Exception):
    """A mistake in the user's input: shown as one sentence, never as a traceback.

    ``row`` is 1-based as a spreadsheet shows it (header is row 1 for CSV files,
    line numbers for JSON Lines).
    """

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ProjectError(UserError):
    """The project file or URL cannot be opened as an annotator project."""


class ProjectBusyError(UserError):
    """Another program held the project's write lock for longer than we wait; nothing
    was written, and the same action can simply be tried again."""


class CancelledError(Exception):
    """A long job was cancelled by the user; nothing it did remains."""


class MachineError(UserError):
    """The machine, not the input, stopped the work (disk full, read-only, no permission);
    nothing was changed, and the sentence says what to do."""


def machine_error(error: BaseException, *, where: str | None = None) -> MachineError | None:
    """The one sentence for an environment failure, or None when ``error`` is not one.
    Kept in one place so the CLI (exit 2), the window and a project's session say the
    same thing: an ``OSError`` by its errno, SQLite's own texts by their words."""
    text = str(getattr(error, "orig", None) or error)
    number = error.errno if isinstance(error, OSError) else None
    name = where or (getattr(error, "filename", None) if isinstance(error, OSError) else None)
    place = f"{name}: " if name else ""
    if number == errno.ENOSPC or "database or disk is full" in text:
        return MachineError(
            f"the disk is full: {place}nothing was saved; free some space and try again"
        )
    if number == errno.EROFS or "readonly database" in text:
        return MachineError(
            f"the project is read-only (permissions): {place}nothing was saved; make it "
            "writable (or copy it to a writable folder) to change it"
        )
    if number in (errno.EACCES, errno.EPERM):
        return MachineError(
            f"permission denied: {place}nothing was saved; choose a place you may write to"
        )
    return _server_error(text, place)


#: What PostgreSQL and libpq say when the server went away mid-work.
_SERVER_GONE = (
    "server closed the connection",
    "terminating connection due to administrator command",
    "the connection is closed",
    "connection already closed",
    "could not receive data from server",
    "SSL connection has been closed unexpectedly",
)


#: What PostgreSQL says when it takes no more connections (server, database or role).
_SERVER_FULL = (
    "too many clients",
    "remaining connection slots are reserved",
    "too many connections for",
)


def _server_error(text: str, place: str) -> MachineError | None:
    """A database server that went away, stopped answering or has no connection left for
    one more program, in one sentence with the hint for that failure only."""
    denied = re.search(r"(permission denied for|must be owner of) [a-z ]+ \"?[\w.]+\"?", text)
    if denied:
        return MachineError(
            f"the database refused this login ({denied.group(0)}): {place}nothing was "
            "saved; ask the project's lead to grant the team's rights (README: PostgreSQL "
            "for teams)"
        )
    if any(sign in text for sign in _SERVER_FULL):
        return MachineError(
            f"the database server has no free connection (too many programs are connected): "
            f"{place}nothing was saved; close some of them or ask for a higher "
            "max_connections, then run it again"
        )
    if "canceling statement due to statement timeout" in text:
        return MachineError(
            f"the database server did not finish one step in time: {place}nothing was "
            "saved; check that the server is not overloaded or waiting on another "
            "program's lock, then run it again"
        )
    if any(sign in text for sign in _SERVER_GONE):
        return MachineError(
            f"the database server closed the connection: {place}nothing was saved; run "
            "it again once the server is back"
        )
    return None
