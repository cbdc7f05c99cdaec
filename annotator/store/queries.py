"""Queries over a project; callers get domain records, never ORM objects."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from annotator.domain.codebook import Codebook, Label, default_codebook, parse_questions
from annotator.domain.errors import UserError
from annotator.domain.people import clean_name, name_key
from annotator.domain.records import (
    AnnotationChange,
    AnnotationRecord,
    DatasetRecord,
    EvidenceSpan,
    PostRecord,
)
from annotator.store.tables import (
    Annotation,
    AnnotationEvent,
    Annotator,
    CodebookLabel,
    Dataset,
    GoldLabel,
    Post,
    PostMark,
    ProjectMeta,
    utc_now,
)


def load_codebook(session: Session) -> Codebook:
    rows = session.exec(select(CodebookLabel).order_by(col(CodebookLabel.position))).all()
    labels = tuple(
        Label(
            key=row.key,
            display_name=row.display_name,
            description=row.description,
            shortcut=row.shortcut,
            examples=tuple(row.examples or ()),
        )
        for row in rows
    )
    meta = dict(
        session.exec(
            select(ProjectMeta.key, ProjectMeta.value).where(
                col(ProjectMeta.key).in_(["codebook_questions", "guidelines"])
            )
        ).all()
    )
    # Projects made before questions or guidelines were stored: the default codebook's.
    default = default_codebook() if len(meta) < 2 else None
    is_default = default is not None and default.keys == tuple(label.key for label in labels)
    if "codebook_questions" in meta:
        questions = parse_questions(json.loads(meta["codebook_questions"]))
    else:
        questions = default.questions if default is not None and is_default else {}
    if "guidelines" in meta:
        guidelines = meta["guidelines"]
    else:
        guidelines = default.guidelines if default is not None and is_default else ""
    return Codebook(labels, questions, guidelines)


def annotator_id(session: Session, name: str, *, create: bool = True) -> int | None:
    """The id of the annotator called ``name``, created on first use when ``create``; a
    spelling merged into another annotator gives that annotator's id.

    A name as stored matches exactly (old projects may hold spellings that today's rules
    refuse); otherwise names are compared cleaned and case-folded, so ``ANA`` finds
    ``Ana`` and the first spelling stays the one shown. A new name is cleaned first
    (``clean_name``), which refuses invisible characters and mixed scripts.

    Remembered for the rest of the session (one transaction): a label key asks for it
    in every step of its save."""
    known_ids: dict[str, int] = session.info.setdefault("annotator_ids", {})
    if name in known_ids:
        return known_ids[name]
    found = _annotator_id(session, name, create=create)
    if found is not None:
        known_ids[name] = found
    return found


def _annotator_id(session: Session, name: str, *, create: bool) -> int | None:
    row = session.exec(select(Annotator).where(Annotator.name == name)).first()
    if row is None:
        keys = _annotator_keys(session)
        if create:
            cleaned = clean_name(name)
        else:
            try:
                cleaned = clean_name(name)
            except UserError:
                return None
        known = keys.get(name_key(cleaned))
        if known is not None:
            row = session.get(Annotator, known)
        if row is None:
            if not create:
                return None
            row = _insert_annotator(session, cleaned)
            assert row.id is not None
            keys[name_key(cleaned)] = row.id
    if row.merged_into is not None:
        return row.merged_into
    assert row.id is not None
    return row.id


def _insert_annotator(session: Session, name: str) -> Annotator:
    """Create the annotator ``name``, or find the one another program created meanwhile:
    ``INSERT ... ON CONFLICT DO NOTHING`` and a second read, so two programs naming one
    new person at once both go on (a plain insert made one fail on the unique name)."""
    session.flush()
    insert = dialect_insert(session, Annotator.__table__)  # type: ignore[attr-defined]
    session.execute(
        insert.values(name=name, created_at=utc_now()).on_conflict_do_nothing(
            index_elements=["name"]
        )
    )
    return session.exec(select(Annotator).where(Annotator.name == name)).one()


def dialect_insert(session: Session | Connection, table: Any) -> Any:
    """The INSERT of the session's (or connection's) database, which knows ``ON
    CONFLICT`` (SQLite and PostgreSQL spell it alike, SQLAlchemy has one construct per
    dialect)."""
    bind = session if isinstance(session, Connection) else session.get_bind()
    if bind.dialect.name == "postgresql":
        return postgresql_insert(table)
    return sqlite_insert(table)


def hold_writers(session: Session, topic: str, keys: Iterable[int | str] = (0,)) -> None:
    """Hold back every other writer of the same ``topic`` and ``keys`` (an annotator's
    labels, the gold labels, one dataset) until this transaction ends, so what is read
    next is still current when the change and its history row are written.

    PostgreSQL: a transaction-level advisory lock per key, taken in order (a ``FOR
    UPDATE`` row lock would lock nothing on a post not labeled yet, where two writers
    would then both insert). SQLite: the database write lock before the read (``BEGIN
    IMMEDIATE``); a transaction that already wrote holds it."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        transaction = session.get_transaction()
        held_in, held = session.info.get("held_writers", (None, set()))
        if held_in is not transaction:  # locks end with their transaction
            held = set()
            session.info["held_writers"] = (transaction, held)
        topic_number = _lock_number(topic)
        wanted = {(topic_number, _lock_number(k)) for k in keys} - held
        for topic_number, key in sorted(wanted):
            held.add((topic_number, key))
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:topic, :key)"),
                {"topic": topic_number, "key": key},
            )
    elif connection.dialect.name == "sqlite" and not _sqlite_in_transaction(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_in_transaction(connection: Connection) -> bool:
    """Whether pysqlite already began a transaction (it begins one at the first write)."""
    return bool(connection.connection.driver_connection.in_transaction)  # type: ignore[union-attr]


def _lock_number(key: int | str) -> int:
    """An advisory lock's 32-bit key: a small id as it is, anything else by its CRC."""
    if isinstance(key, int) and -(2**31) <= key < 2**31:
        return key
    return zlib.crc32(str(key).encode("utf-8")) - 2**31


def lock_labels_of(session: Session, annotator_ids: Iterable[int]) -> None:
    """Serialise writers of these annotators' labels (``hold_writers``): when two programs
    write one annotator's label at once, the later commit wins and the history keeps both,
    each naming the label it replaced."""
    hold_writers(session, "labels", annotator_ids)


def _annotator_keys(session: Session) -> dict[str, int]:
    """Case-folded name to annotator id, the first spelling winning; read once per
    session, so a bulk import does not rescan the table for every new name."""
    cached = session.info.get("annotator_keys")
    if isinstance(cached, dict):
        return cached
    keys: dict[str, int] = {}
    for row_id, stored in session.exec(
        select(Annotator.id, Annotator.name).order_by(col(Annotator.id))
    ).all():
        if row_id is not None:
            keys.setdefault(name_key(stored), row_id)
    session.info["annotator_keys"] = keys
    return keys


def annotator_names(session: Session) -> list[str]:
    """Annotators as people: spellings merged into another one are left out."""
    statement = (
        select(Annotator.name)
        .where(col(Annotator.merged_into).is_(None))
        .order_by(col(Annotator.name))
    )
    return list(session.exec(statement).all())


def list_datasets(session: Session) -> list[DatasetRecord]:
    counts: dict[int, int] = {
        int(dataset_id): int(n)
        for dataset_id, n in session.exec(
            select(Post.dataset_id, func.count()).group_by(col(Post.dataset_id))
        ).all()
    }
    rows = session.exec(select(Dataset).order_by(col(Dataset.id))).all()
    return [
        DatasetRecord(
            id=row.id or 0,
            name=row.name,
            source_name=row.source_name,
            source_sha256=row.source_sha256,
            imported_at=row.imported_at,
            column_mapping=dict(row.column_mapping or {}),
            post_count=counts.get(row.id or 0, 0),
        )
        for row in rows
    ]


def post_ids(session: Session) -> list[int]:
    """Every post id in queue order (import order)."""
    return [int(i or 0) for i in session.exec(select(Post.id).order_by(col(Post.id))).all()]


def count_posts(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Post)).one())


