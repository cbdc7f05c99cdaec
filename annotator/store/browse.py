"""Rows for the browse table and the author side list, a page at a time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

# The row records live in the domain (the UI shows them); imported from here too.
from annotator.domain.queue_modes import QueueMode
from annotator.domain.records import AuthorPost as AuthorPost
from annotator.domain.records import BrowseRow as BrowseRow
from annotator.store.navigation import mode_filter, unlabeled_filter
from annotator.store.tables import Annotation, Annotator, Dataset, Post

#: Sortable columns of the browse table -> the SQL expression they sort by.
SORT_KEYS = (
    "id",
    "dataset",
    "external_id",
    "author",
    "created_at",
    "text",
    "label",
    "notes",
    "labels",
)


def browse_filter(session: Session, mode: QueueMode, annotator_id: int | None) -> Any:
    """The posts the browse table lists: the mode's; for "next unlabeled by me" only those
    I have neither labeled nor skipped, as the queue means (None: every post)."""
    if mode.kind == "unlabeled":
        return unlabeled_filter(annotator_id)
    return mode_filter(session, mode, annotator_id)


def count_browse(session: Session, mode: QueueMode, annotator_id: int | None) -> int:
    """How many rows the browse table holds in this mode."""
    statement = select(func.count()).select_from(Post)
    where = browse_filter(session, mode, annotator_id)
    if where is not None:
        statement = statement.where(where)
    return int(session.execute(statement).scalar_one())


def browse_page(
    session: Session,
    mode: QueueMode,
    annotator_id: int | None,
    *,
    sort: str = "id",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[BrowseRow]:
    """``limit`` rows from ``offset`` in the chosen order; text cut to 300 characters.

    Two steps: first the page's post ids, sorted with only the joins the sort needs
    (by id this walks the primary key and stops after the page), then the details and
    label counts of those ids alone. One query doing both counted everyone's labels on
    every post before sorting: seconds on a million posts.
    """
    mine = aliased(Annotation, name="mine")
    everyone = (
        select(func.count())
        .where(col(Annotation.post_id) == col(Post.id))
        .correlate(Post)
        .scalar_subquery()
    )
    mine_join = and_(
        col(mine.post_id) == col(Post.id), col(mine.annotator_id) == (annotator_id or -1)
    )
    order: Any = {
        "id": col(Post.id),
        "dataset": col(Dataset.name),
        "external_id": col(Post.external_id),
        "author": col(Post.author),
        "created_at": col(Post.created_at),
        "text": col(Post.text),
        "label": col(mine.label_key),
        "notes": col(mine.notes),
        "labels": everyone,
    }[sort]
    ids_statement = select(col(Post.id))
    if sort == "dataset":
        ids_statement = ids_statement.join(Dataset, col(Dataset.id) == col(Post.dataset_id))
    if sort in ("label", "notes"):
        ids_statement = ids_statement.outerjoin(mine, mine_join)
    where = browse_filter(session, mode, annotator_id)
    if where is not None:
        ids_statement = ids_statement.where(where)
    direction = order.desc() if descending else order.asc()
    tiebreak = col(Post.id).desc() if descending else col(Post.id).asc()
    ids = [
        int(i)
        for i in session.execute(
            ids_statement.order_by(direction, tiebreak).offset(offset).limit(limit)
        ).scalars()
    ]
    if not ids:
        return []
    details = (
        select(
            col(Post.id),
            col(Dataset.name),
            col(Post.external_id),
            col(Post.author),
            col(Post.created_at),
            func.substr(col(Post.text), 1, 300),
            col(mine.label_key),
            col(mine.notes),
            everyone,
        )
        .join(Dataset, col(Dataset.id) == col(Post.dataset_id))
        .outerjoin(mine, mine_join)
        .where(col(Post.id).in_(ids))
    )
    rows = {int(row[0]): row for row in session.execute(details).all()}
    return [
        BrowseRow(
            post_id=post_id,
            dataset=str(row[1]),
            external_id=str(row[2]),
            author=row[3] or "",
            created_at=row[4] or "",
            text=row[5] or "",
            label=row[6] or "",
            notes=row[7] or "",
            annotations=int(row[8] or 0),
        )
        for post_id in ids
        if (row := rows.get(post_id)) is not None
    ]


def author_posts(
    session: Session,
    *,
    author: str,
    exclude_post_id: int | None = None,
    limit: int = 50,
    before_id: int | None = None,
) -> list[AuthorPost]:
    """The author's other posts (newest id first; with ``before_id``, the page after the
    one ending at that post) and each annotator's label on them."""
    statement = select(col(Post.id), col(Post.text), col(Post.created_at)).where(
        col(Post.author) == author
    )
    if exclude_post_id is not None:
        statement = statement.where(col(Post.id) != exclude_post_id)
    if before_id is not None:
        statement = statement.where(col(Post.id) < before_id)
    rows = session.execute(statement.order_by(col(Post.id).desc()).limit(limit)).all()
    ids = [int(r[0]) for r in rows]
    labels: dict[int, dict[str, str]] = {i: {} for i in ids}
    if ids:
        for post_id, name, key in session.execute(
            select(col(Annotation.post_id), col(Annotator.name), col(Annotation.label_key))
            .join(Annotator, col(Annotator.id) == col(Annotation.annotator_id))
            .where(col(Annotation.post_id).in_(ids))
        ).all():
            labels[int(post_id)][str(name)] = str(key)
    return [
        AuthorPost(post_id=int(r[0]), text=r[1], created_at=r[2] or "", labels=labels[int(r[0])])
        for r in rows
    ]


def count_author_posts(session: Session, author: str) -> int:
    statement = select(func.count()).where(col(Post.author) == author)
    return int(session.execute(statement).scalar_one())


def known_sponsors(session: Session, limit: int = 500) -> list[str]:
    """Sponsor names already entered, most used first (for completion)."""
    statement = (
        select(col(Annotation.sponsor), func.count())
        .where(col(Annotation.sponsor) != "")
        .group_by(col(Annotation.sponsor))
        .order_by(func.count().desc(), col(Annotation.sponsor))
        .limit(limit)
    )
    return [str(name) for name, _ in session.execute(statement).all()]
