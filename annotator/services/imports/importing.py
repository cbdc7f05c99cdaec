"""Importing a dataset file into a project: mapped, lossless, atomic, duplicate-aware, fast.

Rows stream through in chunks and go in with the driver's ``executemany`` inside one
transaction, so a million-row file never sits in memory whole and a failure on any
row, or a cancel, leaves the project exactly as it was.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session, col, select

from annotator.domain.errors import UserError
from annotator.domain.post_time import DateOrderEvidence, iso_time
from annotator.domain.progress import CancelToken, ProgressCallback, no_progress
from annotator.domain.records import ImportReport
from annotator.services.imports.column_mapping import detect_mapping, platform_of_url
from annotator.services.imports.media_import import MediaCollector
from annotator.services.imports.media_refs import media_columns
from annotator.services.imports.numeric_times import ORIGINAL_TIME_COLUMN, settle_numeric_times
from annotator.services.imports.post_identity import PostIdentity, content_hash
from annotator.services.imports.sources import SourceChunk, SourceTable, cell_text, open_source
from annotator.services.labeling.post_text import resolve_texts
from annotator.store.bulk_copy import streamed_rows
from annotator.store.engine import Project
from annotator.store.queries import hold_writers
from annotator.store.schema import index_new_posts
from annotator.store.tables import Dataset, Post

CHUNK_ROWS = 20_000
IMPORT_CACHE_KIB = 256 * 1024
_SCIENTIFIC_ID = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_POST_COLUMNS = (
    "dataset_id",
    "external_id",
    "text",
    "author",
    "created_at",
    "platform",
    "url",
    "extra",
    "content_hash",
)


@dataclass(frozen=True)
class ImportOptions:
    """What the user said about a file; None means detect it."""

    dataset: str | None = None
    text_col: str | None = None
    id_col: str | None = None
    author_col: str | None = None
    time_col: str | None = None
    platform_col: str | None = None
    url_col: str | None = None
    fmt: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    #: How to read numeric dates ("02/03/2025"): True day/month, False month/day, None
    #: decided by the column.
    day_first: bool | None = None
    #: Columns holding pictures besides (or, with ``detect_media`` off, instead of) those
    #: whose header says so.
    media_cols: tuple[str, ...] = ()
    detect_media: bool = True

    def overrides(self) -> dict[str, str | None]:
        return {
            "text": self.text_col,
            "id": self.id_col,
            "author": self.author_col,
            "created_at": self.time_col,
            "platform": self.platform_col,
            "url": self.url_col,
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_mapped_source(path: Path, options: ImportOptions) -> tuple[SourceTable, dict[str, str]]:
    """Open the file and decide which column feeds which post field."""
    source = open_source(path, options.fmt, sheet=options.sheet, header_row=options.header_row)
    try:
        mapping = detect_mapping(source.columns, options.overrides())
    except UserError as error:
        error.file = source.file
        raise
    return source, mapping


class _ChunkWriter:
    """Turns chunks into post rows, checking ids across the whole file as it goes."""

    def __init__(
        self,
        source: SourceTable,
        mapping: dict[str, str],
        options: ImportOptions,
        existing: dict[str, str],
        report: ImportReport,
        dataset: Dataset,
        media: MediaCollector,
    ) -> None:
        self.source = source
        self.media = media
        self.mapping = mapping
        self.text_detected = options.text_col is None
        self.existing = existing
        self.report = report
        assert dataset.id is not None
        self.dataset_id = dataset.id
        self.identity = PostIdentity(
            file=source.file,
            url_column=mapping.get("url"),
            existing=existing,
            first_mapping=dataset.column_mapping or mapping,
        )
        self.first_row_of: dict[str, tuple[int, str]] = {}
        self.mapped = set(mapping.values())
        #: The extra keys of the posts added, first seen first (``Dataset.extra_columns``).
        self.extra_keys: dict[str, None] = {}
        self.times = DateOrderEvidence(mapping.get("created_at", ""))

    def _field(self, chunk: SourceChunk, field: str) -> list[str | None]:
        column = self.mapping.get(field)
        if column is None:
            return [None] * len(chunk)
        return [cell_text(v) or None for v in chunk.values(column)]

    def rows(self, chunk: SourceChunk) -> list[tuple[Any, ...]]:
        report = self.report
        report.rows_read += len(chunk)
        texts = resolve_texts(chunk, self.mapping["text"], detected=self.text_detected)
        authors = self._field(chunk, "author")
        times = self._field(chunk, "created_at")
        platforms = self._field(chunk, "platform")
        urls = self._field(chunk, "url")
        if "platform" not in self.mapping:
            platforms = [platform_of_url(url) for url in urls]
        id_column = self.mapping.get("id")
        ids = self._field(chunk, "id")
        extras = chunk.extras_json(self.mapped)
        blank = chunk.is_blank()
        out: list[tuple[Any, ...]] = []
        kept: list[int] = []
        for i, number in enumerate(chunk.row_numbers):
            text = texts[i]
            if not text.strip():
                if blank[i]:
                    report.blank_rows += 1
                else:
                    report.empty_text_skipped.append(number)
                continue
            external_id = (ids[i] or "").strip()
            if id_column and not external_id:
                raise UserError(
                    "the id is empty", file=self.source.file, row=number, column=id_column
                )
            if id_column and _SCIENTIFIC_ID.match(external_id):
                raise UserError(
                    f"the id {external_id!r} looks like a number a spreadsheet rounded "
                    "(long ids saved by Excel); export the ids as text and import again, "
                    'or import with --id-col "" to give the posts ids of their own and keep '
                    "these in an extra column",
                    file=self.source.file,
                    row=number,
                    column=id_column,
                )
            if not external_id:
                external_id = self.identity.of_row(
                    chunk, i, number=number, text=text, url=urls[i], first_row_of=self.first_row_of
                )
            digest = content_hash(text)
            seen = self.first_row_of.get(external_id)
            if seen is not None:
                if seen[1] != digest:
                    raise UserError(
                        f"the id {external_id!r} is also on row {seen[0]} with different "
                        "text; ids must be unique (were they damaged by a spreadsheet?)",
                        file=self.source.file,
                        row=number,
                        column=id_column,
                    )
                report.duplicates_skipped += 1
                continue
            self.first_row_of[external_id] = (number, digest)
            stored = self.existing.get(external_id)
            if stored is not None:
                report.duplicates_skipped += 1
                if stored != digest:
                    report.changed_skipped += 1
                continue
            kept.append(i)
            out.append(
                (
                    self.dataset_id,
                    external_id,
                    text,
                    authors[i],
                    iso_time(times[i]),
                    platforms[i],
                    urls[i],
                    extras[i],
                    digest,
                )
            )
        report.added += len(out)
        self.media.collect(chunk, kept, [row[1] for row in out])
        for i in kept:
            self.times.observe(chunk.row_numbers[i], times[i])
        self.extra_keys.update(dict.fromkeys(chunk.extra_keys(self.mapped, kept)))
        return out


def _insert_statement(connection: Connection) -> str:
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    return (
        f"INSERT INTO post ({', '.join(_POST_COLUMNS)}) "
        f"VALUES ({', '.join([marker] * len(_POST_COLUMNS))})"
    )


@contextmanager
def _large_cache(connection: Connection) -> Iterator[None]:
    """A big page cache while bulk-inserting into SQLite.

    A million-row import updates the indexes and the full-text index far more often
    than the default 2 MiB cache holds; with the cache spilling, every page is written
    to the WAL again and again (measured: 3x slower).
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous or -2000)}")