def get_post(session: Session, post_id: int) -> PostRecord:
    row = session.exec(select(Post, Dataset.name).join(Dataset).where(Post.id == post_id)).one()
    post, dataset_name = row
    return _post_record(post, dataset_name)


def _post_record(post: Post, dataset_name: str) -> PostRecord:
    return PostRecord(
        id=post.id or 0,
        dataset=dataset_name,
        external_id=post.external_id,
        text=post.text,
        author=post.author,
        created_at=post.created_at,
        platform=post.platform,
        url=post.url,
        extra=dict(post.extra or {}),
    )


def iter_posts(session: Session, *, batch_size: int = 2000) -> Iterable[PostRecord]:
    """All posts in queue order, fetched in batches so memory stays flat."""
    statement = (
        select(Post, Dataset.name)
        .join(Dataset)
        .order_by(col(Post.id))
        .execution_options(yield_per=batch_size)
    )
    for post, dataset_name in session.exec(statement):
        yield _post_record(post, dataset_name)


def _annotation_record(annotation: Annotation, name: str) -> AnnotationRecord:
    return AnnotationRecord(
        post_id=annotation.post_id,
        annotator=name,
        label_key=annotation.label_key,
        notes=annotation.notes,
        sponsor=annotation.sponsor,
        evidence=tuple(EvidenceSpan.from_json(span) for span in annotation.evidence or []),
        seconds_spent=annotation.seconds_spent,
        created_at=annotation.created_at,
        updated_at=annotation.updated_at,
    )


def get_annotation(session: Session, *, post_id: int, annotator: str) -> AnnotationRecord | None:
    row = session.exec(
        select(Annotation)
        .join(Annotator, col(Annotator.id) == col(Annotation.annotator_id))
        .where(Annotation.post_id == post_id, Annotator.name == annotator)
    ).first()
    return None if row is None else _annotation_record(row, annotator)


