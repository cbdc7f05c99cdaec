"""Wraps the services' label commands in QUndoCommands on one QUndoStack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from annotator.domain.records import AnnotationChange
from annotator.services.labeling.annotating import SetAnnotationCommand
from annotator.services.labeling.batch_labeling import BatchLabelCommand


class _Command(Protocol):
    text: str

    def do(self) -> None: ...

    def undo(self) -> None: ...


class _AlreadyDoneCommand(QUndoCommand):
    """The caller runs a command's first ``do`` itself (so a failure never leaves a
    command on the stack); the redo that ``QUndoStack.push`` makes then only reports it.
    Later redos re-apply, undo reverts; ``_report`` tells the view after each."""

    def __init__(self, command: _Command) -> None:
        super().__init__(command.text)
        self._command = command
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
        else:
            self._command.do()
        self._report(undone=False)

    def undo(self) -> None:
        self._command.undo()
        self._report(undone=True)

    def _report(self, *, undone: bool) -> None:
        raise NotImplementedError


class AnnotationUndoCommand(_AlreadyDoneCommand):
    """One label change. ``on_applied`` tells the window which post changed and whether
    it now has a label, so the view can follow undo and redo across posts."""

    def __init__(
        self,
        command: SetAnnotationCommand,
        on_applied: Callable[[AnnotationChange, bool], None],
    ) -> None:
        super().__init__(command)
        self._change_command = command
        self._on_applied = on_applied

    def _report(self, *, undone: bool) -> None:
        command = self._change_command
        if undone:
            before = command.before
            labeled = before is not None and before.label_key is not None
        else:
            labeled = command.change.label_key is not None
        self._on_applied(command.change, labeled)


class BatchLabelUndoCommand(_AlreadyDoneCommand):
    """One undo step for labeling a cluster's posts together."""

    def __init__(self, command: BatchLabelCommand, on_applied: Callable[[], None]) -> None:
        super().__init__(command)
        self._on_applied = on_applied

    def _report(self, *, undone: bool) -> None:
        self._on_applied()
