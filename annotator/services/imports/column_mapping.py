"""Finding which source columns hold a post's text, id, author, time, platform and url."""

from __future__ import annotations

import re

from annotator.domain.errors import UserError

#: Field -> source column names to look for, best first (compared without case).
CANDIDATES: dict[str, tuple[str, ...]] = {
    "text": (
        "full_text",
        "extended_tweet.full_text",
        "text",
        "content",
        "message",
        "body",
        "caption",
        "post_text",
        "tweet",
        "tweet_text",
        "ad_creative_body",
        "ad_creative_bodies",
        "ad_creative_link_description",
        "data.text",
        "post",
        "status",
        "description",
    ),
    "id": (
        "id_str",
        "id",
        "post_id",
        "tweet_id",
        "status_id",
        "ad_id",
        "ad_archive_id",
        "external_id",
        "message_id",
        "uid",
        "guid",
        "data.id",
    ),
    "author": (
        "user.screen_name",
        "author.username",
        "author",
        "username",
        "screen_name",
        "user_name",
        "handle",
        "account",
        "user",
        "page_name",
        "from",
        "user_screen_name",
        "author_name",
        "name",
        "author_id",
    ),
    "created_at": (
        "created_at",
        "date",
        "datetime",
        "timestamp",
        "time",
        "published_at",
        "posted_at",
        "created_time",
        "ad_delivery_start_time",
        "ad_creation_time",
        "tweet_created",
        "created",
        "post_date",
        "publish_date",
    ),
    "platform": ("platform", "network", "source_platform", "site", "publisher_platforms"),
    "url": ("url", "permalink", "link", "post_url", "tweet_url", "ad_snapshot_url"),
}

FIELDS = tuple(CANDIDATES)


def normalise_column_name(name: str) -> str:
    """ "Post ID", "post-id" and "post_id" compare equal; so do "Text" and "text"."""
    return re.sub(r"[\s\-]+", "_", name.strip().casefold())


def detect_mapping(columns: list[str], overrides: dict[str, str | None]) -> dict[str, str]:
    """Field -> column. Overrides win; the text column is required.

    An override of "" means "no column for this field": nothing is detected for it.
    Raises UserError listing the columns that exist when a named column is missing
    or no text column can be found.
    """
    by_folded: dict[str, str] = {}
    for column in columns:
        by_folded.setdefault(normalise_column_name(column), column)
    mapping: dict[str, str] = {}
    excluded = {field for field, named in overrides.items() if named == "" and field != "text"}
    for field, named in overrides.items():
        if not named:
            continue
        column = named
        if column not in columns:
            raise UserError(
                f"there is no column {column!r} for the {field}; the columns are: "
                + ", ".join(columns)
            )
        mapping[field] = column
    for field, candidates in CANDIDATES.items():
        if field in mapping or field in excluded:
            continue
        for candidate in candidates:
            found = by_folded.get(normalise_column_name(candidate))
            if found is not None and found not in mapping.values():
                mapping[field] = found
                break
    if "text" not in mapping:
        raise UserError(
            "cannot tell which column holds the post text; name it with --text-col. "
            "The columns are: " + ", ".join(columns)
        )
    return mapping