def _dataset(session: Session, name: str, path: Path, mapping: dict[str, str]) -> Dataset:
    """The dataset ``name``, created on first use; two imports into one dataset at once
    take turns (the second then sees the first one's posts as already there)."""
    hold_writers(session, "dataset", [name])
    dataset = session.exec(select(Dataset).where(Dataset.name == name)).first()
    if dataset is None:
        dataset = Dataset(
            name=name,
            source_name=path.name,
            source_sha256=file_sha256(path),
            column_mapping=mapping,
        )
        session.add(dataset)
        session.flush()
    return dataset


def import_dataset(
    project: Project,
    path: Path,
    options: ImportOptions | None = None,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import ``path`` into the dataset named by the options (default: the file's stem).

    Posts already in that dataset (same external id) are skipped and counted. The
    whole import is one transaction: an error or a cancel leaves the project as it was.
    """
    options = options or ImportOptions()
    cancel = cancel or CancelToken()
    progress(0, 0, f"Reading {path.name}")
    source, mapping = open_mapped_source(path, options)
    name = (options.dataset or path.stem).strip()
    if not name:
        raise UserError("the dataset name is empty")
    report = ImportReport(dataset=name, file=source.file, column_mapping=mapping)
    try:
        pictures = media_columns(
            source.columns, named=options.media_cols, detect=options.detect_media
        )
    except UserError as error:
        error.file = source.file
        raise
    report.media_columns = pictures
    report.encoding = getattr(source, "encoding_note", None)
    with project.backed_up("before-import"), project.session() as session:
        dataset = _dataset(session, name, path, mapping)
        assert dataset.id is not None
        existing = {
            external_id: digest
            for external_id, digest in session.exec(
                select(Post.external_id, Post.content_hash).where(
                    col(Post.dataset_id) == dataset.id
                )
            ).all()
        }
        media = MediaCollector(pictures, path.resolve().parent)
        writer = _ChunkWriter(source, mapping, options, existing, report, dataset, media)
        connection = session.connection()
        statement = _insert_statement(connection)
        last_id_before = int(
            connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM post").scalar() or 0
        )
        with _large_cache(connection):
            with streamed_rows(connection, statement, "post", _POST_COLUMNS) as insert:
                for chunk in source.chunks(CHUNK_ROWS, cancel):
                    rows = writer.rows(chunk)
                    if rows:
                        insert(rows)
                    progress(source.position(), source.size, f"{report.rows_read:,} rows read")
            cancel.raise_if_cancelled()
            order, rewritten = settle_numeric_times(
                connection,
                writer.times,
                after_id=last_id_before,
                stated=options.day_first,
                file=source.file,
            )
            report.time_note = order.note
            if rewritten:
                writer.extra_keys[ORIGINAL_TIME_COLUMN] = None
            progress(source.size, source.size, "Indexing for search")
            index_new_posts(connection, last_id_before)
            media.store(
                connection,
                dataset_id=dataset.id,
                after_id=last_id_before,
                report=report,
                progress=progress,
                cancel=cancel,
            )
        if report.rows_read == 0:
            raise UserError("has a header but no rows", file=source.file)
        known = dict.fromkeys(dataset.extra_columns or [])
        if writer.extra_keys.keys() - known.keys():
            dataset.extra_columns = list({**known, **writer.extra_keys})  # new list: a change
            session.add(dataset)
    return report
