"""Writing many annotations at once: label imports, Label Studio and doccano imports, and
merges set hundreds of thousands of labels in a few statements instead of one ORM round
trip per label, with the same outcomes and history as ``apply_annotation_change``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, func, text
from sqlalchemy import delete as sa_delete
from sqlalchemy import insert as sa_insert
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlmodel import Session

from annotator.domain.records import AnnotationChange
from annotator.store.bulk_copy import copies_rows, copy_rows
from annotator.store.queries import annotator_id, lock_labels_of
from annotator.store.tables import Annotation, AnnotationEvent, utc_now

_TICK = timedelta(microseconds=1)


def _in_chunk() -> int:
    """Values per ``IN`` list: 10,000 (a few statements for a whole merge) where this
    SQLite takes 32,766 bound variables (3.32 and later), else under the old 999."""
    probe = sqlite3.connect(":memory:")
    try:
        limit = probe.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    finally:
        probe.close()
    return 10_000 if limit >= 32_766 else 900


#: Values per ``IN`` list in the bulk reads (PostgreSQL takes 65,535 parameters).
IN_CHUNK = _in_chunk()


@dataclass
class AnnotationOutcomes:
    """How many changes of a bulk write added, updated, removed or left an annotation."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    #: One outcome per change, in the order given ("added", "updated", ...).
    each: list[str] = field(default_factory=list)


@dataclass
class _Current:
    """One annotation as the bulk write sees it while replaying changes in order."""

    row_id: int | None  # the stored row, None once removed or when never stored
    fields: dict[str, Any] | None  # None: no annotation now
    created_at: datetime | None = None
    updated_at: datetime | None = None
    dirty: bool = False  # fields differ from the stored row's


def insert_many(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    memos: dict[str, dict[Any, Any]] | None = None,
) -> None:
    """``INSERT`` every row (all with the same keys) in one driver ``executemany``."""
    if not rows:
        return
    names = list(rows[0])
    kinds = {name: table.c[name].type for name in names}
    if copies_rows(session.connection()):
        _copy_many(session, table, kinds, rows, memos)
        return
    statement = sa_insert(table).values({name: bindparam(name) for name in names})
    _execute_many(session, statement, kinds, rows, memos)


def _copy_many(
    session: Session,
    table: Table,
    kinds: dict[str, Any],
    rows: list[dict[str, Any]],
    memos: dict[str, dict[Any, Any]] | None = None,
) -> None:
    """``insert_many`` through PostgreSQL's ``COPY`` (``store/bulk_copy.py``): the same
    bound values, one statement instead of one ``INSERT`` per row (200,000 labels and
    their history spent 11 s in pipelined inserts)."""
    connection = session.connection()
    columns = _bound_columns(connection.dialect, kinds, rows, {} if memos is None else memos)
    copy_rows(connection, table.name, list(columns), zip(*columns.values(), strict=True))


def _execute_many(
    session: Session,
    statement: Any,
    kinds: dict[str, Any],
    rows: list[dict[str, Any]],
    memos: dict[str, dict[Any, Any]] | None = None,
) -> None:
    """Run ``statement`` for every row (keys: its bind names, typed by ``kinds``) in one
    driver ``executemany``.

    The statement is compiled once for the session's dialect and each value's bind
    processor is applied here, memoised per type for values that repeat (empty notes and
    evidence, label keys, one change's time in three columns): the same values SQLAlchemy
    would send, at a fraction of its per-row cost (200,000 labels spent 6 s in its
    parameter processing). ``memos`` shares the memo between calls.
    """
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    compiled = statement.compile(dialect=dialect)
    columns = _bound_columns(dialect, kinds, rows, {} if memos is None else memos)
    if compiled.positiontup is not None:
        order = [columns[name] for name in compiled.positiontup]
        params: list[Any] = list(zip(*order, strict=True))
    else:
        params = [
            dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)
        ]
    connection.exec_driver_sql(compiled.string, params)


