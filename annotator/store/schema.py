"""Schema objects SQLModel cannot declare (triggers, full-text index) and the migrations.

Each migration takes a project from version N to N+1 inside the caller's transaction.
Written as a small versioned scheme instead of Alembic: the project file carries its
own version, migrations must run on end users' machines with no migration scripts
directory, and every step so far only adds tables, triggers and indexes.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import Connection, inspect, text, update
from sqlmodel import SQLModel

from annotator.domain.codebook import default_codebook
from annotator.store.tables import (
    Annotation,
    AnnotationEvent,
    CodebookLabel,
    Dataset,
    PostPrediction,
)

_APPEND_ONLY_SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS {table}_no_{verb}
        BEFORE {verb.upper()} ON {table}
        BEGIN SELECT RAISE(ABORT, '{table.replace("_", " ")} history is append-only'); END"""
    for table in ("annotation_event", "gold_event")
    for verb in ("update", "delete")
]
_APPEND_ONLY_POSTGRES = [
    """CREATE OR REPLACE FUNCTION history_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '% history is append-only', TG_TABLE_NAME; END $$
       LANGUAGE plpgsql""",
    *(
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION history_append_only()"""
        for table in ("annotation_event", "gold_event")
    ),
]

#: Full-text index over post text and author (SQLite FTS5 over the post table).
#: New posts are indexed in bulk by ``index_new_posts`` at the end of an import, not by
#: an insert trigger: row-by-row FTS inserts made a million-row import 3x slower
#: (measured: 300k rows, 3.5 s by trigger against 0.3 s in one INSERT ... SELECT).
#: Deletes and updates are rare and stay on triggers.
_SEARCH_SQLITE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS post_search USING fts5(
        text, author, content='post', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS post_search_delete AFTER DELETE ON post BEGIN
        INSERT INTO post_search(post_search, rowid, text, author)
        VALUES ('delete', old.id, old.text, old.author);
       END""",
    """CREATE TRIGGER IF NOT EXISTS post_search_update AFTER UPDATE OF text, author ON post BEGIN
        INSERT INTO post_search(post_search, rowid, text, author)
        VALUES ('delete', old.id, old.text, old.author);
        INSERT INTO post_search(rowid, text, author) VALUES (new.id, new.text, new.author);
       END""",
]
_SEARCH_POSTGRES = [
    """CREATE INDEX IF NOT EXISTS post_text_search ON post
       USING gin (to_tsvector('simple', coalesce(text, '') || ' ' || coalesce(author, '')))""",
]


def index_new_posts(connection: Connection, after_id: int) -> None:
    """Add posts with an id above ``after_id`` to the search index, in the caller's
    transaction (so an import and its index land together or not at all)."""
    if _is_sqlite(connection):
        connection.execute(
            text(
                "INSERT INTO post_search(rowid, text, author) "
                "SELECT id, text, author FROM post WHERE id > :after"
            ),
            {"after": after_id},
        )


def _run(connection: Connection, statements: list[str]) -> None:
    for statement in statements:
        connection.execute(text(statement))


def _is_sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


def create_schema(connection: Connection) -> None:
    """Everything a new project needs, at the current version."""
    SQLModel.metadata.create_all(connection)
    sqlite = _is_sqlite(connection)
    _run(connection, _APPEND_ONLY_SQLITE if sqlite else _APPEND_ONLY_POSTGRES)
    _run(connection, _SEARCH_SQLITE if sqlite else _SEARCH_POSTGRES)


def _migrate_1_to_2(connection: Connection) -> None:
    """Version 2 adds post marks (skip, flag) and the full-text search index."""
    SQLModel.metadata.create_all(connection)
    if _is_sqlite(connection):
        _run(connection, _SEARCH_SQLITE)
        connection.execute(text("INSERT INTO post_search(post_search) VALUES ('rebuild')"))
    else:
        _run(connection, _SEARCH_POSTGRES)


def _migrate_2_to_3(connection: Connection) -> None:
    """Version 3 adds the append-only history of gold decisions."""
    SQLModel.metadata.create_all(connection)
    if _is_sqlite(connection):
        _run(connection, [s for s in _APPEND_ONLY_SQLITE if "gold_event" in s])
    else:
        _run(connection, _APPEND_ONLY_POSTGRES[:1] + _APPEND_ONLY_POSTGRES[2:])


def _migrate_3_to_4(connection: Connection) -> None:
    """Version 4 adds assignments of posts to annotators."""
    SQLModel.metadata.create_all(connection)


def _migrate_4_to_5(connection: Connection) -> None:
    """Version 5 gives every history event a uid, so packages can be merged back without
    counting a change twice. The history is append-only, so its guard is lifted for the
    one-time fill and put back."""
    if _is_sqlite(connection):
        connection.execute(text("ALTER TABLE annotation_event ADD COLUMN uid VARCHAR"))
        _run(connection, [f"DROP TRIGGER IF EXISTS annotation_event_no_{v}" for v in
                          ("update", "delete")])  # fmt: skip
        connection.execute(text("UPDATE annotation_event SET uid = lower(hex(randomblob(16)))"))
        _run(connection, [s for s in _APPEND_ONLY_SQLITE if "annotation_event" in s])
    else:
        connection.execute(text("ALTER TABLE annotation_event ADD COLUMN uid VARCHAR"))
        connection.execute(text("ALTER TABLE annotation_event DISABLE TRIGGER USER"))
        connection.execute(text("UPDATE annotation_event SET uid = md5(random()::text || id)"))
        connection.execute(text("ALTER TABLE annotation_event ENABLE TRIGGER USER"))
    connection.execute(
        text("CREATE UNIQUE INDEX IF NOT EXISTS ix_annotation_event_uid ON annotation_event (uid)")
    )


def _migrate_5_to_6(connection: Connection) -> None:
    """Version 6 lets the lead merge two spellings of one annotator."""
    connection.execute(
        text("ALTER TABLE annotator ADD COLUMN merged_into INTEGER REFERENCES annotator(id)")
    )


def _migrate_6_to_7(connection: Connection) -> None:
    """Version 7 stores clusters of near-identical posts."""
    SQLModel.metadata.create_all(connection)


def _migrate_7_to_8(connection: Connection) -> None:
    """Version 8 gives each codebook label example posts. Labels still as shipped (same key
    and definition as the default codebook) get the shipped examples; others start empty."""
    connection.execute(
        text("ALTER TABLE codebook_label ADD COLUMN examples JSON NOT NULL DEFAULT '[]'")
    )
    table = CodebookLabel.__table__  # type: ignore[attr-defined]
    for label in default_codebook().labels:
        connection.execute(
            update(table)
            .where(table.c.key == label.key, table.c.description == label.description)
            .values(examples=list(label.examples))
        )


def _migrate_8_to_9(connection: Connection) -> None:
    """Version 9 records each dataset's extra columns (``Dataset.extra_columns``), found
    once here from its posts' JSON."""
    if "extra_columns" not in {c["name"] for c in inspect(connection).get_columns("dataset")}:
        connection.execute(
            text("ALTER TABLE dataset ADD COLUMN extra_columns JSON NOT NULL DEFAULT '[]'")
        )
    table = Dataset.__table__  # type: ignore[attr-defined]
    for (dataset_id,) in connection.execute(text("SELECT id FROM dataset")).all():
        connection.execute(
            update(table)
            .where(table.c.id == dataset_id)
            .values(extra_columns=_extra_keys_of_posts(connection, int(dataset_id)))
        )


def _extra_keys_of_posts(connection: Connection, dataset_id: int) -> list[str]:
    """Every key in the ``extra`` JSON of a dataset's posts, in first-seen order."""
    if _is_sqlite(connection):
        return [
            str(key)
            for (key,) in connection.execute(
                text(
                    "SELECT j.key FROM post p, json_each(p.extra) j WHERE p.dataset_id = :d"
                    " GROUP BY j.key ORDER BY min(p.id), min(j.id)"
                ),
                {"d": dataset_id},
            )
        ]
    keys: dict[str, None] = {}
    rows = connection.execute(
        text("SELECT extra FROM post WHERE dataset_id = :d ORDER BY id"), {"d": dataset_id}
    )
    for (extra,) in rows:
        keys.update(dict.fromkeys(json.loads(extra) if isinstance(extra, str) else extra or {}))
    return list(keys)


def _migrate_9_to_10(connection: Connection) -> None:
    """Version 10 keeps drafts: what an annotator typed on a post before labeling it."""
    SQLModel.metadata.create_all(connection)


def _migrate_10_to_11(connection: Connection) -> None:
    """Version 11 indexes the history by post and annotator (merges read it per pair)."""
    for index in AnnotationEvent.__table__.indexes:  # type: ignore[attr-defined]
        index.create(connection, checkfirst=True)


def _migrate_11_to_12(connection: Connection) -> None:
    """Version 12 stores the baseline model's runs and its prediction for each post."""
    SQLModel.metadata.create_all(connection)


def _migrate_12_to_13(connection: Connection) -> None:
    """Version 13 orders the model's queues: each prediction's round across clusters,
    indexes on both queue orders and on each annotator's labeled posts. Predictions
    stored before it are in round 0 (margin order) until the model is trained again."""
    columns = {c["name"] for c in inspect(connection).get_columns("post_prediction")}
    if "spread_round" not in columns:
        connection.execute(
            text("ALTER TABLE post_prediction ADD COLUMN spread_round INTEGER NOT NULL DEFAULT 0")
        )
    indexes = [
        *PostPrediction.__table__.indexes,  # type: ignore[attr-defined]
        *Annotation.__table__.indexes,  # type: ignore[attr-defined]
    ]
    for index in indexes:
        index.create(connection, checkfirst=True)


def _migrate_13_to_14(connection: Connection) -> None:
    """Version 14 stores pictures: each post's media and the images themselves."""
    SQLModel.metadata.create_all(connection)


def _migrate_14_to_15(connection: Connection) -> None:
    """Version 15 drops two indexes the queue orders' own indexes already cover (margin
    alone, own-label probability alone): storing a million predictions rebuilds every
    index of the table under the write lock, and these two were 1.2 s of it."""
    for name in ("ix_post_prediction_margin", "ix_post_prediction_own_label_probability"):
        connection.execute(text(f"DROP INDEX IF EXISTS {name}"))


#: version -> step taking a project from that version to the next.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
    4: _migrate_4_to_5,
    5: _migrate_5_to_6,
    6: _migrate_6_to_7,
    7: _migrate_7_to_8,
    8: _migrate_8_to_9,
    9: _migrate_9_to_10,
    10: _migrate_10_to_11,
    11: _migrate_11_to_12,
    12: _migrate_12_to_13,
    13: _migrate_13_to_14,
    14: _migrate_14_to_15,
}


def migrate(connection: Connection, from_version: int, to_version: int) -> None:
    """Run every step from ``from_version`` up to ``to_version`` and record the version."""
    for version in range(from_version, to_version):
        MIGRATIONS[version](connection)
    connection.execute(
        text("UPDATE project_meta SET value = :v WHERE key = 'schema_version'"),
        {"v": str(to_version)},
    )
