"""What an operation changed, so every screen can decide for itself what to reload.

Modelled on Anki's ``OpChanges``: an operation (a label, a gold decision, an import)
reports the kinds of data it touched and, where it knows them, the posts; the app's
workspace announces that once, and each panel that cares reloads. Nobody refreshes
panels by hand after an edit, and a new panel only subscribes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Flag, auto
from typing import Protocol


class Change(Flag):
    """Kinds of data an operation can change."""

    NONE = 0
    #: An annotator's labels, notes, sponsor or evidence spans on labeled posts.
    LABELS = auto()
    #: What an annotator typed on a post and has not saved as a label (notes, sponsor, spans).
    DRAFTS = auto()
    #: Gold labels (adjudication, pre-filled unanimous posts, their removal).
    GOLD = auto()
    #: Skip and flag marks.
    MARKS = auto()
    #: Labels, their keys, definitions and examples; the guidelines.
    CODEBOOK = auto()
    #: Posts and datasets (imports, merged packages).
    DATASETS = auto()
    #: Clusters of near-duplicate posts and their similarity setting.
    CLUSTERS = auto()
    #: Project settings: blind mode, extra columns shown, assignments.
    SETTINGS = auto()
    #: Who labels (switched, renamed or merged annotators).
    ANNOTATOR = auto()
    #: The set of posts being walked (the queue bar's view, a search).
    QUEUE = auto()
    #: Which post is on screen (the codebook panel outlines its label).
    CURRENT_POST = auto()
    #: The model's predictions (a training run finished, here or elsewhere).
    MODEL = auto()
    #: Pictures of posts fetched from the web (in this window or by another program).
    MEDIA = auto()
    #: A project was opened or closed: everything is new.
    PROJECT = auto()

    #: Anything a person's edit of posts can change.
    POST_DATA = LABELS | DRAFTS | GOLD | MARKS
    EVERYTHING = (
        LABELS
        | DRAFTS
        | GOLD
        | MARKS
        | CODEBOOK
        | DATASETS
        | CLUSTERS
        | SETTINGS
        | ANNOTATOR
        | QUEUE
        | CURRENT_POST
        | MEDIA
        | PROJECT
    )


@dataclass(frozen=True)
class Changes:
    """The kinds of data one operation changed, and the posts where it knows them.

    ``post_ids`` empty means "posts unknown or many": a listener must assume any post.
    ``source`` is the object that made the change (a panel that already shows the result
    can skip its own reload); ``undo`` is True when the change is an undo or redo, so the
    labeling view can bring the changed post back on screen. ``others`` is True when the
    change was seen by polling the database (someone else, another window or program,
    wrote it): a listener refreshes what it shows but never moves the person off their
    post or replaces what they are typing.
    """

    kinds: Change
    post_ids: frozenset[int] = field(default_factory=frozenset)
    source: object | None = field(default=None, compare=False)
    undo: bool = False
    others: bool = False

    def touches(self, kinds: Change) -> bool:
        return bool(self.kinds & kinds)

    def touches_post(self, post_id: int | None) -> bool:
        """Whether the change may concern ``post_id`` (unknown posts concern every post)."""
        return post_id is not None and (not self.post_ids or post_id in self.post_ids)

    def __or__(self, other: Changes) -> Changes:
        """Both changes at once (posts joined; unknown posts stay unknown)."""
        posts = self.post_ids | other.post_ids if self.post_ids and other.post_ids else frozenset()
        source = self.source if self.source is other.source else None
        return Changes(
            self.kinds | other.kinds,
            posts,
            source,
            self.undo or other.undo,
            self.others and other.others,
        )


@dataclass(frozen=True)
class DataVersion:
    """A cheap fingerprint of what a project holds, read every few seconds so a window
    notices what other people wrote to the same database.

    Histories are append-only, so their highest id moves with every label and gold
    decision (removals and undos included). Marks and datasets can be deleted, so their
    count goes with their highest id; a post's highest id shows posts added to a dataset.
    """

    label_events: int = 0
    gold_events: int = 0
    marks: tuple[int, int] = (0, 0)
    datasets: tuple[int, int, int] = (0, 0, 0)
    #: The highest model run: a training by the CLI or another window.
    model_runs: int = 0
    #: Writes that stored pictures after import (fetching, merges): the project counts them.
    media: int = 0

    def changed_since(self, before: DataVersion) -> Change:
        """The kinds of data that differ from ``before``."""
        kinds = Change.NONE
        for changed, kind in (
            (self.label_events != before.label_events, Change.LABELS),
            (self.gold_events != before.gold_events, Change.GOLD),
            (self.marks != before.marks, Change.MARKS),
            (self.datasets != before.datasets, Change.DATASETS),
            (self.model_runs != before.model_runs, Change.MODEL),
            (self.media != before.media, Change.MEDIA),
        ):
            if changed:
                kinds |= kind
        return kinds


def changes(kinds: Change, *post_ids: int, source: object | None = None) -> Changes:
    """Shorthand: ``changes(Change.LABELS, post_id)``."""
    return Changes(kinds, frozenset(post_ids), source)


class UndoableCommand(Protocol):
    """A change a person makes that can be taken back: done once by the caller, then
    undone and redone by the app's one undo history.

    ``text`` names it in the person's words ("label 'Sponsored, disclosed' on post 12"),
    never with internal keys; ``changes`` says what it touches, for the workspace's
    announcement after every do, undo and redo.
    """

    @property
    def text(self) -> str: ...

    @property
    def changes(self) -> Changes: ...

    def do(self) -> None: ...

    def undo(self) -> None: ...
