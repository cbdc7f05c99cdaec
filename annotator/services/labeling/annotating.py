"""Labeling: commands with do/undo that the GUI's undo stack wraps, tested without Qt."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from annotator.domain.changes import Change, Changes, changes
from annotator.domain.records import AnnotationChange, AnnotationRecord, Draft
from annotator.store.drafts import get_draft
from annotator.store.engine import Project
from annotator.store.queries import apply_annotation_change, get_annotation, mark_kinds


def save_annotation(project: Project, change: AnnotationChange) -> str:
    """Write one change and commit it before returning."""
    with project.session() as session:
        return apply_annotation_change(session, change)


@dataclass(frozen=True)
class PostState:
    """What one annotator has on one post: label, draft and marks, read together."""

    annotation: AnnotationRecord | None
    draft: Draft | None
    marks: frozenset[str]


def post_state(project: Project, *, post_id: int, annotator: str) -> PostState:
    """The annotator's annotation, draft and marks on a post, in one read (the labeling
    view shows all three for every post)."""
    with project.session() as session:
        return PostState(
            annotation=get_annotation(session, post_id=post_id, annotator=annotator),
            draft=get_draft(session, post_id=post_id, annotator=annotator),
            marks=frozenset(mark_kinds(session, post_id=post_id, annotator=annotator)),
        )


def current_annotation(
    project: Project, *, post_id: int, annotator: str
) -> AnnotationRecord | None:
    with project.session() as session:
        return get_annotation(session, post_id=post_id, annotator=annotator)


def nothing_for(change: AnnotationChange) -> AnnotationChange:
    """The change that removes the annotation ``change`` would make (undo of a first label)."""
    return replace(change, label_key=None, notes="", sponsor="", evidence=(), seconds_spent=0.0)


@dataclass
class SetAnnotationCommand:
    """Set an annotation; ``undo`` puts back exactly what was there (or nothing)."""

    project: Project
    change: AnnotationChange
    #: How the person would name the change ("label 'Sponsored, disclosed' on post 12");
    #: the app builds it from the codebook's display names.
    description: str = ""
    _before: AnnotationChange | None = field(default=None, init=False)

    @property
    def text(self) -> str:
        if self.description:
            return self.description
        if self.change.label_key is None:
            return f"remove label on post {self.change.post_id}"
        return f"label {self.change.label_key} on post {self.change.post_id}"

    @property
    def changes(self) -> Changes:
        return changes(Change.LABELS, self.change.post_id)

    @property
    def before(self) -> AnnotationChange | None:
        """The annotation as it was before ``do`` (label_key None: there was none)."""
        return self._before

    def do(self) -> None:
        with self.project.session() as session:
            if self._before is None:
                before = get_annotation(
                    session, post_id=self.change.post_id, annotator=self.change.annotator
                )
                self._before = (
                    before.as_change() if before is not None else nothing_for(self.change)
                )
            apply_annotation_change(session, self.change)

    def undo(self) -> None:
        assert self._before is not None, "undo before do"
        save_annotation(self.project, self._before)
