"""Which posts a queue mode holds, and moving through them in id order, all in SQL.

Nothing here loads every post id: each step asks the database for the next or previous
id with the mode's filter, which the indexes answer in well under a millisecond even
on a million posts.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, literal_column, select, text
from sqlmodel import Session, col

# QueueMode and MODES live in the domain (the UI builds them); imported from here too.
from annotator.domain.queue_modes import MODES as MODES
from annotator.domain.queue_modes import QueueMode as QueueMode
from annotator.domain.search_terms import parse_search
from annotator.store.tables import Annotation, Annotator, Assignment, Dataset, Post, PostMark


def fts_query(query: str) -> str:
    """User words -> an FTS5 query: quoted phrases as phrases, every other word must
    occur, the last one (when not in quotes) may be a prefix."""
    terms = parse_search(query)
    parts = ['"' + " ".join(phrase) + '"' for phrase in terms.phrases]
    parts += [f'"{word}"' for word in terms.words]
    if terms.prefix:
        parts.append(f'"{terms.prefix}"*')
    return " ".join(parts)


def ts_query(query: str) -> Any:
    """User words -> a PostgreSQL tsquery with the same meaning as ``fts_query``: each
    phrase through ``phraseto_tsquery`` (words next to each other), the rest ANDed."""
    terms = parse_search(query)
    words = [piece for word in terms.words for piece in re.findall(r"\w+", word)]
    prefix = re.findall(r"\w+", terms.prefix)
    words += prefix[:-1]
    loose = [*words, *(f"{p}:*" for p in prefix[-1:])]
    parts: list[Any] = [
        func.phraseto_tsquery("simple", " ".join(phrase)) for phrase in terms.phrases
    ]
    if loose:
        parts.append(func.to_tsquery("simple", " & ".join(loose)))
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined = combined.op("&&")(part)
    return combined


def _mine(table: Any, annotator_id: int | None) -> ColumnElement[bool]:
    return and_(table.post_id == Post.id, table.annotator_id == (annotator_id or -1))


def mode_filter(session: Session, mode: QueueMode, annotator_id: int | None) -> Any:
    """The WHERE clause over ``post`` for a mode; None means every post."""
    if mode.kind in ("all", "unlabeled"):
        return None
    if mode.kind == "assigned":
        return exists().where(_mine(Assignment, annotator_id))
    if mode.kind == "label":
        return exists().where(
            _mine(Annotation, annotator_id), col(Annotation.label_key) == mode.value
        )
    if mode.kind in ("flagged", "skipped"):
        kind = "flag" if mode.kind == "flagged" else "skip"
        condition = [col(PostMark.post_id) == col(Post.id), col(PostMark.kind) == kind]
        if kind == "skip":
            condition.append(col(PostMark.annotator_id) == (annotator_id or -1))
        return exists().where(*condition)
    if mode.kind == "disagreements":
        disagreeing = (
            select(col(Annotation.post_id))
            .group_by(col(Annotation.post_id))
            .having(func.count(func.distinct(Annotation.label_key)) > 1)
        )
        return col(Post.id).in_(disagreeing)
    if mode.kind == "dataset":
        return col(Post.dataset_id).in_(
            select(col(Dataset.id)).where(col(Dataset.name) == mode.value)
        )
    if mode.kind == "search":
        return search_filter(session, mode.value)
    raise ValueError(f"unknown queue mode {mode.kind!r}")


def search_filter(session: Session, query: str) -> Any:
    """Posts whose text or author hold every phrase and word (FTS5 on SQLite, tsvector
    elsewhere)."""
    if session.get_bind().dialect.name == "sqlite":
        match = fts_query(query)
        if not match:
            return col(Post.id) == -1
        hits = text("SELECT rowid FROM post_search WHERE post_search MATCH :q").bindparams(q=match)
        return col(Post.id).in_(hits)
    tsquery = ts_query(query)
    if tsquery is None:
        return col(Post.id) == -1
    # Written out exactly as the GIN index in store/schema.py, so PostgreSQL uses it.
    document: Any = literal_column(
        "to_tsvector('simple', coalesce(post.text, '') || ' ' || coalesce(post.author, ''))"
    )
    return document.op("@@")(tsquery)


def unlabeled_filter(annotator_id: int | None) -> Any:
    """Not labeled and not skipped by this annotator."""
    return and_(
        ~exists().where(_mine(Annotation, annotator_id)),
        ~exists().where(_mine(PostMark, annotator_id), col(PostMark.kind) == "skip"),
    )


def _step(
    session: Session, where: list[Any], *, after: int | None, before: int | None
) -> int | None:
    statement = select(col(Post.id))
    conditions = [w for w in where if w is not None]
    if after is not None:
        conditions.append(col(Post.id) > after)
        statement = statement.order_by(col(Post.id))
    elif before is not None:
        conditions.append(col(Post.id) < before)
        statement = statement.order_by(col(Post.id).desc())
    else:
        statement = statement.order_by(col(Post.id))
    if conditions:
        statement = statement.where(*conditions)
    found = session.execute(statement.limit(1)).scalar()
    return None if found is None else int(found)


def first_id(session: Session, mode: QueueMode, annotator_id: int | None) -> int | None:
    return _step(session, [mode_filter(session, mode, annotator_id)], after=None, before=None)


def next_id(
    session: Session, mode: QueueMode, annotator_id: int | None, after: int, *, unlabeled: bool
) -> int | None:
    """The next post in the mode after ``after``; with ``unlabeled``, the next one I have
    neither labeled nor skipped."""
    where = [mode_filter(session, mode, annotator_id)]
    if unlabeled:
        where.append(unlabeled_filter(annotator_id))
    return _step(session, where, after=after, before=None)


def previous_id(
    session: Session, mode: QueueMode, annotator_id: int | None, before: int
) -> int | None:
    return _step(session, [mode_filter(session, mode, annotator_id)], after=None, before=before)


def count_in_mode(
    session: Session,
    mode: QueueMode,
    annotator_id: int | None,
    *,
    up_to: int | None = None,
) -> int:
    """How many posts the mode holds (with ``up_to``: how many have an id <= it)."""
    statement = select(func.count()).select_from(Post)
    where = mode_filter(session, mode, annotator_id)
    if where is not None:
        statement = statement.where(where)
    if up_to is not None:
        statement = statement.where(col(Post.id) <= up_to)
    return int(session.execute(statement).scalar_one())


def contains(session: Session, mode: QueueMode, annotator_id: int | None, post_id: int) -> bool:
    statement = select(col(Post.id)).where(col(Post.id) == post_id)
    where = mode_filter(session, mode, annotator_id)
    if where is not None:
        statement = statement.where(where)
    return session.execute(statement).first() is not None


def count_labeled_by(session: Session, annotator_id: int | None) -> int:
    statement = select(func.count()).where(col(Annotation.annotator_id) == (annotator_id or -1))
    return int(session.execute(statement).scalar_one())


def annotator_id_of(session: Session, name: str) -> int | None:
    """The annotator called ``name`` (or the one that spelling was merged into)."""
    found = session.execute(
        select(col(Annotator.id), col(Annotator.merged_into)).where(col(Annotator.name) == name)
    ).first()
    if found is None:
        return None
    return int(found[1]) if found[1] is not None else int(found[0])
