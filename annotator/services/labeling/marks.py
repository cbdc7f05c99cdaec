"""Skip and flag: marks an annotator puts on a post that are not labels."""

from __future__ import annotations

from sqlmodel import col, select

from annotator.store.engine import Project
from annotator.store.queries import annotator_id
from annotator.store.tables import PostMark

SKIP = "skip"
FLAG = "flag"


def set_mark(
    project: Project, *, post_id: int, annotator: str, kind: str, on: bool, note: str = ""
) -> None:
    """Add or remove a mark; committed before returning."""
    with project.session() as session:
        who = annotator_id(session, annotator)
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
        who = annotator_id(session, annotator, create=False)
        if who is None:
            return set()
        kinds = session.exec(
            select(PostMark.kind).where(
                col(PostMark.post_id) == post_id, col(PostMark.annotator_id) == who
            )
        ).all()
        return set(kinds)
