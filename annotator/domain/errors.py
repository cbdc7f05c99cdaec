"""Errors that are the user's to fix, carrying where in which file the problem is."""

from __future__ import annotations

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
