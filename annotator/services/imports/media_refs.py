"""Which source columns carry a post's pictures, and the references one cell holds.

A cell may hold one file path or URL, a JSON list of them (JSON sources give real lists),
or several separated by ``|``, ``;``, ``,`` or spaces. A cell is split only when every
part looks like a reference, so a file name with a space or a URL with a comma stays whole.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from annotator.domain.errors import UserError
from annotator.domain.media import is_media_column, is_url, media_kind
from annotator.services.imports.sources.base import cell_text

#: Separators tried in order; the first that splits a cell into references wins.
_SEPARATORS = (re.compile(r"\s*\|\s*"), re.compile(r"\s*;\s*"), re.compile(r"\s*,\s*"))
_WHITESPACE = re.compile(r"\s+")
#: A part "looks like" a file when it ends in a suffix (``photo.jpg``) or holds a folder.
_FILE_LIKE = re.compile(r"(?:\.[A-Za-z0-9]{2,5}$)|[/\\]")


def media_columns(
    columns: list[str], *, named: tuple[str, ...] = (), detect: bool = True
) -> list[str]:
    """The columns read for pictures: those whose header says so (unless ``detect`` is
    off) and those ``named``; a named column that does not exist is a UserError."""
    for column in named:
        if column not in columns:
            raise UserError(
                f"there is no column {column!r} for pictures; the columns are: "
                + ", ".join(columns)
            )
    found = [column for column in columns if detect and is_media_column(column)]
    return list(dict.fromkeys([*found, *named]))


def _is_reference(part: str) -> bool:
    lowered = part.lower()
    return is_url(part) or lowered.startswith("file:") or bool(_FILE_LIKE.search(part))


def cell_references(value: Any) -> list[str]:
    """The picture references one cell holds, in order, blanks dropped."""
    if isinstance(value, list | tuple):
        return [r for item in value for r in cell_references(item)]
    if isinstance(value, dict):  # {"url": ...} objects in scraped JSON
        inner = value.get("url") or value.get("src") or value.get("path")
        return cell_references(inner) if inner else []
    text = cell_text(value).strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list):
            return cell_references(parsed)
    for separator in (*_SEPARATORS, _WHITESPACE):
        parts = [part for part in separator.split(text) if part]
        if len(parts) > 1 and all(_is_reference(part) for part in parts):
            return parts
    return [text]


@dataclass(frozen=True)
class MediaRef:
    """One picture of a post as the source names it, and where the file would be."""

    position: int
    kind: str
    column: str
    source: str
    #: The file to read, or None for a web address (fetched later, if the lead allows).
    path: Path | None


def resolve_reference(reference: str, base: Path) -> Path | None:
    """The file a reference names: relative to the source file's folder, absolute, or a
    ``file://`` URL; None for an http(s) URL."""
    if is_url(reference):
        return None
    if reference.lower().startswith("file:"):
        parts = urlsplit(reference)
        return Path(url2pathname(unquote(parts.path)))
    path = Path(reference)
    return path if path.is_absolute() else base / path


def row_references(cells: dict[str, Any], columns: list[str], base: Path) -> list[MediaRef]:
    """A row's pictures across its media columns, numbered in column then cell order."""
    refs: list[MediaRef] = []
    for column in columns:
        kind = media_kind(column)
        for reference in cell_references(cells.get(column)):
            refs.append(
                MediaRef(
                    position=len(refs),
                    kind=kind,
                    column=column,
                    source=reference,
                    path=resolve_reference(reference, base),
                )
            )
    return refs
