"""Drafts in the store: one row per post and annotator, overwritten as the person types.

Drafts have their own table and no history, so no query over ``annotation`` (statistics,
queues, browse, exports, packages) can see one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from annotator.domain.records import Draft, EvidenceSpan
from annotator.store.queries import annotator_id, lock_labels_of
from annotator.store.tables import Annotator, utc_now
from annotator.store.tables import Draft as DraftRow


def _aware(value: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite gives them back without a zone)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _record(row: DraftRow, name: str) -> Draft:
    return Draft(
        post_id=row.post_id,
        annotator=name,
        notes=row.notes,
        sponsor=row.sponsor,
        evidence=tuple(EvidenceSpan.from_json(span) for span in row.evidence or []),
        updated_at=_aware(row.updated_at).isoformat(),
    )


def _row(session: Session, *, post_id: int, who: int) -> DraftRow | None:
    return session.exec(
        select(DraftRow).where(col(DraftRow.post_id) == post_id, col(DraftRow.annotator_id) == who)
    ).first()


def get_draft(session: Session, *, post_id: int, annotator: str) -> Draft | None:
    """``annotator``'s draft on the post (a merged spelling finds the merged-into one's)."""
    who = annotator_id(session, annotator, create=False)
    if who is None:
        return None
    found = session.exec(
        select(DraftRow, Annotator.name)
        .join(Annotator, col(Annotator.id) == col(DraftRow.annotator_id))
        .where(col(DraftRow.post_id) == post_id, col(DraftRow.annotator_id) == who)
    ).first()
    return None if found is None else _record(*found)


def put_draft(session: Session, draft: Draft) -> str:
    """Make the stored draft match ``draft``; an empty one removes it. Returns "added",
    "updated", "removed" or "unchanged" (a save with nothing new writes nothing)."""
    if draft.is_empty:
        who = annotator_id(session, draft.annotator, create=False)
        current = None if who is None else _row(session, post_id=draft.post_id, who=who)
        if current is None:
            return "unchanged"
        session.delete(current)
        session.flush()
        return "removed"
    who = annotator_id(session, draft.annotator)
    assert who is not None
    lock_labels_of(session, [who])  # two windows of one person saving one draft
    current = _row(session, post_id=draft.post_id, who=who)
    evidence: list[dict[str, Any]] = [span.to_json() for span in draft.evidence]
    if current is None:
        session.add(
            DraftRow(
                post_id=draft.post_id,
                annotator_id=who,
                notes=draft.notes,
                sponsor=draft.sponsor,
                evidence=evidence,
            )
        )
        session.flush()
        return "added"
    if (current.notes, current.sponsor, list(current.evidence or [])) == (
        draft.notes,
        draft.sponsor,
        evidence,
    ):
        return "unchanged"
    current.notes = draft.notes
    current.sponsor = draft.sponsor
    current.evidence = evidence
    current.updated_at = utc_now()
    session.add(current)
    session.flush()
    return "updated"


def delete_draft(session: Session, *, post_id: int, annotator: str) -> bool:
    """Remove the draft, if there is one; True when one was removed."""
    who = annotator_id(session, annotator, create=False)
    current = None if who is None else _row(session, post_id=post_id, who=who)
    if current is None:
        return False
    session.delete(current)
    session.flush()
    return True


def list_drafts(session: Session, *, annotator: str) -> list[Draft]:
    """Every draft of ``annotator``, in post order."""
    who = annotator_id(session, annotator, create=False)
    if who is None:
        return []
    rows = session.exec(
        select(DraftRow, Annotator.name)
        .join(Annotator, col(Annotator.id) == col(DraftRow.annotator_id))
        .where(col(DraftRow.annotator_id) == who)
        .order_by(col(DraftRow.post_id))
    ).all()
    return [_record(row, name) for row, name in rows]
