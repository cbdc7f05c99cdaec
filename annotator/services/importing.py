"""Importing a dataset file into a project: mapped, lossless, atomic, duplicate-aware."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import select

from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken, ProgressCallback, no_progress
from annotator.domain.records import ImportReport
from annotator.services.column_mapping import detect_mapping
from annotator.services.readers import SourceTable, cell_text, read_table
from annotator.store.engine import Project
from annotator.store.queries import external_id_index
from annotator.store.tables import Dataset, Post

BATCH_SIZE = 5000
_SCIENTIFIC_ID = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


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


def content_hash(text: str) -> str:
    """Hash of the post text; merges and re-imports use it to spot changed posts."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def derived_id(text: str, author: str, created_at: str) -> str:
    """A stable id for rows that have none: the same content always gets the same id."""
    digest = hashlib.sha256("\x1f".join((text, author, created_at)).encode("utf-8"))
    return "h" + digest.hexdigest()[:16]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rows_to_posts(
    table: SourceTable, mapping: dict[str, str], report: ImportReport
) -> list[dict[str, Any]]:
    """Turn source rows into post values, checking ids; reports empty texts."""
    mapped = set(mapping.values())
    posts: list[dict[str, Any]] = []
    first_row_of: dict[str, tuple[int, str]] = {}
    id_col = mapping.get("id")
    for number, row in zip(table.row_numbers, table.rows, strict=True):
        text = cell_text(row.get(mapping["text"]))
        if not text.strip():
            report.empty_text_skipped.append(number)
            continue
        values = {
            field: cell_text(row.get(column)) or None
            for field, column in mapping.items()
            if field not in ("text", "id")
        }
        external_id = cell_text(row.get(id_col)).strip() if id_col else ""
        if id_col and not external_id:
            raise UserError("the id is empty", file=table.file, row=number, column=id_col)
        if external_id and _SCIENTIFIC_ID.match(external_id):
            raise UserError(
                f"the id {external_id!r} looks like a number a spreadsheet rounded "
                "(long ids saved by Excel); export the ids as text and import again",
                file=table.file,
                row=number,
                column=id_col,
            )
        if not external_id:
            external_id = derived_id(
                text, values.get("author") or "", values.get("created_at") or ""
            )
        digest = content_hash(text)
        seen = first_row_of.get(external_id)
        if seen is not None:
            if seen[1] != digest:
                raise UserError(
                    f"the id {external_id!r} is also on row {seen[0]} with different text; "
                    "ids must be unique (were they damaged by a spreadsheet?)",
                    file=table.file,
                    row=number,
                    column=id_col,
                )
            report.duplicates_skipped += 1
            continue
        first_row_of[external_id] = (number, digest)
        extra = {column: value for column, value in row.items() if column not in mapped}
        posts.append(
            {
                "external_id": external_id,
                "text": text,
                "author": values.get("author"),
                "created_at": values.get("created_at"),
                "platform": values.get("platform"),
                "url": values.get("url"),
                "extra": extra,
                "content_hash": digest,
            }
        )
    return posts


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
    table = read_table(path, options.fmt)
    try:
        mapping = detect_mapping(
            table.columns,
            {
                "text": options.text_col,
                "id": options.id_col,
                "author": options.author_col,
                "created_at": options.time_col,
                "platform": options.platform_col,
                "url": options.url_col,
            },
        )
    except UserError as error:
        error.file = table.file
        raise
    name = (options.dataset or path.stem).strip()
    if not name:
        raise UserError("the dataset name is empty")
    report = ImportReport(dataset=name, file=path.name, rows_read=len(table.rows))
    report.column_mapping = mapping
    posts = _rows_to_posts(table, mapping, report)
    cancel.raise_if_cancelled()
    with project.session() as session:
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
        existing = external_id_index(session, name)
        new_posts = [post for post in posts if post["external_id"] not in existing]
        report.duplicates_skipped += len(posts) - len(new_posts)
        connection = session.connection()
        total = len(new_posts)
        for start in range(0, total, BATCH_SIZE):
            cancel.raise_if_cancelled()
            batch = [
                {**post, "dataset_id": dataset.id} for post in new_posts[start : start + BATCH_SIZE]
            ]
            connection.execute(insert(Post), batch)
            progress(min(start + BATCH_SIZE, total), total, f"Importing {path.name}")
        cancel.raise_if_cancelled()
        report.added = total
    return report
