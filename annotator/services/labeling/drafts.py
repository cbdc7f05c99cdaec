"""Drafts: what an annotator types on a post (notes, sponsor, evidence) is saved as it is
typed, whether or not the post has a label, and shown again whenever the post is.

A draft is never a label: it lives in its own table, so queues, statistics, browse and
exports (which read labels) never see it. Packages do not carry drafts either: they are
unfinished work on the machine where they were typed.
"""

from __future__ import annotations

from annotator.domain.records import Draft
from annotator.store.drafts import delete_draft, get_draft, list_drafts, put_draft
from annotator.store.engine import Project


def save_draft(project: Project, draft: Draft) -> None:
    """Store the draft (one short transaction, committed before returning); an empty draft
    removes the stored one. Called about once a second while the person types."""
    with project.session() as session:
        put_draft(session, draft)


def draft_of(project: Project, *, post_id: int, annotator: str) -> Draft | None:
    """The draft ``annotator`` left on the post, or None."""
    with project.session() as session:
        return get_draft(session, post_id=post_id, annotator=annotator)


def discard_draft(project: Project, *, post_id: int, annotator: str) -> None:
    """Forget the draft (nothing happens when there is none)."""
    with project.session() as session:
        delete_draft(session, post_id=post_id, annotator=annotator)


def drafts_of(project: Project, *, annotator: str) -> list[Draft]:
    """Every draft ``annotator`` has, in post order."""
    with project.session() as session:
        return list_drafts(session, annotator=annotator)