def iter_annotations(session: Session) -> Iterable[AnnotationRecord]:
    statement = (
        select(Annotation, Annotator.name)
        .join(Annotator, col(Annotator.id) == col(Annotation.annotator_id))
        .order_by(col(Annotation.post_id), col(Annotator.name))
    )
    for annotation, name in session.exec(statement):
        yield _annotation_record(annotation, name)


def gold_labels(session: Session) -> dict[int, str]:
    return {
        int(post_id): key
        for post_id, key in session.exec(select(GoldLabel.post_id, GoldLabel.label_key)).all()
    }


def apply_annotation_change(session: Session, change: AnnotationChange) -> str:
    """Make the annotation match ``change`` and append the history event.

    Returns "added", "updated", "removed" or "unchanged"; an unchanged annotation
    writes no history, so re-importing the same labels adds nothing.
    """
    who = annotator_id(session, change.annotator)
    assert who is not None
    lock_labels_of(session, [who])
    current = session.exec(
        select(Annotation).where(
            Annotation.post_id == change.post_id, Annotation.annotator_id == who
        )
    ).first()
    evidence: list[dict[str, Any]] = [span.to_json() for span in change.evidence]
    previous = current.label_key if current is not None else None
    if change.label_key is None:
        if current is None:
            return "unchanged"
        session.delete(current)
        outcome = "removed"
    elif current is None:
        session.add(
            Annotation(
                post_id=change.post_id,
                annotator_id=who,
                label_key=change.label_key,
                notes=change.notes,
                sponsor=change.sponsor,
                evidence=evidence,
                seconds_spent=change.seconds_spent,
            )
        )
        outcome = "added"
    else:
        same = (
            current.label_key == change.label_key
            and current.notes == change.notes
            and current.sponsor == change.sponsor
            and list(current.evidence or []) == evidence
            and current.seconds_spent == change.seconds_spent
        )
        if same:
            return "unchanged"
        current.label_key = change.label_key
        current.notes = change.notes
        current.sponsor = change.sponsor
        current.evidence = evidence
        current.seconds_spent = change.seconds_spent
        current.updated_at = utc_now()
        session.add(current)
        outcome = "updated"
    session.add(
        AnnotationEvent(
            post_id=change.post_id,
            annotator_id=who,
            action="remove" if change.label_key is None else "set",
            label_key=change.label_key,
            previous_label_key=previous,
            notes=change.notes,
            sponsor=change.sponsor,
            evidence=evidence,
            seconds_spent=change.seconds_spent,
        )
    )
    session.flush()
    return outcome


def annotation_history(session: Session, *, post_id: int) -> list[tuple[str, str, str | None]]:
    """(annotator, action, label key) for every change of a post, oldest first."""
    statement = (
        select(Annotator.name, AnnotationEvent.action, AnnotationEvent.label_key)
        .join(Annotator, col(Annotator.id) == col(AnnotationEvent.annotator_id))
        .where(AnnotationEvent.post_id == post_id)
        .order_by(col(AnnotationEvent.id))
    )
    return [(name, action, key) for name, action, key in session.exec(statement).all()]


def external_id_index(session: Session, dataset: str | None = None) -> dict[str, list[int]]:
    """external id -> post ids (several when datasets share an id)."""
    statement = select(Post.external_id, Post.id).join(Dataset)
    if dataset is not None:
        statement = statement.where(Dataset.name == dataset)
    index: dict[str, list[int]] = {}
    for external_id, post_id in session.exec(statement).all():
        index.setdefault(external_id, []).append(int(post_id or 0))
    return index


def mark_kinds(session: Session, *, post_id: int, annotator: str) -> set[str]:
    """The kinds of mark (skip, flag) ``annotator`` put on the post."""
    who = annotator_id(session, annotator, create=False)
    if who is None:
        return set()
    kinds = session.exec(
        select(PostMark.kind).where(
            col(PostMark.post_id) == post_id, col(PostMark.annotator_id) == who
        )
    ).all()
    return set(kinds)


def labels_of_posts(session: Session, post_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Every annotator's current label on each of these posts: (annotator, label key)."""
    found: dict[int, list[tuple[str, str]]] = {post_id: [] for post_id in post_ids}
    statement = (
        select(Annotation.post_id, Annotator.name, Annotation.label_key)
        .join(Annotator, col(Annotator.id) == col(Annotation.annotator_id))
        .where(col(Annotation.post_id).in_(post_ids))
        .order_by(col(Annotator.name))
    )
    for post_id, name, key in session.exec(statement).all():
        found.setdefault(int(post_id), []).append((name, key))
    return found


def dataset_extra_columns(session: Session) -> list[str]:
    """Every dataset's extra source columns, in first-seen order (kept by the imports)."""
    names: dict[str, None] = {}
    statement = select(Dataset.extra_columns).order_by(col(Dataset.id))
    for keys in session.exec(statement).all():
        names.update(dict.fromkeys(str(key) for key in keys or []))
    return list(names)
