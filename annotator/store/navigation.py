"""Which posts a queue mode holds, and moving through them, all in SQL.

Nothing here loads every post id: each step asks the database for the next or previous
id with the mode's filter, which the indexes answer in well under a millisecond even
on a million posts. Most modes walk in id order; the model's queues (``ORDERED_MODES``)
walk in the order of their ``post_prediction`` columns, by keyset: the next post is the
first whose (order columns) come after the current post's, read off an index on exactly
those columns (``PostPrediction.__table_args__``), never an OFFSET or a sort.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    exists,
    func,
    literal_column,
    select,
    text,
    tuple_,
)
from sqlmodel import Session, col

# QueueMode and MODES live in the domain (the UI builds them); imported from here too.
from annotator.domain.queue_modes import MODES as MODES
from annotator.domain.queue_modes import ORDERED_MODES
from annotator.domain.queue_modes import QueueMode as QueueMode
from annotator.domain.search_terms import parse_search
from annotator.store.tables import (
    Annotation,
    Annotator,
    Assignment,
    Dataset,
    Post,
    PostMark,
    PostPrediction,
)


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


def _mine(table: Any, annotator_id: int | None, post_id: Any = None) -> ColumnElement[bool]:
    post = col(Post.id) if post_id is None else post_id
    return and_(table.post_id == post, table.annotator_id == (annotator_id or -1))


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
    if mode.kind in ORDERED_MODES:
        predicted = select(col(PostPrediction.post_id)).where(*_ordered_filter(mode, None))
        if mode.kind == "informative":
            return and_(col(Post.id).in_(predicted), unlabeled_filter(annotator_id))
        return col(Post.id).in_(predicted)
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


def unlabeled_filter(annotator_id: int | None, post_id: Any = None) -> Any:
    """Not labeled and not skipped by this annotator (``post_id``: the column naming the
    post, ``post.id`` unless told)."""
    return and_(
        ~exists().where(_mine(Annotation, annotator_id, post_id)),
        ~exists().where(_mine(PostMark, annotator_id, post_id), col(PostMark.kind) == "skip"),
    )


# ----- the model's queues, walked in the order of their predictions ---------------------


def _order_columns(mode: QueueMode) -> tuple[Any, ...]:
    """The columns a model queue is sorted by, ending in the post id (a total order)."""
    if mode.kind == "informative":
        return (
            col(PostPrediction.spread_round),
            col(PostPrediction.margin),
            col(PostPrediction.post_id),
        )
    return (col(PostPrediction.own_label_probability), col(PostPrediction.post_id))


def _ordered_filter(mode: QueueMode, annotator_id: int | None) -> list[Any]:
    """WHERE over ``post_prediction`` alone. Informative: posts this annotator has
    neither labeled nor skipped (``annotator_id`` None leaves that to the caller).
    Suspects: posts with an out-of-fold probability of their label, that is, labeled
    when the model was trained; rechecking one's own label is the point."""
    if mode.kind == "suspects":
        return [col(PostPrediction.own_label_probability).is_not(None)]
    if annotator_id is None:
        return []
    return [unlabeled_filter(annotator_id, col(PostPrediction.post_id))]


def _order_key(session: Session, mode: QueueMode, post_id: int) -> tuple[Any, ...] | None:
    """The post's values of the mode's order columns (None: it has no place in it)."""
    found = session.execute(
        select(*_order_columns(mode)).where(col(PostPrediction.post_id) == post_id)
    ).first()
    if found is None or any(value is None for value in found):
        return None
    return tuple(found)


