"""XLSX (and other Excel/ODS) sheets read with calamine; the header row is found, not assumed.

python-calamine is used directly rather than through ``pandas.read_excel(engine="calamine")``
because pandas drops leading empty rows, and we must name the sheet's real row numbers.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken
from annotator.services.imports.column_mapping import CANDIDATES, normalise_column_name
from annotator.services.imports.sources.base import FrameChunk, SourceChunk, SourceTable, cell_text
from annotator.services.imports.sources.sheet_extent import check_sheet_extent, check_workbook_size

HEADER_SEARCH_ROWS = 30
_KNOWN_NAMES = {normalise_column_name(n) for names in CANDIDATES.values() for n in names}


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def find_header_row(rows: list[list[str]]) -> int:
    """0-based index of the header: the first row naming a known column, else the fullest."""
    search = rows[:HEADER_SEARCH_ROWS]
    for index, row in enumerate(search):
        if any(normalise_column_name(cell) in _KNOWN_NAMES for cell in row if cell.strip()):
            return index
    filled = [sum(1 for cell in row if cell.strip()) for row in search]
    if not filled or max(filled) == 0:
        return 0
    return filled.index(max(filled))


class SpreadsheetSource(SourceTable):
    """One sheet of a workbook, as text cells under its header row."""

    def __init__(self, path: Path, sheet: str | None, header_row: int | None) -> None:
        self.path = path
        self.file = path.name
        self.format = "xlsx"
        self.encoding = None
        check_workbook_size(path)
        try:
            workbook = CalamineWorkbook.from_path(str(path))
        except (CalamineError, zipfile.BadZipFile, OSError, ValueError) as error:
            raise UserError(
                f"cannot be read as a spreadsheet ({error}); is it a real .xlsx file?",
                file=self.file,
            ) from error
        names = list(workbook.sheet_names)
        if not names:
            raise UserError("has no sheets", file=self.file)
        if sheet is not None and sheet not in names:
            raise UserError(
                f"has no sheet {sheet!r}; the sheets are: {', '.join(names)}", file=self.file
            )
        self.sheet = sheet or names[0]
        self.sheet_names = names
        check_sheet_extent(path, self.sheet)
        try:
            raw = workbook.get_sheet_by_name(self.sheet).to_python(skip_empty_area=False)
        except (CalamineError, ValueError) as error:
            raise UserError(f"sheet {self.sheet!r} cannot be read ({error})", file=self.file) from (
                error
            )
        cells = [[cell_text(value) for value in row] for row in raw]
        if not any(any(c.strip() for c in row) for row in cells):
            raise UserError(f"sheet {self.sheet!r} is empty", file=self.file)
        width = max(len(row) for row in cells)
        cells = [row + [""] * (width - len(row)) for row in cells]
        if header_row is not None:
            if not 1 <= header_row <= len(cells):
                raise UserError(f"has no row {header_row} in sheet {self.sheet!r}", file=self.file)
            self.header_index = header_row - 1
        else:
            self.header_index = find_header_row(cells)
        header = cells[self.header_index]
        body = cells[self.header_index + 1 :]
        keep = [i for i in range(width) if header[i].strip() or any(r[i].strip() for r in body)]
        self.columns = _unique_names(
            [header[i].strip() or f"column_{_column_letter(i)}" for i in keep]
        )
        frame = pd.DataFrame([[row[i] for i in keep] for row in body], columns=self.columns)
        self._frame = frame.astype(object)
        self.size = len(body)
        self._done = 0

    def position(self) -> int:
        return self._done

    def chunks(self, size: int, cancel: CancelToken | None = None) -> Iterator[SourceChunk]:
        first_row = self.header_index + 2  # 1-based sheet row of the first data row
        for start in range(0, len(self._frame), size):
            if cancel is not None:
                cancel.raise_if_cancelled()
            frame = self._frame.iloc[start : start + size]
            self._done = start + len(frame)
            yield FrameChunk(frame, list(range(first_row + start, first_row + start + len(frame))))


def _unique_names(names: list[str]) -> list[str]:
    """Repeated header names get ``.1``, ``.2`` as pandas does for CSV."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        if name in seen:
            seen[name] += 1
            result.append(f"{name}.{seen[name]}")
        else:
            seen[name] = 0
            result.append(name)
    return result