def _bound_columns(
    dialect: Any,
    kinds: dict[str, Any],
    rows: list[dict[str, Any]],
    memos: dict[str, dict[Any, Any]],
) -> dict[str, list[Any]]:
    """Every column of ``rows`` as the driver receives it: each value through its type's
    bind processor, memoised per type (see ``_execute_many``)."""

    def column(name: str) -> list[Any]:
        kind = kinds[name]
        process = kind.dialect_impl(dialect).bind_processor(dialect)
        values = [row[name] for row in rows]
        if process is None:
            return values
        memo = memos.setdefault(repr(kind), {})
        out = []
        for value in values:
            if isinstance(value, list | dict):  # unhashable: only the empty list is memoised
                if value or isinstance(value, dict):
                    out.append(process(value))
                    continue
                value = ()
            if value not in memo:
                memo[value] = process(list(value) if value == () else value)
            out.append(memo[value])
        return out

    return {name: column(name) for name in rows[0]}


def _new_uids(count: int) -> list[str]:
    """``count`` version-4 uuids as 32 hex digits, like ``new_uid`` but from one read of
    randomness: ``uuid4()`` per event was a tenth of a 200,000-label import."""
    raw = os.urandom(16 * count).hex()
    uids = []
    for start in range(0, 32 * count, 32):
        uid = raw[start : start + 32]
        variant = "89ab"[int(uid[16], 16) & 3]
        uids.append(f"{uid[:12]}4{uid[13:16]}{variant}{uid[17:]}")
    return uids


def _annotation_fields(change: AnnotationChange, evidence: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "label_key": change.label_key,
        "notes": change.notes,
        "sponsor": change.sponsor,
        "evidence": evidence,
        "seconds_spent": change.seconds_spent,
    }


def _stored_annotations(
    session: Session, keys: set[tuple[int, int]]
) -> dict[tuple[int, int], _Current]:
    """The stored annotations of the touched (post, annotator) pairs, read once in chunks."""
    table = Annotation.__table__  # type: ignore[attr-defined]
    posts = sorted({post_id for post_id, _ in keys})
    who = sorted({annotator for _, annotator in keys})
    found: dict[tuple[int, int], _Current] = {}
    for start in range(0, len(posts), IN_CHUNK):
        statement = sa_select(
            table.c.id,
            table.c.post_id,
            table.c.annotator_id,
            table.c.label_key,
            table.c.notes,
            table.c.sponsor,
            table.c.evidence,
            table.c.seconds_spent,
        ).where(
            table.c.post_id.in_(posts[start : start + IN_CHUNK]),
            table.c.annotator_id.in_(who),
        )
        for row in session.connection().execute(statement).all():
            key = (row.post_id, row.annotator_id)
            if key in keys:
                found[key] = _Current(
                    row_id=row.id,
                    fields={
                        "label_key": row.label_key,
                        "notes": row.notes,
                        "sponsor": row.sponsor,
                        "evidence": list(row.evidence or []),
                        "seconds_spent": row.seconds_spent,
                    },
                )
    return found