def _ordered_step(
    session: Session,
    mode: QueueMode,
    annotator_id: int | None,
    *,
    after: int | None = None,
    before: int | None = None,
    unlabeled: bool = False,
) -> int | None:
    """The first post of a model queue (neither bound), or the one following ``after``
    or preceding ``before`` in its order; a bound without a place in the order (a post
    opened from elsewhere) walks from the top, or nowhere backwards."""
    columns = _order_columns(mode)
    conditions = _ordered_filter(mode, annotator_id if mode.kind == "informative" else None)
    if unlabeled and mode.kind != "informative":
        conditions.append(unlabeled_filter(annotator_id, col(PostPrediction.post_id)))
    order = [*columns]
    bound = after if after is not None else before
    key = _order_key(session, mode, bound) if bound else None
    if key is not None and after is not None:
        conditions.append(tuple_(*columns) > tuple_(*key))
    elif before is not None:
        if key is None:
            return None
        conditions.append(tuple_(*columns) < tuple_(*key))
        order = [column.desc() for column in columns]
    statement = select(col(PostPrediction.post_id)).where(*conditions).order_by(*order)
    found = session.execute(statement.limit(1)).scalar()
    return None if found is None else int(found)


def _count_ordered(
    session: Session, mode: QueueMode, annotator_id: int | None, up_to: int | None
) -> int:
    """How many posts a model queue holds (with ``up_to``: up to that post, in its
    order). The informative queue's size is every prediction less my labeled and my
    skipped posts that have one (read from indexes), not a filter run over every
    prediction: it is counted again after each label."""
    statement = select(func.count()).select_from(PostPrediction)
    if up_to is not None:
        key = _order_key(session, mode, up_to)
        if key is None:
            return 0
        columns = _order_columns(mode)
        statement = statement.where(
            *_ordered_filter(mode, annotator_id), tuple_(*columns) <= tuple_(*key)
        )
        return int(session.execute(statement).scalar_one())
    if mode.kind == "suspects":
        return int(session.execute(statement.where(*_ordered_filter(mode, None))).scalar_one())
    me = annotator_id or -1
    labeled = (
        select(func.count())
        .select_from(Annotation)
        .join(PostPrediction, col(PostPrediction.post_id) == col(Annotation.post_id))
        .where(col(Annotation.annotator_id) == me)
    )
    skipped = (
        select(func.count())
        .select_from(PostMark)
        .join(PostPrediction, col(PostPrediction.post_id) == col(PostMark.post_id))
        .where(
            col(PostMark.annotator_id) == me,
            col(PostMark.kind) == "skip",
            ~exists().where(_mine(Annotation, annotator_id, col(PostMark.post_id))),
        )
    )
    predicted, mine, later = (
        int(session.execute(part).scalar_one()) for part in (statement, labeled, skipped)
    )
    return predicted - mine - later


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
    if mode.kind in ORDERED_MODES:
        return _ordered_step(session, mode, annotator_id)
    return _step(session, [mode_filter(session, mode, annotator_id)], after=None, before=None)


def next_id(
    session: Session, mode: QueueMode, annotator_id: int | None, after: int, *, unlabeled: bool
) -> int | None:
    """The next post in the mode after ``after``; with ``unlabeled``, the next one I have
    neither labeled nor skipped."""
    if mode.kind in ORDERED_MODES:
        return _ordered_step(session, mode, annotator_id, after=after, unlabeled=unlabeled)
    where = [mode_filter(session, mode, annotator_id)]
    if unlabeled:
        where.append(unlabeled_filter(annotator_id))
    return _step(session, where, after=after, before=None)


def previous_id(
    session: Session, mode: QueueMode, annotator_id: int | None, before: int
) -> int | None:
    if mode.kind in ORDERED_MODES:
        return _ordered_step(session, mode, annotator_id, before=before)
    return _step(session, [mode_filter(session, mode, annotator_id)], after=None, before=before)


def count_in_mode(
    session: Session,
    mode: QueueMode,
    annotator_id: int | None,
    *,
    up_to: int | None = None,
    after: int | None = None,
) -> int:
    """How many posts the mode holds (with ``up_to``: how many come up to that post,
    by id or, in a model queue, in its order; with ``after`` too, only those after that
    id: a model queue does not take it)."""
    if mode.kind in ORDERED_MODES:
        assert after is None, "a model queue is not ordered by id"
        return _count_ordered(session, mode, annotator_id, up_to)
    statement = select(func.count()).select_from(Post)
    where = mode_filter(session, mode, annotator_id)
    if where is not None:
        statement = statement.where(where)
    if up_to is not None:
        statement = statement.where(col(Post.id) <= up_to)
    if after is not None:
        statement = statement.where(col(Post.id) > after)
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
