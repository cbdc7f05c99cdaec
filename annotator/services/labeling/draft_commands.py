"""Undoable steps that involve what an annotator typed (a draft): labeling a post saves the
draft as the annotation, evidence marked on an unlabeled post changes the draft.

Undo gives the draft back, so pressing Ctrl+Z after a label never loses the notes,
sponsor and spans that went into it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.domain.changes import Change, Changes, changes
from annotator.domain.records import AnnotationChange, Draft
from annotator.services.labeling.annotating import SetAnnotationCommand
from annotator.services.labeling.drafts import discard_draft, draft_of, save_draft
from annotator.store.engine import Project


@dataclass
class SaveAnnotationCommand:
    """Save an annotation made from the screen (label, notes, sponsor, evidence) and
    drop the post's draft, which it now holds; ``undo`` restores both as they were."""

    project: Project
    change: AnnotationChange
    description: str = ""
    _inner: SetAnnotationCommand | None = field(default=None, init=False)
    _draft: Draft | None = field(default=None, init=False)

    @property
    def text(self) -> str:
        return self._command().text

    @property
    def changes(self) -> Changes:
        return changes(Change.LABELS | Change.DRAFTS, self.change.post_id)

    def _command(self) -> SetAnnotationCommand:
        if self._inner is None:
            self._inner = SetAnnotationCommand(self.project, self.change, self.description)
        return self._inner

    def do(self) -> None:
        command = self._command()
        if command.before is None:  # the first do: remember the draft it replaces
            self._draft = draft_of(
                self.project, post_id=self.change.post_id, annotator=self.change.annotator
            )
        command.do()
        discard_draft(self.project, post_id=self.change.post_id, annotator=self.change.annotator)

    def undo(self) -> None:
        self._command().undo()
        if self._draft is not None:
            save_draft(self.project, self._draft)


@dataclass
class ChangeDraftCommand:
    """Change a draft as one undoable step (evidence marked on an unlabeled post)."""

    project: Project
    after: Draft
    description: str = ""
    _before: Draft | None = field(default=None, init=False)
    _done: bool = field(default=False, init=False)

    @property
    def text(self) -> str:
        return self.description or f"evidence on post {self.after.post_id}"

    @property
    def changes(self) -> Changes:
        return changes(Change.DRAFTS, self.after.post_id)

    def do(self) -> None:
        if not self._done:
            self._before = draft_of(
                self.project, post_id=self.after.post_id, annotator=self.after.annotator
            )
            self._done = True
        save_draft(self.project, self.after)

    def undo(self) -> None:
        if self._before is not None:
            save_draft(self.project, self._before)
        else:
            discard_draft(self.project, post_id=self.after.post_id, annotator=self.after.annotator)
