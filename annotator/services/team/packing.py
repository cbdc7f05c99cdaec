"""Writing one annotator's package: a project file of its own with the posts assigned to
them, their pictures (each image once), their labels, history and marks so far, and where
it came from.

The copy is a bulk one: each table is read once with one statement (in one read
transaction of the project, so the package is one consistent moment) and written with
one executemany per chunk, and the package's search index is built once at the end.
Rows keep their ids, so a package's history keeps the order it was made in. One path
serves both stores (an ``ATTACH`` would be a little faster on SQLite but cannot read a
PostgreSQL project; the benchmark in ``benchmarks/team_flows.py`` measures the cost).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Connection, Select, Table, func, select
from sqlmodel import Session

from annotator.domain.errors import UserError
from annotator.domain.markers import DEFAULT_MARKERS
from annotator.resource_files import resource_path
from annotator.services.atomic_files import temporary_path_for
from annotator.services.project.project_settings import project_id
from annotator.store.bulk_annotations import insert_many
from annotator.store.engine import Project, create_project
from annotator.store.media import images_of_posts, post_media_rows
from annotator.store.queries import annotator_id, load_codebook
from annotator.store.schema import index_new_posts
from annotator.store.tables import (
    Annotation,
    AnnotationEvent,
    Annotator,
    Assignment,
    Dataset,
    MediaImage,
    Post,
    PostMark,
    PostMedia,
    ProjectMeta,
)

#: Rows per executemany: bounds memory on a large package without costing speed.
_CHUNK = 20_000
#: Rows per executemany for tables of pictures: a stored image (display copy and
#: thumbnail) is up to a few hundred kB, so 20,000 of them would be gigabytes at once.
_CHUNKS = {"media_image": 100}


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def pack(project: Project, out: Path, *, annotator: str) -> int:
    """Write ``annotator``'s package to ``out`` (a new project file); returns its posts."""
    if out.exists():
        raise UserError(f"{out}: already exists; choose a new file name")
    source_id = project_id(project)
    markers_text = _markers_text(project)
    with project.snapshot(), project.session() as session:  # one state of the project
        who = annotator_id(session, annotator, create=False)
        if who is None:
            raise UserError(f"the project has no annotator {annotator!r}")
        stored = session.get(Annotator, who)
        name = stored.name if stored is not None else annotator
        source = session.connection()
        statements = _package_rows(who)
        posts = int(source.execute(select(func.count()).select_from(
            statements["post"].subquery())).scalar() or 0)  # fmt: skip
        if not posts:
            raise UserError(f"nothing is assigned to {name}; run 'annotator assign' first")
        codebook = load_codebook(session)
        with temporary_path_for(out) as temporary:
            package = create_project(temporary, codebook)
            try:
                with package.session() as target:
                    connection = target.connection()
                    for key, value in (
                        ("package_of", source_id),
                        ("package_annotator", name),
                        ("markers", markers_text),
                    ):
                        row = {"key": key, "value": value}
                        connection.execute(_table(ProjectMeta).insert(), row)
                    for table_name, statement in statements.items():
                        _copy(source, target, table_name, statement)
                    index_new_posts(connection, 0)
                    _record_packed_through(connection)
                _checkpoint(package)
            finally:
                package.close()
    return posts


def _record_packed_through(package: Connection) -> None:
    """The last history id the package holds when made: a merge never looks these
    events up again (the project has them), only the ones made after."""
    events = _table(AnnotationEvent)
    last = package.execute(select(func.coalesce(func.max(events.c.id), 0))).scalar()
    row = {"key": "packed_through", "value": str(int(last or 0))}
    package.execute(_table(ProjectMeta).insert(), row)


def _package_rows(who: int) -> dict[str, Select[Any]]:
    """Per package table, in the order foreign keys need, the project rows it holds."""
    assignment, post = _table(Assignment), _table(Post)
    assigned = select(assignment.c.post_id).where(assignment.c.annotator_id == who)
    person = _table(Annotator)
    statements: dict[str, Select[Any]] = {
        "annotator": select(*(c for c in person.c if c.name != "merged_into")).where(
            person.c.id == who
        ),
        "dataset": select(_table(Dataset)).where(
            _table(Dataset).c.id.in_(select(post.c.dataset_id).where(post.c.id.in_(assigned)))
        ),
        "post": select(post).where(post.c.id.in_(assigned)).order_by(post.c.id),
        # The pictures the annotator sees offline: their posts' media rows and the images
        # those rows refer to, each image once however many posts show it.
        "media_image": images_of_posts(assigned),
        "post_media": post_media_rows(assigned),
        "assignment": select(assignment).where(assignment.c.annotator_id == who),
    }
    for model in (AnnotationEvent, Annotation, PostMark):
        table = _table(model)
        statements[table.name] = (
            select(table)
            .where(table.c.annotator_id == who, table.c.post_id.in_(assigned))
            .order_by(table.c.id)
        )
    return statements


