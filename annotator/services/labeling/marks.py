"""Skip and flag: marks an annotator puts on a post that are not labels."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import col, select

from annotator.domain.changes import Change, Changes, changes
from annotator.store.engine import Project
from annotator.store.queries import annotator_id, lock_labels_of, mark_kinds
from annotator.store.tables import PostMark

SKIP = "skip"
FLAG = "flag"


def set_mark(
    project: Project, *, post_id: int, annotator: str, kind: str, on: bool, note: str = ""
) -> None:
    """Add or remove a mark; committed before returning."""
    with project.session() as session:
        who = annotator_id(session, annotator)
        assert who is not None
        lock_labels_of(session, [who])
        existing = session.exec(
            select(PostMark).where(
                col(PostMark.post_id) == post_id,
                col(PostMark.annotator_id) == who,
                col(PostMark.kind) == kind,
            )
        ).first()
        if on and existing is None:
            assert who is not None
            session.add(PostMark(post_id=post_id, annotator_id=who, kind=kind, note=note))
        elif on and existing is not None and existing.note != note:
            existing.note = note
            session.add(existing)
        elif not on and existing is not None:
            session.delete(existing)


def marks_of(project: Project, *, post_id: int, annotator: str) -> set[str]:
    with project.session() as session:
        return mark_kinds(session, post_id=post_id, annotator=annotator)


@dataclass
class SetMarkCommand:
    """Put a mark on (or take it off) a post; ``undo`` restores the mark as it was."""

    project: Project
    post_id: int
    annotator: str
    kind: str
    on: bool
    note: str = ""
    #: The person's words ("flag on post 12"); built by the app.
    description: str = ""
    _was_on: bool | None = field(default=None, init=False)

    @property
    def text(self) -> str:
        return (
            self.description or f"{'' if self.on else 'remove '}{self.kind} on post {self.post_id}"
        )

    @property
    def changes(self) -> Changes:
        return changes(Change.MARKS, self.post_id)

    def do(self) -> None:
        if self._was_on is None:
            marks = marks_of(self.project, post_id=self.post_id, annotator=self.annotator)
            self._was_on = self.kind in marks
        set_mark(
            self.project,
            post_id=self.post_id,
            annotator=self.annotator,
            kind=self.kind,
            on=self.on,
            note=self.note,
        )

    def undo(self) -> None:
        assert self._was_on is not None, "undo before do"
        set_mark(
            self.project,
            post_id=self.post_id,
            annotator=self.annotator,
            kind=self.kind,
            on=self._was_on,
            note=self.note,
        )
