"""Who a post is when its file has no id column: its url, else its whole row; never its text.

Copy-pasted posts are what this tool exists to find, so two rows that share a caption
must stay two posts. A row's url names the post it came from; without one, all the
row's cells together do. Both are stable, so importing the same file again finds the
same posts and adds nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from annotator.domain.errors import UserError
from annotator.services.imports.sources.base import SourceChunk, cell_text

#: External ids made from a whole row: "r" and 16 hex digits of its cells' hash.
ROW_ID_PREFIX = "r"
#: Ids made by earlier versions from text, author and time ("h" and 16 hex digits).
_LEGACY_ID = re.compile(r"^h[0-9a-f]{16}$")
#: One encoder for every row: building it per row cost a fifth of the time.
_canonical = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def row_id(cells: dict[str, Any]) -> str:
    """The id of a row with neither id nor url: a hash of every non-empty cell and its column.

    Column order and empty cells do not count, so a JSON record missing a key and a
    CSV row with that cell blank are the same row.
    """
    filled = sorted(
        (column, text)
        for column, value in cells.items()
        if (text := value if type(value) is str else cell_text(value)).strip()
    )
    return ROW_ID_PREFIX + hashlib.sha256(_canonical(filled).encode("utf-8")).hexdigest()[:16]


def content_hash(text: str) -> str:
    """Hash of the post text; merges and re-imports use it to spot changed posts."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def legacy_id(text: str, author: str, created_at: str) -> str:
    """The id earlier versions gave a row without one (it merged posts sharing text)."""
    digest = hashlib.sha256("\x1f".join((text, author, created_at)).encode("utf-8"))
    return "h" + digest.hexdigest()[:16]


class PostIdentity:
    """External ids for the rows of one import into one dataset, when there is no id column.

    A post stored by an earlier version under a text-based id (``legacy_id``, from the
    dataset's first column mapping) is still found: the first row whose old id matches
    takes it, so re-importing an old file adds only what the old import lost (the second
    of two posts sharing a caption) and then stays idempotent.
    """

    def __init__(
        self,
        *,
        file: str,
        url_column: str | None,
        existing: dict[str, str],
        first_mapping: dict[str, str],
    ) -> None:
        self.file = file
        self.url_column = url_column
        self.existing = existing
        self._legacy_columns: tuple[str | None, str | None] | None = None
        if "id" not in first_mapping and any(_LEGACY_ID.match(key) for key in existing):
            self._legacy_columns = (first_mapping.get("author"), first_mapping.get("created_at"))
        self._claimed: set[str] = set()
        self._resolved: dict[str, str] = {}
        self._chunk: SourceChunk | None = None
        self._cells: list[dict[str, Any]] = []

    def _row(self, chunk: SourceChunk, index: int) -> dict[str, Any]:
        if chunk is not self._chunk:
            self._chunk, self._cells = chunk, chunk.row_cells()
        return self._cells[index]

    def of_row(
        self,
        chunk: SourceChunk,
        index: int,
        *,
        number: int,
        text: str,
        url: str | None,
        first_row_of: dict[str, tuple[int, str]],
    ) -> str:
        """The external id of row ``index`` of ``chunk`` (file row ``number``).

        Raises UserError when the url is on an earlier row of the file with other text:
        a url that does not tell posts apart is not the post's own address.
        """
        address = (url or "").strip()
        key = address or row_id(self._row(chunk, index))
        if self._legacy_columns is not None:
            key = self._stored_as(key, self._legacy_key(chunk, index, text))
        seen = first_row_of.get(key)
        if address and seen is not None and seen[1] != content_hash(text):
            raise UserError(
                f"the url {address!r} is also on row {seen[0]} with different text, so it "
                "cannot tell posts apart; if this column is not each post's own address, "
                'name that column with --url-col, or use --url-col "" to tell posts apart '
                "by their whole row",
                file=self.file,
                row=number,
                column=self.url_column,
            )
        return key

    def _legacy_key(self, chunk: SourceChunk, index: int, text: str) -> str:
        assert self._legacy_columns is not None
        row = self._row(chunk, index)
        author, created_at = (cell_text(row.get(c)) if c else "" for c in self._legacy_columns)
        return legacy_id(text, author, created_at)

    def _stored_as(self, key: str, old: str) -> str:
        """``key``, or the old id the same post was stored under and no other row took."""
        if key in self.existing:
            return key
        resolved = self._resolved.get(key)
        if resolved is not None:
            return resolved
        if old in self.existing and old not in self._claimed:
            self._claimed.add(old)
            self._resolved[key] = old
            return old
        return key
