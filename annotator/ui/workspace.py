"""The workspace: the open project, who is labeling, the codebook, the view being walked
and the post on screen, with one ``changed`` signal the whole window listens to.

Every operation that changes data goes through ``perform`` (undoable: labels, evidence,
marks, gold) or ends with ``notify`` (imports, merges, settings); both announce a
``Changes`` once. Panels subscribe and decide for themselves what to reload, the way
Anki's ``operation_did_execute`` works, so the main window never refreshes panels by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.domain.changes import Change, Changes, UndoableCommand, changes
from annotator.domain.codebook import Codebook
from annotator.domain.errors import ProjectBusyError
from annotator.domain.markers import Marker, load_markers
from annotator.domain.queue_modes import QueueMode
from annotator.services.project.project_settings import (
    blind_mode,
    marker_list,
    show_model_suggestion,
    shown_extra_columns,
)
from annotator.services.project.projects import Project, busy_timeout, codebook_of, open_project

#: While another writer holds the project: how often and how long to retry a save.
#: Saves from the keys run on the GUI thread (one at a time by construction), each in a
#: short transaction that waits at most ``SAVE_WAIT_MS`` for SQLite's write lock; a long
#: write (an import on the writer thread, a merge in a second window, the CLI) is waited
#: for here, between events, instead of inside SQLite with the window frozen.
BUSY_RETRY_MS = 500
BUSY_RETRIES = 120
SAVE_WAIT_MS = 250


class Workspace(QObject):
    """What is open and who is working; announces every change once.

    Writes a person makes from the keys (labels, marks, gold, drafts) are the one
    documented exception to "background work goes through ``TaskRunner.run``": they are
    saved here, on the GUI thread, each in a short transaction, so a label is committed
    before the key moves on. Such a save waits at most ``SAVE_WAIT_MS`` for SQLite's write
    lock; while an import on the writer thread (or another program) holds it, ``when_free``
    says so and retries every ``BUSY_RETRY_MS``, and the window stays responsive meanwhile.
    """

    #: After every operation: a ``Changes`` saying what changed.
    changed = Signal(object)
    #: Just before the project closes (or the annotator switches): typed text lands.
    closing = Signal()
    #: A sentence for the status bar.
    message = Signal(str)
    #: A write gave up (the project stayed busy): an error for the window to show.
    failed = Signal(object)

    def __init__(self, annotator: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.codebook: Codebook | None = None
        self.annotator: str | None = annotator
        self.markers: list[Marker] = load_markers()
        self.mode = QueueMode()
        self.blind = False
        self.extra_columns: list[str] = []
        #: The lead shows annotators the model's suggestion (off unless turned on).
        self.show_model_suggestion = False
        self.current_post_id: int | None = None
        #: The annotator's label on the post on screen (None: not labeled yet).
        self.current_label_key: str | None = None
        self.undo_stack = QUndoStack(self)

    # ----- what is open ---------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """A project and an annotator: labeling can start."""
        return self.project is not None and self.codebook is not None and bool(self.annotator)

    def open(
        self,
        target: str | Path,
        *,
        start_mode: Callable[[Project, str | None], QueueMode] | None = None,
    ) -> Project:
        """Open a project (raises UserError for a bad file, leaving the current one open);
        ``start_mode`` picks the first view for the project and annotator."""
        project = open_project(target)
        try:
            codebook = codebook_of(project)
        except BaseException:
            project.close()
            raise
        self.close()
        self.project, self.codebook = project, codebook
        self._read_settings(project)
        self.mode = start_mode(project, self.annotator) if start_mode else QueueMode()
        self.current_post_id = self.current_label_key = None
        self.notify(changes(Change.EVERYTHING))
        return project

    def close(self) -> None:
        """Let typed text land, forget the undo history, close the project."""
        project = self.project
        if project is None:
            return
        self.closing.emit()
        self.undo_stack.clear()
        self.project = None
        self.codebook = None
        self.current_post_id = self.current_label_key = None
        project.close()
        self.notify(changes(Change.EVERYTHING))

    def _read_settings(self, project: Project) -> None:
        self.markers = marker_list(project)
        self.blind = blind_mode(project)
        self.extra_columns = shown_extra_columns(project)
        self.show_model_suggestion = show_model_suggestion(project)

    def reload_settings(self) -> None:
        """After a project setting changed (blind mode, extra columns, suggestion)."""
        if self.project is not None:
            self._read_settings(self.project)
            self.notify(changes(Change.SETTINGS))

    def set_annotator(self, name: str | None) -> None:
        """Someone else labels from now on; the undo history was theirs, so it goes."""
        if name == self.annotator:
            return
        self.closing.emit()
        self.undo_stack.clear()
        self.annotator = name
        self.notify(changes(Change.ANNOTATOR | Change.QUEUE))

    def set_codebook(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self.notify(changes(Change.CODEBOOK))

    def set_mode(self, mode: QueueMode, *, source: object | None = None) -> None:
        """Walk a different set of posts (a view, a label, a dataset, a search)."""
        self.closing.emit()
        self.mode = mode
        self.notify(Changes(Change.QUEUE, source=source))

    def set_current_post(
        self, post_id: int | None, label_key: str | None, *, source: object | None = None
    ) -> None:
        """The labeling view shows another post (or the same post with another label)."""
        if (post_id, label_key) != (self.current_post_id, self.current_label_key):
            self.current_post_id, self.current_label_key = post_id, label_key
            self.notify(Changes(Change.CURRENT_POST, source=source))

    # ----- announcing and performing ------------------------------------------------------

    def notify(self, what: Changes) -> None:
        """Tell every listener what changed (once per operation)."""
        self.changed.emit(what)

    def perform(
        self,
        command: UndoableCommand,
        *,
        source: object | None = None,
        then: Callable[[], None] | None = None,
    ) -> None:
        """Do ``command`` (committed before this returns), put it on the one undo history,
        announce its changes, then run ``then`` (a move to the next post, say).

        While another program holds the project's write lock the attempt is repeated
        every half second with a status message; each attempt lands whole or not at all.
        """
        self.when_free(lambda: self._perform_now(command, source, then))

    def _perform_now(
        self,
        command: UndoableCommand,
        source: object | None,
        then: Callable[[], None] | None,
    ) -> None:
        command.do()
        self.undo_stack.push(_UndoEntry(self, command))
        self.notify(Changes(command.changes.kinds, command.changes.post_ids, source=source))
        if then is not None:
            then()

    def record(self, command: UndoableCommand, *, source: object | None = None) -> None:
        """Put a command already done (by a background job) on the undo history and
        announce its changes."""
        self.undo_stack.push(_UndoEntry(self, command))
        what = command.changes
        self.notify(Changes(what.kinds, what.post_ids, source=source))

    def when_free(self, action: Callable[[], None], attempt: int = 0) -> None:
        """Run a saving action now, or retry it while the project is busy. The action waits
        only briefly for the write lock, so a busy project costs the window a quarter of a
        second per attempt, not SQLite's long timeout."""
        try:
            with busy_timeout(SAVE_WAIT_MS):
                action()
        except ProjectBusyError as error:
            if attempt >= BUSY_RETRIES:
                self.message.emit("")
                self.failed.emit(error)
                return
            self.message.emit(
                f"The project is busy (another program is writing); retrying… ({attempt + 1})"
            )
            QTimer.singleShot(BUSY_RETRY_MS, lambda: self.when_free(action, attempt + 1))
            return
        if attempt:
            self.message.emit("Saved after the project was busy.")

    def undo(self) -> None:
        """Edit > Undo: take back the last change, as a save is made (committed first,
        retried while the project is busy, never a frozen window)."""
        self._replay(undone=True)

    def redo(self) -> None:
        self._replay(undone=False)

    def _replay(self, *, undone: bool) -> None:
        stack = self.undo_stack
        if not (stack.canUndo() if undone else stack.canRedo()):
            return
        entry = stack.command(stack.index() - 1 if undone else stack.index())
        if not isinstance(entry, _UndoEntry):
            stack.undo() if undone else stack.redo()
            return

        def replay() -> None:
            entry.apply(undone=undone)  # raises ProjectBusyError: the stack is untouched
            stack.undo() if undone else stack.redo()  # only moves and announces

        self.when_free(replay)

    def _replayed(self, command: UndoableCommand, *, undone: bool) -> None:
        """After an undo or redo: say what was taken back and announce the change."""
        verb = "Undo" if undone else "Redo"
        self.message.emit(f"{verb}: {command.text}")
        what = command.changes
        self.notify(Changes(what.kinds, what.post_ids, source=None, undo=True))


class _UndoEntry(QUndoCommand):
    """One step of the undo history. The workspace did the command's first ``do`` itself
    (so a failure never leaves a step behind); the redo that ``QUndoStack.push`` makes
    only records it. Later redos re-apply, undos revert, each announced."""

    def __init__(self, workspace: Workspace, command: UndoableCommand) -> None:
        super().__init__(command.text)
        self._workspace = workspace
        self._command = command
        self._first = True
        #: Set by ``apply``: the workspace already wrote this step (Workspace.undo/redo).
        self._applied = False

    def apply(self, *, undone: bool) -> None:
        """Write the undo or redo now, before the stack moves (so a busy project leaves
        the history where it was)."""
        self._command.undo() if undone else self._command.do()
        self._applied = True

    def _write(self, *, undone: bool) -> None:
        if self._applied:
            self._applied = False
        else:
            self._command.undo() if undone else self._command.do()
        self._workspace._replayed(self._command, undone=undone)

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._write(undone=False)

    def undo(self) -> None:
        self._write(undone=True)