def apply_annotation_changes(
    session: Session, changes: Sequence[AnnotationChange]
) -> AnnotationOutcomes:
    """Apply ``changes`` in order with the outcomes and history of one
    ``apply_annotation_change`` per change, but in a few statements: the stored annotations
    of the touched posts are read once and every write is one executemany. Runs in the
    caller's transaction, so the whole batch lands or none of it does."""
    outcomes = AnnotationOutcomes()
    if not changes:
        return outcomes
    session.flush()
    ids = {
        name: annotator_id(session, name) for name in dict.fromkeys(c.annotator for c in changes)
    }
    keyed: list[tuple[tuple[int, int], AnnotationChange]] = []
    for change in changes:
        who = ids[change.annotator]
        assert who is not None
        keyed.append(((change.post_id, who), change))
    lock_labels_of(session, (who for who in ids.values() if who is not None))
    state = _stored_annotations(session, {key for key, _ in keyed})
    removed: list[int] = []
    events: list[dict[str, Any]] = []
    # Strictly increasing times: merges order one pair's events by time, and two changes
    # of a pair in one batch can fall in the same microsecond.
    now = utc_now() - _TICK
    for key, change in keyed:
        now = max(utc_now(), now + _TICK)
        current = state.setdefault(key, _Current(row_id=None, fields=None))
        evidence = [span.to_json() for span in change.evidence]
        fields = _annotation_fields(change, evidence)
        previous = current.fields["label_key"] if current.fields is not None else None
        if change.label_key is None:
            if current.fields is None:
                outcome = "unchanged"
            else:
                if current.row_id is not None:
                    removed.append(current.row_id)
                    current.row_id = None
                current.fields = None
                current.dirty = False
                outcome = "removed"
        elif current.fields is None:
            current.fields, current.created_at, current.updated_at = fields, now, now
            current.dirty = True
            outcome = "added"
        elif current.fields == fields:
            outcome = "unchanged"
        else:
            current.fields, current.updated_at, current.dirty = fields, now, True
            outcome = "updated"
        outcomes.each.append(outcome)
        setattr(outcomes, outcome, getattr(outcomes, outcome) + 1)
        if outcome != "unchanged":
            events.append(
                {
                    **fields,
                    "post_id": key[0],
                    "annotator_id": key[1],
                    "action": "remove" if change.label_key is None else "set",
                    "previous_label_key": previous,
                    "at": now,
                }
            )
    memos: dict[str, dict[Any, Any]] = {}
    _write_annotations(session, state, removed, memos)
    if events:
        event_table = AnnotationEvent.__table__  # type: ignore[attr-defined]
        for event, uid in zip(events, _new_uids(len(events)), strict=True):
            event["uid"] = uid
        insert_many(session, event_table, events, memos)
    return outcomes


def _write_annotations(
    session: Session,
    state: dict[tuple[int, int], _Current],
    removed: list[int],
    memos: dict[str, dict[Any, Any]],
) -> None:
    """Deletes first (a pair removed and added again gets a new row, as one by one), then
    updates of kept rows, then inserts, each as one executemany."""
    table = Annotation.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    for (post_id, who), current in state.items():
        if not current.dirty or current.fields is None:
            continue
        if current.row_id is None:
            inserts.append(
                {
                    **current.fields,
                    "post_id": post_id,
                    "annotator_id": who,
                    "created_at": current.created_at,
                    "updated_at": current.updated_at,
                }
            )
        else:
            updates.append(
                {f"new_{name}": value for name, value in current.fields.items()}
                | {"row_id": current.row_id, "new_updated_at": current.updated_at}
            )
    if removed:
        connection.execute(
            sa_delete(table).where(table.c.id == bindparam("row_id")),
            [{"row_id": row_id} for row_id in removed],
        )
    if updates:
        names = ("label_key", "notes", "sponsor", "evidence", "seconds_spent", "updated_at")
        statement = (
            sa_update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(f"new_{name}") for name in names})
        )
        kinds = {f"new_{name}": table.c[name].type for name in names}
        _execute_many(session, statement, kinds | {"row_id": table.c.id.type}, updates, memos)
    if inserts:
        insert_many(session, table, inserts, memos)


def rebuild_annotations(
    session: Session, who: int, newest: Mapping[int, Mapping[str, Any]], *, after_id: int
) -> AnnotationOutcomes:
    """Set ``who``'s annotation on each post of ``newest`` from its latest history event
    (by time, then id): what a merge does once a package's events are in.

    ``newest`` maps each touched post to the newest event just added for it, as written;
    every event added has an id above ``after_id``. That event gives the state unless the
    history holds a later one (a change made in the project after packing, or a clock
    ahead of the package's): one statement finds those posts, whose latest row is then
    read. The stored annotations are read once and the writes are executemany, so a
    merge of 10,000 changes is a few statements."""
    posts = sorted(newest)
    state = _stored_annotations(session, {(post_id, who) for post_id in posts})
    later = _posts_with_later_history(session, who, after_id)
    latest: dict[int, Mapping[str, Any]] = {
        post_id: newest[post_id] for post_id in posts if post_id not in later
    }
    latest.update(_latest_events(session, who, sorted(later & set(posts))))
    unlabeled = [post_id for post_id in posts if state.get((post_id, who)) is None]
    first_at = _first_times(session, who, unlabeled)
    outcomes = AnnotationOutcomes()
    removed: list[int] = []
    for post_id in posts:
        outcome = _rebuilt(state, removed, (post_id, who), latest[post_id], first_at.get(post_id))
        outcomes.each.append(outcome)
        setattr(outcomes, outcome, getattr(outcomes, outcome) + 1)
    _write_annotations(session, state, removed, {})
    return outcomes


