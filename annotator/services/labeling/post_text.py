"""Which text a row's post has: the mapped column, with the repairs real exports need.

- Tweets: streaming API rows carry the full text in ``extended_tweet.full_text`` only
  when ``truncated`` is true; retweets carry a cut-off copy and the full original in
  ``retweeted_status`` (API v1.1) or ``includes.tweets`` (API v2, see json_records).
- Ad libraries: ``ad_creative_bodies`` is a list (or a JSON list inside a CSV cell).
"""

from __future__ import annotations

import json
from typing import Any

from annotator.services.imports.sources.base import SourceChunk, cell_text

TWEET_TEXT_COLUMNS = ("extended_tweet.full_text", "full_text", "text")
_RETWEET_TEXT = (
    "retweeted_status.extended_tweet.full_text",
    "retweeted_status.full_text",
    "retweeted_status.text",
    "retweeted.text",
)
_RETWEET_AUTHOR = ("retweeted_status.user.screen_name", "retweeted.username")


def text_value(value: Any) -> str:
    """A text cell as a string; a list of texts (ad creatives) joined by blank lines."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith('["') and stripped.endswith("]"):
            try:
                parsed = json.loads(stripped)
            except json.JSONDecodeError:
                return value
            if isinstance(parsed, list) and all(isinstance(p, str) for p in parsed):
                return _join(parsed)
        return value
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        return _join(value)
    return cell_text(value)


def _join(parts: list[str]) -> str:
    return "\n\n".join(dict.fromkeys(p for p in parts if p.strip()))


def _first(columns: list[list[Any]], row: int) -> str:
    for values in columns:
        text = text_value(values[row])
        if text.strip():
            return text
    return ""


def resolve_texts(chunk: SourceChunk, text_column: str, *, detected: bool) -> list[str]:
    """The post text of every row; repairs apply only when the column was auto-detected."""
    primary = chunk.values(text_column)
    if not detected or text_column not in TWEET_TEXT_COLUMNS:
        return [text_value(value) for value in primary]
    ordered = [chunk.values(c) for c in TWEET_TEXT_COLUMNS if c != text_column]
    ordered.insert(0 if text_column == "extended_tweet.full_text" else 1, primary)
    retweet_texts = [chunk.values(c) for c in _RETWEET_TEXT]
    retweet_authors = [chunk.values(c) for c in _RETWEET_AUTHOR]
    texts = []
    for row in range(len(chunk)):
        original = _first(retweet_texts, row)
        if original:
            author = _first(retweet_authors, row)
            texts.append(f"RT @{author}: {original}" if author else original)
        else:
            texts.append(_first(ordered, row))
    return texts