def _copy(source: Connection, package: Session, table_name: str, rows: Select[Any]) -> None:
    """Stream one table's rows from the project into the package, a chunk at a time.

    From an SQLite project the stored values go across as they are (both files store
    them alike), skipping SQLAlchemy's decoding and re-encoding of every JSON and time
    value, which was most of a 50,000-post pack; from a database server they go through
    the column types."""
    if source.dialect.name != "sqlite":
        _copy_from_server(source, package, table_name, rows)
        return
    target = package.connection()
    sql = str(rows.compile(dialect=source.dialect, compile_kwargs={"literal_binds": True}))
    names = [column.name for column in rows.selected_columns]
    insert = f"INSERT INTO {table_name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    result = source.exec_driver_sql(sql)
    while chunk := result.fetchmany(_CHUNKS.get(table_name, _CHUNK)):
        target.exec_driver_sql(insert, [tuple(row) for row in chunk])


def _copy_from_server(
    source: Connection, package: Session, table_name: str, rows: Select[Any]
) -> None:
    """One table from a database server into the package, streamed a chunk at a time.

    Going through SQLAlchemy's result rows and a compiled ``INSERT`` per row spent most
    of a 50,000-post pack from PostgreSQL building parameters (2.6x SQLite's pack), and
    decoding then re-encoding every JSON value. Over psycopg the rows come from the
    driver with JSON left as its stored text (``_server_rows``), written as the SQLite
    branch writes them: other values through the package's column types."""
    table = _table_named(table_name)
    sql = str(rows.compile(dialect=source.dialect, compile_kwargs={"literal_binds": True}))
    names = [column.name for column in rows.selected_columns]
    if source.dialect.driver != "psycopg":
        result = source.execution_options(stream_results=True).exec_driver_sql(sql)
        memos: dict[str, dict[Any, Any]] = {}
        while part := result.fetchmany(_CHUNKS.get(table_name, _CHUNK)):
            dicts = [dict(zip(names, row, strict=True)) for row in part]
            insert_many(package, table, dicts, memos)
        return
    target = package.connection()
    dialect = target.dialect
    convert = [
        None
        if isinstance(table.c[name].type, JSON)
        else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        for name in names
    ]
    insert = f"INSERT INTO {table_name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    for chunk in _server_rows(source, sql, _CHUNKS.get(table_name, _CHUNK)):
        columns = [
            list(values) if process is None else [process(v) for v in values]
            for process, values in zip(convert, zip(*chunk, strict=True), strict=True)
        ]
        target.exec_driver_sql(insert, list(zip(*columns, strict=True)))


def _server_rows(
    source: Connection, sql: str, chunk_rows: int = _CHUNK
) -> Iterator[list[tuple[Any, ...]]]:
    """``sql``'s rows from psycopg, ``chunk_rows`` at a time through a server-side cursor,
    JSON columns as their text (the text SQLite stores for JSON)."""
    from psycopg.types.string import TextLoader

    driver = source.connection.driver_connection
    assert driver is not None
    with driver.cursor(name="annotator_pack") as cursor:
        cursor.adapters.register_loader("json", TextLoader)
        cursor.adapters.register_loader("jsonb", TextLoader)
        cursor.execute(sql)
        while chunk := cursor.fetchmany(chunk_rows):
            yield chunk


def _table_named(name: str) -> Table:
    for model in (
        Annotator,
        Dataset,
        Post,
        MediaImage,
        PostMedia,
        Assignment,
        AnnotationEvent,
        Annotation,
        PostMark,
    ):
        if _table(model).name == name:
            return _table(model)
    raise KeyError(name)


def _checkpoint(package: Project) -> None:
    """Fold the write-ahead log into the file so the renamed file alone holds everything."""
    with package.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _markers_text(project: Project) -> str:
    """The marker list the annotator should see: the project's own, else the shipped one."""
    with project.session() as session:
        own = session.get(ProjectMeta, "markers")
    return (
        own.value
        if own is not None and own.value
        else resource_path(DEFAULT_MARKERS).read_text(encoding="utf-8")
    )