def _posts_with_later_history(session: Session, who: int, after_id: int) -> set[int]:
    """Posts where an event older than the merge (id up to ``after_id``) is dated after
    the newest event the merge added: usually none, so this reads almost nothing."""
    rows = session.connection().execute(
        text(
            "SELECT DISTINCT old.post_id FROM annotation_event old "
            "JOIN (SELECT post_id, max(at) AS at FROM annotation_event "
            "      WHERE annotator_id = :who AND id > :after GROUP BY post_id) added "
            "ON added.post_id = old.post_id "
            "WHERE old.annotator_id = :who AND old.id <= :after AND old.at > added.at"
        ),
        {"who": who, "after": after_id},
    )
    return {int(post_id) for (post_id,) in rows}


def _first_times(session: Session, who: int, posts: list[int]) -> dict[int, datetime]:
    """post -> time of ``who``'s first event on it (an annotation's creation time)."""
    events = AnnotationEvent.__table__  # type: ignore[attr-defined]
    first: dict[int, datetime] = {}
    for start in range(0, len(posts), IN_CHUNK):
        statement = (
            sa_select(events.c.post_id, func.min(events.c.at).label("first_at"))
            .where(
                events.c.annotator_id == who, events.c.post_id.in_(posts[start : start + IN_CHUNK])
            )
            .group_by(events.c.post_id)
        )
        for post_id, first_at in session.connection().execute(statement).all():
            first[post_id] = first_at
    return first


def _latest_events(session: Session, who: int, posts: list[int]) -> dict[int, Mapping[str, Any]]:
    """post -> ``who``'s latest event on it (by time, then id), read from the history."""
    events = AnnotationEvent.__table__  # type: ignore[attr-defined]
    latest: dict[int, Mapping[str, Any]] = {}
    for start in range(0, len(posts), IN_CHUNK):
        ranked = (
            sa_select(
                events,
                func.row_number()
                .over(
                    partition_by=events.c.post_id,
                    order_by=(events.c.at.desc(), events.c.id.desc()),
                )
                .label("rank"),
            )
            .where(
                events.c.annotator_id == who, events.c.post_id.in_(posts[start : start + IN_CHUNK])
            )
            .subquery()
        )
        statement = sa_select(ranked).where(ranked.c.rank == 1)
        for row in session.connection().execute(statement).mappings().all():
            latest[row["post_id"]] = dict(row)
    return latest


def _rebuilt(
    state: dict[tuple[int, int], _Current],
    removed: list[int],
    key: tuple[int, int],
    last: Mapping[str, Any],
    first_at: datetime | None,
) -> str:
    """Bring one pair's state to its latest event; returns the outcome."""
    current = state.setdefault(key, _Current(row_id=None, fields=None))
    if last["action"] == "remove" or last["label_key"] is None:
        if current.fields is None:
            return "unchanged"
        if current.row_id is not None:
            removed.append(current.row_id)
        current.row_id, current.fields, current.dirty = None, None, False
        return "removed"
    fields = {
        "label_key": last["label_key"],
        "notes": last["notes"],
        "sponsor": last["sponsor"],
        "evidence": list(last["evidence"] or []),
        "seconds_spent": last["seconds_spent"],
    }
    if current.fields is None:
        current.fields, current.created_at, current.updated_at = fields, first_at, last["at"]
        current.dirty = True
        return "added"
    if current.fields == fields:
        return "unchanged"
    current.fields, current.updated_at, current.dirty = fields, last["at"], True
    return "updated"
