"""Reading and writing the JSON and JSON Lines files both tools use: UTF-8 (a BOM is
accepted), errors that name the file and line, files that land whole or not at all."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from annotator.domain.errors import UserError
from annotator.services.atomic_files import atomic_write
from annotator.services.imports.sources.json_records import TOO_DEEP, parse_json_line
from annotator.store.regular_files import require_regular_file


def read_json_array(path: Path, *, items: str) -> list[Any]:
    """The items of a JSON array (one object alone is taken as an array of one);
    ``items`` names them for the error, e.g. "Label Studio tasks"."""
    try:
        value = json.loads(read_text(path))
    except RecursionError as error:
        raise UserError(TOO_DEEP, file=path.name) from error
    except json.JSONDecodeError as error:
        raise UserError(
            f"is not valid JSON ({error.msg}, line {error.lineno} column {error.colno})",
            file=path.name,
        ) from error
    except ValueError as error:
        # Python refuses integers of more than 4,300 digits (a guard against slow parsing).
        raise UserError(
            f"holds a number too long to read ({error}); no real value has that many digits",
            file=path.name,
        ) from error
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise UserError(f"is not a JSON array of {items}", file=path.name)
    for number, item in enumerate(value, start=1):
        _refuse_lone_surrogates(item, path.name, f"{items} item {number}")
    return value


def _refuse_lone_surrogates(item: Any, file: str, where: str) -> None:
    """JSON may escape half of a UTF-16 pair (``"\\ud800"``) alone; Python keeps it as a
    character no database or file can store, so it is refused here, naming the item."""
    try:
        json.dumps(item, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        bad = error.object[error.start : error.end]
        raise UserError(
            f"{where} holds a lone UTF-16 surrogate ({bad!a}), half of a character that "
            "was cut in two; fix or remove that text and import again",
            file=file,
        ) from error


def read_json_objects(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSON Lines file."""
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        value = parse_json_line(line, path.name, number)
        if not isinstance(value, dict):
            raise UserError(
                f"holds a JSON {type(value).__name__}, not an object", file=path.name, row=number
            )
        yield number, value


#: How a file meant as JSON Lines really begins; see ``sniff_layout``.
Layout = Literal["lines", "array", "zip", "other"]
_SNIFF_BYTES = 4096


def sniff_layout(path: Path) -> Layout:
    """What a file given as JSON Lines holds, by its first bytes, not its suffix: "lines"
    (an object per line), "array" (one JSON array), "zip" or "other" (CSV, text, ...)."""
    head = _head(path)
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    start = first_line(path)
    if start.startswith("{"):
        return "lines"
    return "array" if start.startswith("[") else "other"


def first_line(path: Path) -> str:
    """The first non-blank line of a file's first bytes, stripped ("" when none), to tell
    what format it is in before parsing it."""
    text = _head(path).decode("utf-8", errors="replace").lstrip("\ufeff")
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _head(path: Path) -> bytes:
    require_regular_file(path)
    try:
        with path.open("rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except FileNotFoundError as error:
        raise UserError("does not exist", file=str(path)) from error


def read_text(path: Path) -> str:
    require_regular_file(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise UserError("does not exist", file=str(path)) from error
    except UnicodeDecodeError as error:
        raise UserError("is not UTF-8 text", file=path.name) from error


def write_json_array(out: Path, items: Iterable[Any]) -> int:
    """A JSON array with one item per line, written as the items come; returns how many."""
    count = 0
    with atomic_write(out) as handle:
        handle.write("[")
        for item in items:
            handle.write(",\n" if count else "\n")
            handle.write(json.dumps(item, ensure_ascii=False))
            count += 1
        handle.write("\n]\n")
    return count


def write_json_lines(out: Path, items: Iterable[Any]) -> int:
    """One JSON value per line, written as the items come; returns how many."""
    count = 0
    with atomic_write(out) as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
            count += 1
    return count
