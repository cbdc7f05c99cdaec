"""Reading tabular source files (CSV/TSV, JSON Lines, JSON arrays) into rows of cells.

Rows keep their spreadsheet row number (header = row 1) or JSON Lines line number, so
every later error can point at the exact place in the user's file.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from annotator.domain.errors import UserError

FORMATS = ("csv", "tsv", "jsonl", "json")
_SUFFIX_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".txt": "csv",
}


@dataclass
class SourceTable:
    """Cells by column name. Values are strings for text files, JSON values for JSON."""

    file: str
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)


def detect_format(path: Path, override: str | None = None) -> str:
    if override:
        if override not in FORMATS:
            raise UserError(f"unknown format {override!r}; choose one of {', '.join(FORMATS)}")
        return override
    fmt = _SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UserError(
            f"cannot tell the format from the suffix {path.suffix!r}; "
            f"use .csv, .tsv, .jsonl or .json, or pass --format",
            file=path.name,
        )
    return fmt


def read_table(path: Path, fmt: str | None = None) -> SourceTable:
    """Read a whole source file; raise UserError naming file and row on bad input."""
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a file")
    kind = detect_format(path, fmt)
    data = path.read_bytes()
    if kind in ("csv", "tsv"):
        return _read_delimited(path, _decode(path, data), "\t" if kind == "tsv" else None)
    text = _decode(path, data)
    if kind == "jsonl":
        return _read_json_lines(path, text)
    return _read_json_array(path, text)


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM) and UTF-16 with BOM; anything else is refused clearly."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UserError(
            f"is not valid UTF-8 (byte 0x{data[error.start]:02x} on line {line}); "
            "save it as UTF-8 and import again",
            file=path.name,
        ) from error


def _sniff_delimiter(text: str) -> str:
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_delimited(path: Path, text: str, delimiter: str | None) -> SourceTable:
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise UserError(f"contains a NUL byte on line {line}", file=path.name)
    sep = delimiter or _sniff_delimiter(text)
    try:
        # dtype=str and no NA parsing: ids such as 00123 and 19-digit tweet ids stay as written.
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            engine="c",
        )
    except pd.errors.EmptyDataError as error:
        raise UserError("is empty", file=path.name) from error
    except pd.errors.ParserError as error:
        raise UserError(f"cannot be read as CSV: {error}", file=path.name) from error
    columns = [str(c) for c in frame.columns]
    _check_columns(path, columns)
    rows = frame.to_dict(orient="records")
    return SourceTable(
        file=path.name,
        columns=columns,
        rows=[{str(k): v for k, v in row.items()} for row in rows],
        row_numbers=list(range(2, len(rows) + 2)),
    )


def _check_columns(path: Path, columns: list[str]) -> None:
    seen: set[str] = set()
    for column in columns:
        if column.startswith("Unnamed: "):
            raise UserError("has a column without a header name", file=path.name, row=1)
        if column in seen:
            raise UserError(f"has the column {column!r} twice", file=path.name, row=1)
        seen.add(column)


def flatten_record(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted columns (``user.screen_name``); lists stay as values.

    Written here rather than with ``pandas.json_normalize``, which turns integer ids
    above 2**53 into floats when a column has gaps.
    """
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten_record(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _table_from_records(path: Path, records: list[tuple[int, Any]]) -> SourceTable:
    columns: dict[str, None] = {}
    rows: list[dict[str, Any]] = []
    numbers: list[int] = []
    for number, record in records:
        if not isinstance(record, dict):
            raise UserError(
                f"holds a {type(record).__name__}, not a JSON object", file=path.name, row=number
            )
        flat = flatten_record(record)
        columns.update(dict.fromkeys(flat))
        rows.append(flat)
        numbers.append(number)
    if not rows:
        raise UserError("is empty", file=path.name)
    return SourceTable(file=path.name, columns=list(columns), rows=rows, row_numbers=numbers)


def _read_json_lines(path: Path, text: str) -> SourceTable:
    records: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((number, json.loads(line)))
        except json.JSONDecodeError as error:
            raise UserError(
                f"is not valid JSON ({error.msg} at character {error.colno})",
                file=path.name,
                row=number,
            ) from error
    return _table_from_records(path, records)


def _read_json_array(path: Path, text: str) -> SourceTable:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"is not valid JSON ({error.msg})", file=path.name, row=error.lineno) from (
            error
        )
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise UserError("must hold a JSON array of objects", file=path.name)
    return _table_from_records(path, list(enumerate(data, start=1)))


def cell_text(value: Any) -> str:
    """A cell as text: JSON scalars as written, lists/objects as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
