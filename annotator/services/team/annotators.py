"""Annotator identities: the names labels are saved under, and renaming them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from annotator.domain.errors import UserError
from annotator.domain.people import clean_name, name_key, visible
from annotator.store.engine import Project
from annotator.store.tables import (
    Annotation,
    AnnotationEvent,
    Annotator,
    Assignment,
    Draft,
    PostMark,
)


def rename_annotator(project: Project, old: str, new: str) -> str:
    """Give an annotator a new name; every label, history entry, mark and draft follows
    (they point at the annotator, not the name). A change of case alone is allowed; a name
    that is another person's (in any case) is refused: that is ``merge_annotators``.
    Returns the new name as stored."""
    new = clean_name(new)
    with project.session() as session:
        row = _find(session, old)
        if row is None:
            raise UserError(f"the project has no annotator {visible(old)!r}")
        for other in session.exec(select(Annotator).where(col(Annotator.id) != row.id)).all():
            if name_key(other.name) == name_key(new):
                raise UserError(
                    f"{other.name!r} already exists: to make {visible(old)!r} the same "
                    f"person, use annotator merge-annotators PROJECT FROM INTO"
                )
        row.name = new
        session.add(row)
    return new


def _find(session: Session, name: str) -> Annotator | None:
    """The annotator stored under exactly ``name`` (old projects may hold spellings that
    today's rules refuse), else the one whose cleaned name matches regardless of case."""
    row = session.exec(select(Annotator).where(col(Annotator.name) == name)).first()
    if row is not None:
        return row
    try:
        key = name_key(clean_name(name))
    except UserError:
        return None
    for candidate in session.exec(select(Annotator).order_by(col(Annotator.id))).all():
        if name_key(candidate.name) == key:
            return candidate
    return None


@dataclass
class AnnotatorMergeReport:
    """What merging two spellings did."""

    moved: int = 0
    kept_later: int = 0

    def summary(self, source: str, into: str) -> str:
        return (
            f"Merged {source} into {into}: {self.moved:,} labels moved, {self.kept_later:,} "
            "posts both had labeled kept their later label."
        )


def merge_annotators(project: Project, source: str, into: str) -> AnnotatorMergeReport:
    """Make ``source`` a spelling of ``into``: its labels move to ``into`` (where both
    labeled a post, the later label wins), and labels given later under either name go
    to ``into``. The history stays as it was, plus one event per moved label. Marks,
    assignments and drafts move too."""
    if source == into:
        raise UserError("name two different annotators")
    report = AnnotatorMergeReport()
    with project.session() as session:
        rows = {name: _find(session, name) for name in (source, into)}
        for name, row in rows.items():
            if row is None:
                raise UserError(f"the project has no annotator {visible(name)!r}")
            if row.merged_into is not None:
                raise UserError(f"{visible(name)!r} is already merged into another annotator")
        old, new = rows[source], rows[into]
        assert old is not None and new is not None and old.id and new.id
        if old.id == new.id:
            raise UserError(
                f"{visible(source)!r} and {visible(into)!r} are one annotator already; name "
                "FROM exactly as stats shows it"
            )
        theirs = session.exec(select(Annotation).where(col(Annotation.annotator_id) == old.id))
        for annotation in theirs.all():
            mine = session.exec(
                select(Annotation).where(
                    col(Annotation.annotator_id) == new.id,
                    col(Annotation.post_id) == annotation.post_id,
                )
            ).first()
            if mine is not None and _stamp(mine.updated_at) >= _stamp(annotation.updated_at):
                session.delete(annotation)
                report.kept_later += 1
                continue
            if mine is not None:
                session.delete(mine)
                session.flush()
                report.kept_later += 1
            annotation.annotator_id = new.id
            session.add(annotation)
            session.add(
                AnnotationEvent(
                    post_id=annotation.post_id,
                    annotator_id=new.id,
                    action="set",
                    label_key=annotation.label_key,
                    notes=annotation.notes,
                    sponsor=annotation.sponsor,
                    evidence=list(annotation.evidence or []),
                    seconds_spent=annotation.seconds_spent,
                    at=annotation.updated_at,
                )
            )
            report.moved += 1
        # Where both have a row on a post, INTO's is kept and FROM's dropped. For drafts
        # that keeps INTO's text even when FROM's was saved later: INTO is the name the
        # person works under from now on, and its draft is what they last saw under it.
        tables: tuple[Any, ...] = (PostMark, Assignment, Draft)
        for table in tables:
            for item in session.exec(select(table).where(col(table.annotator_id) == old.id)).all():
                same_kind = [col(table.kind) == item.kind] if table is PostMark else []
                duplicate = session.exec(
                    select(table).where(
                        col(table.annotator_id) == new.id,
                        col(table.post_id) == item.post_id,
                        *same_kind,
                    )
                ).first()
                if duplicate is not None:
                    session.delete(item)
                else:
                    item.annotator_id = new.id
                    session.add(item)
        old.merged_into = new.id
        session.add(old)
        session.info.pop("annotator_ids", None)  # queries.annotator_id's memory of names
    return report


def _stamp(value: datetime) -> datetime:
    """Compare timestamps whether SQLite gave them back with a zone or without."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
