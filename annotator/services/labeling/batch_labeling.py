"""Labeling many posts at once (a cluster's unlabeled members) as one undoable command."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from annotator.domain.changes import Change, Changes, changes
from annotator.domain.records import AnnotationChange
from annotator.services.labeling.annotating import SetAnnotationCommand, current_annotation
from annotator.store.engine import Project


def unlabeled_members(project: Project, post_ids: list[int], annotator: str) -> list[int]:
    """The posts among ``post_ids`` that ``annotator`` has not labeled, in the given order."""
    return [
        post_id
        for post_id in post_ids
        if current_annotation(project, post_id=post_id, annotator=annotator) is None
    ]


@dataclass
class BatchLabelCommand:
    """Apply one template's label, notes and sponsor to every post; ``undo`` reverts all.

    Evidence spans are not copied: their offsets belong to the template's text, and the
    other posts' texts differ. Time spent is not copied either.
    """

    project: Project
    template: AnnotationChange
    post_ids: list[int]
    #: The person's words for it ("label 'Sponsored, disclosed' on 12 posts of a cluster").
    description: str = ""
    _commands: list[SetAnnotationCommand] = field(default_factory=list, init=False)

    @property
    def text(self) -> str:
        return self.description or f"label {self.template.label_key} on {len(self.post_ids)} posts"

    @property
    def changes(self) -> Changes:
        return changes(Change.LABELS, *self.post_ids)

    def do(self) -> None:
        if not self._commands:
            self._commands = [
                SetAnnotationCommand(
                    self.project,
                    replace(self.template, post_id=post_id, evidence=(), seconds_spent=0.0),
                )
                for post_id in self.post_ids
            ]
        done: list[SetAnnotationCommand] = []
        try:
            for command in self._commands:
                command.do()
                done.append(command)
        except Exception:
            # All or nothing: a failure part-way (the project busy) takes back what was saved.
            for command in reversed(done):
                command.undo()
            raise

    def undo(self) -> None:
        for command in reversed(self._commands):
            command.undo()
