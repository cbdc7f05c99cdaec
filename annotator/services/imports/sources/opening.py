"""Choosing a reader from the suffix (or ``--format``) and opening the file with it.

JSON and JSON Lines are one family here: which of the two a file is, the JSON reader
tells from its content (stream files are JSON Lines named ``.json``).
"""

from __future__ import annotations

from pathlib import Path

from annotator.domain.errors import UserError
from annotator.services.imports.formats import FORMATS
from annotator.services.imports.sources.base import SourceTable
from annotator.services.imports.sources.delimited import DelimitedSource
from annotator.services.imports.sources.json_records import JsonSource
from annotator.services.imports.sources.parquet import ParquetSource
from annotator.services.imports.sources.spreadsheet import SpreadsheetSource
from annotator.store.regular_files import require_regular_file

_SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
    ".ods": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def detect_format(path: Path, override: str | None = None) -> str:
    if override:
        if override not in FORMATS:
            raise UserError(f"unknown format {override!r}; choose one of {', '.join(FORMATS)}")
        return override
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise UserError(
            f"cannot tell the format from the suffix {path.suffix or '(none)'!r}; use "
            ".csv, .tsv, .jsonl, .json, .xlsx or .parquet, or name it with --format",
            file=path.name,
        )
    return fmt


def open_source(
    path: Path,
    fmt: str | None = None,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
) -> SourceTable:
    """Open ``path`` for reading; every problem becomes a UserError naming the file."""
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a file")
    require_regular_file(path)
    kind = detect_format(path, fmt)
    if kind in ("csv", "tsv"):
        return DelimitedSource(path, kind)
    if kind in ("jsonl", "json"):
        return JsonSource(path, kind)
    if kind == "xlsx":
        return SpreadsheetSource(path, sheet, header_row)
    return ParquetSource(path)
