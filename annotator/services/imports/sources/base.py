"""What every source reader provides: columns, a preview, a row count and chunks."""

from __future__ import annotations

import json
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken
from annotator.services.imports.sources.encoding import require_text_encoding


def cell_text(value: Any) -> str:
    """A cell as text: scalars as written, integral floats without ".0", lists as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=json_default)


def json_default(value: Any) -> Any:
    """JSON for values that json cannot write itself (dates, decimals, bytes)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


class SourceChunk(ABC):
    """A run of consecutive rows from a source."""

    row_numbers: list[int]

    def __len__(self) -> int:
        return len(self.row_numbers)

    @abstractmethod
    def values(self, column: str) -> list[Any]:
        """The column's values, None where a row lacks it."""

    @abstractmethod
    def extras_json(self, exclude: set[str]) -> list[str]:
        """Each row's other columns as a JSON object, kept exactly as read."""

    @abstractmethod
    def extra_keys(self, exclude: set[str], rows: list[int]) -> list[str]:
        """The keys ``extras_json`` gives the rows at these positions, first seen first."""

    @abstractmethod
    def is_blank(self) -> list[bool]:
        """Rows with no value in any column (blank lines, empty sheet rows)."""

    @abstractmethod
    def row_cells(self) -> list[dict[str, Any]]:
        """Each row as column -> value, every column it has (a row's identity without ids)."""


class FrameChunk(SourceChunk):
    """Rows of a text table (CSV, sheet) held as a DataFrame of strings."""

    def __init__(self, frame: pd.DataFrame, row_numbers: list[int]) -> None:
        self.frame = frame
        self.row_numbers = row_numbers

    def values(self, column: str) -> list[Any]:
        if column not in self.frame.columns:
            return [None] * len(self.frame)
        return [None if _missing(v) else v for v in self.frame[column].tolist()]

    def extras_json(self, exclude: set[str]) -> list[str]:
        columns = [c for c in self.frame.columns if c not in exclude]
        if not columns:
            return ["{}"] * len(self.frame)
        extras = self.frame[columns].fillna("")
        # pandas' C JSON writer is ~5x faster than json.dumps per row here.
        lines = str(extras.to_json(orient="records", lines=True, force_ascii=False))
        return lines.rstrip("\n").split("\n")

    def extra_keys(self, exclude: set[str], rows: list[int]) -> list[str]:
        return [str(c) for c in self.frame.columns if c not in exclude] if rows else []

    def is_blank(self) -> list[bool]:
        filled = self.frame.fillna("").astype(str).apply(lambda col: col.str.strip() != "")
        return [not bool(any_filled) for any_filled in filled.any(axis=1).tolist()]

    def row_cells(self) -> list[dict[str, Any]]:
        columns = [str(c) for c in self.frame.columns]
        return [
            dict(zip(columns, row, strict=True))
            for row in self.frame.itertuples(index=False, name=None)
        ]


class RecordChunk(SourceChunk):
    """Rows of a JSON-like source held as flat dicts; values keep their JSON types."""

    def __init__(self, records: list[dict[str, Any]], row_numbers: list[int]) -> None:
        self.records = records
        self.row_numbers = row_numbers

    def values(self, column: str) -> list[Any]:
        return [record.get(column) for record in self.records]

    def extras_json(self, exclude: set[str]) -> list[str]:
        return [
            json.dumps(
                {k: v for k, v in record.items() if k not in exclude},
                ensure_ascii=False,
                default=json_default,
            )
            for record in self.records
        ]

    def extra_keys(self, exclude: set[str], rows: list[int]) -> list[str]:
        keys: dict[str, None] = {}
        for row in rows:
            keys.update(dict.fromkeys(self.records[row]))
        return [key for key in keys if key not in exclude]

    def is_blank(self) -> list[bool]:
        return [not any(cell_text(v).strip() for v in record.values()) for record in self.records]

    def row_cells(self) -> list[dict[str, Any]]:
        return self.records


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class SourceTable(ABC):
    """An opened source file. ``columns`` are known after opening (header or first rows)."""

    file: str
    format: str
    encoding: str | None = None
    columns: list[str]
    #: Size in bytes for progress; chunks report how far they got.
    size: int = 0

    @abstractmethod
    def chunks(self, size: int, cancel: CancelToken | None = None) -> Iterator[SourceChunk]:
        """Consecutive chunks of at most ``size`` rows."""

    def position(self) -> int:
        """Bytes (or rows) consumed so far, comparable with ``size``."""
        return 0

    def preview(self, rows: int = 50) -> list[list[str]]:
        """The first rows as text, one list per row in ``columns`` order."""
        for chunk in self.chunks(rows):
            values = [chunk.values(column) for column in self.columns]
            return [
                [cell_text(values[c][r]) for c in range(len(self.columns))]
                for r in range(len(chunk))
            ]
        return []

    def count_rows(self, cancel: CancelToken | None = None) -> int:
        return sum(len(chunk) for chunk in self.chunks(50_000, cancel))


class TextSource(SourceTable):
    """A source read as text: refuses empty files and finds the encoding first."""

    encoding_note = ""

    def __init__(self, path: Path, fmt: str, row_of: Callable[[int], int]) -> None:
        self.path = path
        self.file = path.name
        self.format = fmt
        self.size = path.stat().st_size
        if self.size == 0:
            raise UserError("is empty", file=self.file)
        found = require_text_encoding(path, self.file, row_of)
        self.encoding = found.codec
        self.encoding_note = found.how
