"""Checking a workbook's size before a reader sees it.

calamine builds the whole rectangle from A1 to the last cell: one stray cell at
``XFD1048576`` in a 1.5 KB file asks for 17 billion cells (512 GiB) and the process
aborts, which no ``except`` can catch. A zip member of a gigabyte (one huge cell)
likewise reaches several GiB once read. So the zip's directory and the sheet's XML are
read here, streaming and cheaply, and anything beyond the limits below is refused in a
sentence before calamine is called.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse

from annotator.domain.errors import UserError

MAX_COLUMNS = 1_000
"""Social-media exports have a few dozen columns; a thousand is far beyond any real one."""

MAX_CELLS = 20_000_000
"""Rows × columns of the rectangle read: a million posts with 20 columns. Each cell costs
a pointer in three copies (calamine's, ours, pandas'), so this stays under a gigabyte
even when the rectangle is mostly empty."""

MAX_MEMBER_BYTES = 200 * 1024 * 1024
"""Uncompressed size of one part of the workbook (a sheet, the shared strings). Excel
itself caps a cell at 32,767 characters; 200 MB is 100,000 posts of 2,000 characters,
more than any sheet a person fills in, and reading it costs about 1 GB."""

_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def check_workbook_size(path: Path) -> None:
    """Refuse a zip-based workbook with a part that would be too large once unpacked.

    Files that are not zips (``.xls``) are left to the reader, which fails on its own.
    """
    if not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # the reader says it in its own sentence
    for member in members:
        if member.file_size > MAX_MEMBER_BYTES:
            raise UserError(
                f"holds {member.filename} of {_megabytes(member.file_size)} once unpacked, "
                f"more than the {_megabytes(MAX_MEMBER_BYTES)} annotator reads from one part "
                "of a workbook (probably a cell of enormous text); save the data as CSV",
                file=path.name,
            )


def check_sheet_extent(path: Path, sheet: str) -> None:
    """Refuse ``sheet`` of an xlsx if its declared or real last cell makes too large a
    rectangle: the ``<dimension>`` it declares, and every cell and row it holds."""
    member = _sheet_member(path, sheet)
    if member is None:
        return
    rows, columns, last = _scan_extent(path, member)
    if columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise UserError(
            f"sheet {sheet!r} has a cell at {last}: {columns:,} columns × {rows:,} rows is "
            f"more than annotator reads (at most {MAX_COLUMNS:,} columns and "
            f"{MAX_CELLS:,} cells); delete the stray cell in Excel (Ctrl+End shows it) "
            "or save the data as CSV",
            file=path.name,
        )


def _scan_extent(path: Path, member: str) -> tuple[int, int, str]:
    """Rows, columns and the name of the last cell, read from the sheet's XML in chunks
    without keeping it. Nearly every writer names each cell (``r="B7"``), so a regular
    expression finds the extent in a fraction of the reader's time; a sheet with
    unnamed cells or rows is walked element by element instead."""
    rows = columns = 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
            carry = b""
            while chunk := stream.read(_CHUNK):
                data = carry + chunk
                cut = data.rfind(b"<")
                data, carry = data[:cut], data[cut:]
                extent = _extent_of(data, rows, columns)
                if extent is None:
                    return _walk_extent(path, member)
                rows, columns = extent
                if columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
                    break
            extent = _extent_of(carry, rows, columns)
            if extent is None:
                return _walk_extent(path, member)
            rows, columns = extent
    except (zipfile.BadZipFile, OSError, KeyError):
        pass  # a broken sheet is the reader's to report
    return rows, columns, f"{_column_letter(columns)}{rows}"


_CHUNK = 4 * 1024 * 1024
_CELLS = re.compile(rb"<c(?=\s)[^>]*?\sr\s*=\s*[\"']\$?([A-Z]{1,3})\$?([0-9]{1,7})[\"']")
_ROWS = re.compile(rb"<row(?=\s)[^>]*?\sr\s*=\s*[\"']([0-9]{1,7})[\"']")
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]")
_DIMENSION = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?ref\s*=\s*[\"'][^\"']*?([A-Z]{1,3})([0-9]{1,7})[\"']"
)


def _extent_of(data: bytes, rows: int, columns: int) -> tuple[int, int] | None:
    """Widen (rows, columns) by the declared dimension, every cell and every row;
    ``None`` when a cell or row is unnamed (or its tag has a prefix), which only a
    walk through the elements places right."""
    cells = _CELLS.findall(data)
    numbered = _ROWS.findall(data)
    opened_cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")
    opened_rows = data.count(b"<row ") + data.count(b"<row>")
    if len(cells) != opened_cells or len(numbered) != opened_rows or _PREFIXED.search(data):
        return None
    refs = list(cells)
    if b"dimension" in data:
        refs += _DIMENSION.findall(data)
    if refs:
        letters = max((letters for letters, _ in refs), key=lambda text: (len(text), text))
        columns = max(columns, _column_number(letters.decode()))
        rows = max(rows, max(int(number) for _, number in refs))
    if numbered:
        rows = max(rows, max(int(number) for number in numbered))
    return rows, columns


def _walk_extent(path: Path, member: str) -> tuple[int, int, str]:
    """The extent of a sheet whose cells may be unnamed: they follow the one before."""
    rows = columns = 0
    row = column = 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
            for event, element in iterparse(stream, events=("start", "end")):
                name = element.tag.rpartition("}")[2]
                if event == "start":
                    if name == "dimension":
                        found = _parse_ref(element.get("ref", "").rpartition(":")[2])
                        if found is not None:
                            rows, columns = max(rows, found[0]), max(columns, found[1])
                    elif name == "row":
                        row = _int(element.get("r"), row + 1)
                        column = 0
                        rows = max(rows, row)
                    elif name == "c":
                        found = _parse_ref(element.get("r", ""))
                        if found is not None:
                            row, column = found
                        else:
                            column += 1
                        rows, columns = max(rows, row), max(columns, column)
                    if columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
                        break
                elif name in ("c", "row"):
                    element.clear()
    except (ParseError, zipfile.BadZipFile, OSError, KeyError):
        pass  # a broken sheet is the reader's to report
    return rows, columns, f"{_column_letter(columns)}{rows}"


def _sheet_member(path: Path, sheet: str) -> str | None:
    """The zip member holding ``sheet``, from the workbook and its relationships."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
                return None
            targets: dict[str, str] = {}
            with archive.open("xl/_rels/workbook.xml.rels") as stream:
                for _, element in iterparse(stream):
                    if element.tag == f"{{{_PKG_REL_NS}}}Relationship":
                        targets[element.get("Id", "")] = element.get("Target", "")
            with archive.open("xl/workbook.xml") as stream:
                for _, element in iterparse(stream):
                    if element.tag == f"{{{_MAIN_NS}}}sheet" and element.get("name") == sheet:
                        target = targets.get(element.get(f"{{{_REL_NS}}}id", ""), "")
                        member = (
                            target.lstrip("/")
                            if target.startswith("/")
                            else posixpath.normpath(posixpath.join("xl", target))
                        )
                        return member if member in names else None
    except (ParseError, zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def _parse_ref(ref: str) -> tuple[int, int] | None:
    """``"XFD1048576"`` → (1048576, 16384); ``None`` for anything else."""
    match = _CELL_REF.match(ref.replace("$", ""))
    if match is None:
        return None
    return int(match.group(2)), _column_number(match.group(1))


def _column_number(letters: str) -> int:
    """``"A"`` → 1, ``"XFD"`` → 16384."""
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return column


def _int(text: str | None, default: int) -> int:
    return int(text) if text is not None and text.isdigit() and len(text) < 10 else default


def _column_letter(number: int) -> str:
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters or "A"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"
