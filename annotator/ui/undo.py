"""Wraps the services' label commands in QUndoCommands on one QUndoStack."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.domain.records import AnnotationChange
from annotator.services.annotating import SetAnnotationCommand
from annotator.services.batch_labeling import BatchLabelCommand


class AnnotationUndoCommand(QUndoCommand):
    """redo() applies the change, undo() restores what was there; both commit at once.

    ``on_applied`` tells the window which post changed and whether it now has a label,
    so the view can follow undo and redo across posts. The caller runs the command's
    first ``do`` itself (so a failure never leaves a command on the stack); the redo that
    ``QUndoStack.push`` makes then only reports it.
    """

    def __init__(
        self,
        command: SetAnnotationCommand,
        on_applied: Callable[[AnnotationChange, bool], None],
    ) -> None:
        super().__init__(command.text)
        self._command = command
        self._on_applied = on_applied
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
        else:
            self._command.do()
        self._on_applied(self._command.change, self._command.change.label_key is not None)

    def undo(self) -> None:
        self._command.undo()
        before = self._command.before
        self._on_applied(self._command.change, before is not None and before.label_key is not None)


# ----- cluster batch labeling (added with ui/cluster_dialog.py) ------------------------------


class BatchLabelUndoCommand(QUndoCommand):
    """One undo step for a BatchLabelCommand; like AnnotationUndoCommand, the caller runs
    the first ``do`` and the push's redo only reports it."""

    def __init__(self, command: BatchLabelCommand, on_applied: Callable[[], None]) -> None:
        super().__init__(command.text)
        self._command = command
        self._on_applied = on_applied
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
        else:
            self._command.do()
        self._on_applied()

    def undo(self) -> None:
        self._command.undo()
        self._on_applied()
