"""JSON Lines and JSON files: nested objects flattened, Twitter API v2 pages expanded."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken
from annotator.services.imports.sources.base import RecordChunk, SourceChunk, TextSource
from annotator.services.imports.sources.encoding import line_of

TOO_DEEP = "nests JSON too deeply to be a post record (thousands of levels); is it a real export?"

#: How many records decide the columns shown in previews and used for mapping.
COLUMN_SAMPLE = 1000


def flatten_record(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted columns (``user.screen_name``); lists stay values.

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


def expand_v2_page(page: dict[str, Any]) -> list[dict[str, Any]]:
    """A Twitter API v2 response page -> one record per tweet, authors joined in.

    Each tweet gains ``author.username`` and ``author.name`` from ``includes.users``;
    a retweet, whose own text is cut off, gains ``retweeted.text`` with the full text
    of the original from ``includes.tweets``; a tweet with ``attachments.media_keys``
    gains ``media_url`` (photos' ``url``) and ``video_url`` (the still of a video or GIF,
    its ``preview_image_url``) from ``includes.media``, which import reads as pictures.
    """
    includes = page.get("includes") or {}
    media = {str(m.get("media_key")): m for m in includes.get("media") or [] if isinstance(m, dict)}
    users = {str(u.get("id")): u for u in includes.get("users") or [] if isinstance(u, dict)}
    tweets = {str(t.get("id")): t for t in includes.get("tweets") or [] if isinstance(t, dict)}
    records = []
    for tweet in page.get("data") or []:
        if not isinstance(tweet, dict):
            continue
        record = dict(tweet)
        author = users.get(str(tweet.get("author_id")))
        if author:
            record["author"] = {"username": author.get("username"), "name": author.get("name")}
        for reference in tweet.get("referenced_tweets") or []:
            if isinstance(reference, dict) and reference.get("type") == "retweeted":
                original = tweets.get(str(reference.get("id")))
                if original and original.get("text"):
                    original_author = users.get(str(original.get("author_id"))) or {}
                    record["retweeted"] = {
                        "text": original["text"],
                        "username": original_author.get("username"),
                    }
        record.update(_joined_media(tweet, media))
        records.append(record)
    return records


def _joined_media(tweet: dict[str, Any], media: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A tweet's pictures from ``includes.media``, by ``media_key`` in attachment order."""
    attachments = tweet.get("attachments")
    keys = attachments.get("media_keys") if isinstance(attachments, dict) else None
    photos: list[str] = []
    stills: list[str] = []
    for key in keys if isinstance(keys, list) else []:
        item = media.get(str(key)) or {}
        if item.get("type") == "photo" and item.get("url"):
            photos.append(str(item["url"]))
        elif item.get("type") in ("video", "animated_gif") and item.get("preview_image_url"):
            stills.append(str(item["preview_image_url"]))
    joined: dict[str, Any] = {}
    if photos:
        joined["media_url"] = photos
    if stills:
        joined["video_url"] = stills
    return joined


def _is_v2_page(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("data"), list)
        and ("includes" in value or "meta" in value)
    )


def records_of(value: Any) -> list[dict[str, Any]] | None:
    """The post records one JSON value holds, flattened; None if it holds no objects."""
    if _is_v2_page(value):
        return [flatten_record(r) for r in expand_v2_page(value)]
    if isinstance(value, dict):
        return [flatten_record(value)]
    return None


def json_layout(path: Path, encoding: str, declared: str) -> str:
    """Whether the file is "jsonl" or "json", told from its content; the suffix breaks a tie.

    Twitter stream files are JSON Lines even when named ``.json``, and some tools save
    one array as ``.jsonl``. A first line holding a whole JSON object with more lines
    after it can only be JSON Lines (a JSON document ends with its object); a first line
    that opens an array, or an object the line does not close, starts one JSON document.
    """
    with path.open(encoding=encoding, newline="") as handle:
        first = next((line for line in handle if line.strip()), "").strip()
        more = any(line.strip() for line in handle)
    if first.startswith("["):
        return "json"
    if not first.startswith("{"):
        return declared
    try:
        value = json.loads(first)
    except json.JSONDecodeError as error:
        # Ran out of line before the value ended: a document spread over many lines.
        # An error inside the line is a damaged line; the declared reader names it.
        return "json" if error.pos >= len(first) else declared
    except RecursionError:
        return declared
    return "jsonl" if isinstance(value, dict) and more else declared


def parse_json_line(line: str, file: str, number: int) -> Any:
    """One JSON Lines value, or a UserError naming the file and line."""
    try:
        return json.loads(line)
    except RecursionError as error:
        raise UserError(TOO_DEEP, file=file, row=number) from error
    except json.JSONDecodeError as error:
        raise UserError(
            f"is not valid JSON ({error.msg} at character {error.colno})", file=file, row=number
        ) from error


class JsonSource(TextSource):
    """JSON Lines (one value per line) or a JSON document (array, object, v2 page).

    Which of the two is read from the content (``json_layout``), whatever the suffix.
    """

    def __init__(self, path: Path, fmt: str) -> None:
        super().__init__(path, fmt, lambda offset: line_of(path, offset))
        assert self.encoding is not None
        self.format = json_layout(path, self.encoding, fmt)
        self._handle: io.TextIOWrapper | None = None
        self._document: list[tuple[int, dict[str, Any]]] | None = None
        columns: dict[str, None] = {}
        for seen, (_, record) in enumerate(self._records()):
            columns.update(dict.fromkeys(record))
            if seen >= COLUMN_SAMPLE:
                break
        if not columns:
            raise UserError("holds no records", file=self.file)
        self.columns = list(columns)

    def _records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        if self.format == "json":
            yield from self._document_records()
        else:
            yield from self._line_records()

    def _line_records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        with self.path.open(encoding=self.encoding, newline="") as handle:
            assert isinstance(handle, io.TextIOWrapper)
            self._handle = handle
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                value = parse_json_line(line, self.file, number)
                records = records_of(value)
                if records is None:
                    raise UserError(
                        f"holds a JSON {type(value).__name__}, not an object",
                        file=self.file,
                        row=number,
                    )
                for record in records:
                    yield number, record

    def _document_records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        if self._document is None:
            text = self.path.read_text(encoding=self.encoding)
            try:
                value = json.loads(text)
            except RecursionError as error:
                raise UserError(TOO_DEEP, file=self.file) from error
            except json.JSONDecodeError as error:
                raise UserError(
                    f"is not valid JSON ({error.msg}, line {error.lineno} column {error.colno})",
                    file=self.file,
                ) from error
            items = value if isinstance(value, list) else [value]
            document: list[tuple[int, dict[str, Any]]] = []
            for number, item in enumerate(items, start=1):
                records = records_of(item)
                if records is None:
                    raise UserError(
                        f"record {number} is a JSON {type(item).__name__}, not an object",
                        file=self.file,
                        row=number,
                    )
                document.extend((number, record) for record in records)
            self._document = document
        yield from self._document

    def position(self) -> int:
        handle = self._handle
        if handle is None or handle.closed:
            return self.size
        # The buffer runs ahead of the lines read; close enough for a progress bar.
        return min(int(handle.buffer.tell()), self.size)  # type: ignore[attr-defined]

    def chunks(self, size: int, cancel: CancelToken | None = None) -> Iterator[SourceChunk]:
        numbers: list[int] = []
        records: list[dict[str, Any]] = []
        for number, record in self._records():
            numbers.append(number)
            records.append(record)
            if len(records) >= size:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                yield RecordChunk(records, numbers)
                numbers, records = [], []
        if records:
            yield RecordChunk(records, numbers)
