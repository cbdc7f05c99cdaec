"""Labeling many posts at once (a cluster's unlabeled members) as one undoable command,
and what the lead sees of each member before doing it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from annotator.domain.changes import Change, Changes, changes
from annotator.domain.codebook import Codebook
from annotator.domain.markers import Marker, MarkerMatch, contradicts, find_markers
from annotator.domain.records import AnnotationChange, PostRecord
from annotator.services.labeling.annotating import SetAnnotationCommand, current_annotation
from annotator.store.engine import Project
from annotator.store.queries import get_post, labels_of_posts

#: Characters of a member's text searched for markers (as the post view does).
MARKER_SCAN_LIMIT = 20_000


@dataclass(frozen=True)
class BatchMember:
    """One post of a batch as the lead checks it: who wrote it when, who labeled it
    what, and the disclosure markers in its text."""

    post: PostRecord
    #: (annotator, label key) for every annotator who labeled the post.
    labels: tuple[tuple[str, str], ...]
    #: The batch's annotator's own label, None while unlabeled (only those are batched).
    mine: str | None
    markers: tuple[MarkerMatch, ...]

    def contradicts(self, codebook: Codebook, label_key: str | None) -> bool:
        """Whether this member's markers go against ``label_key``."""
        return label_key is not None and contradicts(codebook, label_key, list(self.markers))


def batch_members(
    project: Project, *, annotator: str, post_ids: list[int], markers: list[Marker]
) -> list[BatchMember]:
    """The posts with these ids, in this order, with labels and markers."""
    with project.session() as session:
        labels = labels_of_posts(session, post_ids)
        posts = [get_post(session, post_id) for post_id in post_ids]
    return [
        BatchMember(
            post=post,
            labels=tuple(labels.get(post.id, ())),
            mine=next((key for name, key in labels.get(post.id, ()) if name == annotator), None),
            markers=tuple(find_markers(post.text[:MARKER_SCAN_LIMIT], markers)),
        )
        for post in posts
    ]


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
