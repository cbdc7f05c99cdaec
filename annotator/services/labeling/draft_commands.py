"""Undoable steps that involve what an annotator typed (a draft): labeling a post saves the
draft as the annotation, evidence marked on an unlabeled post changes the draft.

Undo gives the draft back, so pressing Ctrl+Z after a label never loses the notes,
sponsor and spans that went into it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.domain.changes import Change, Changes, changes
from annotator.domain.records import AnnotationChange, Draft
from annotator.services.labeling.annotating import SetAnnotationCommand, nothing_for
from annotator.services.labeling.drafts import discard_draft, draft_of, save_draft
from annotator.store.drafts import delete_draft, get_draft, put_draft
from annotator.store.engine import Project
from annotator.store.queries import apply_annotation_change, get_annotation


@dataclass
class SaveAnnotationCommand:
    """Save an annotation made from the screen (label, notes, sponsor, evidence) and
    drop the post's draft, which it now holds, in one transaction; ``undo`` restores both
    as they were, in one transaction too."""

    project: Project
    change: AnnotationChange
    description: str = ""
    _before: AnnotationChange | None = field(default=None, init=False)
    _draft: Draft | None = field(default=None, init=False)

    @property
    def text(self) -> str:
        if self.description:
            return self.description
        return SetAnnotationCommand(self.project, self.change).text

    @property
    def changes(self) -> Changes:
        return changes(Change.LABELS | Change.DRAFTS, self.change.post_id)

    def do(self) -> None:
        post_id, annotator = self.change.post_id, self.change.annotator
        with self.project.session() as session:
            if self._before is None:  # the first do: remember what it replaces
                before = get_annotation(session, post_id=post_id, annotator=annotator)
                self._before = (
                    before.as_change() if before is not None else nothing_for(self.change)
                )
                self._draft = get_draft(session, post_id=post_id, annotator=annotator)
            apply_annotation_change(session, self.change)
            delete_draft(session, post_id=post_id, annotator=annotator)

    def undo(self) -> None:
        assert self._before is not None, "undo before do"
        with self.project.session() as session:
            apply_annotation_change(session, self._before)
            if self._draft is not None:
                put_draft(session, self._draft)


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
