"""Finding which source columns hold a post's text, id, author, time, platform and url.

The synonyms live in ``CANDIDATES`` and nowhere else: the header search of sheets uses
the same table. Names compare without case, separators or camel case, so ``Date Time``,
``date_time``, ``date-time`` and ``dateTime`` are one name.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from annotator.domain.errors import UserError

#: Field -> source column names to look for, best first. Each column feeds one field;
#: fields are filled in this order, so a name listed for two fields goes to the first.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "text": (
        "full_text",
        "extended_tweet.full_text",
        "data.text",
        "text",
        "content",
        "message",
        "body",
        "caption",
        "post_text",
        "post_caption",
        "tweet",
        "tweet_text",
        "ad_creative_body",
        "ad_creative_bodies",
        "ad_creative_link_description",
        "post",
        "status",
        "description",
    ),
    "id": (
        "id_str",
        # Label Studio tasks: the post's own id sits in ``data``; the task ``id`` is theirs.
        "data.id",
        "data.external_id",
        "id",
        "post_id",
        "tweet_id",
        "status_id",
        "ad_id",
        "ad_archive_id",
        "external_id",
        "message_id",
        "media_id",
        "video_id",
        "shortcode",
        "short_code",
        "uid",
        "guid",
    ),
    "author": (
        "user.screen_name",
        "author.username",
        "author",
        "username",
        "screen_name",
        "user_screen_name",
        "user_name",
        "owner_username",
        "influencer",
        "handle",
        "account",
        "account_name",
        "channel",
        "channel_title",
        "channel_name",
        "creator",
        "page_name",
        "user",
        "owner",
        "from",
        "author_name",
        "author_username",
        "name",
        "author_id",
    ),
    "created_at": (
        "created_at",
        "date_time",
        "datetime",
        "posted_at",
        "timestamp",
        "taken_at",
        "date",
        "time",
        "published",
        "published_at",
        "created_time",
        "ad_delivery_start_time",
        "ad_creation_time",
        "tweet_created",
        "created",
        "post_date",
        "publish_date",
        "upload_date",
    ),
    "platform": ("platform", "network", "source_platform", "site", "publisher_platforms"),
    "url": (
        "post_url",
        "permalink",
        "permalink_url",
        "post_link",
        "tweet_url",
        "url",
        "link",
        "ad_snapshot_url",
    ),
}

FIELDS = tuple(CANDIDATES)

#: A url's host (or a parent domain of it) -> the platform a post there is on. Used only
#: when the file has no platform column; a host not listed leaves the platform empty.
PLATFORM_HOSTS: dict[str, str] = {
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "t.co": "twitter",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "fb.watch": "facebook",
    "fb.me": "facebook",
    "tiktok.com": "tiktok",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "reddit.com": "reddit",
    "redd.it": "reddit",
    "linkedin.com": "linkedin",
    "lnkd.in": "linkedin",
    "t.me": "telegram",
    "telegram.me": "telegram",
    "threads.net": "threads",
    "threads.com": "threads",
    "pinterest.com": "pinterest",
    "pin.it": "pinterest",
    "snapchat.com": "snapchat",
    "twitch.tv": "twitch",
    "vk.com": "vk",
    "weibo.com": "weibo",
    "bsky.app": "bluesky",
    "tumblr.com": "tumblr",
}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\W_]+")


def normalise_column_name(name: str) -> str:
    """One spelling per name: "Date Time", "date_time", "date-time", "dateTime" -> "date_time".

    Camel case splits where a lower-case letter or digit meets a capital; every run of
    spaces, punctuation or underscores is one "_". Dots count as separators too, so
    ``user.screen_name`` and ``user_screen_name`` (a flattened export) are one name.
    """
    spaced = _CAMEL.sub("_", name.strip())
    return _SEPARATORS.sub("_", spaced.casefold()).strip("_")


def platform_of_url(url: str | None) -> str | None:
    """The platform a post's url is on ("https://www.instagram.com/p/x/" -> "instagram").

    Subdomains count (``m.facebook.com``, ``vm.tiktok.com``); look-alikes do not
    (``notinstagram.com``). A url without a scheme ("instagram.com/p/x") is read too.
    """
    if not url or not url.strip():
        return None
    text = url.strip()
    try:
        host = urlsplit(text if "//" in text else "//" + text).hostname
    except ValueError:
        return None
    if not host:
        return None
    labels = host.rstrip(".").split(".")
    for start in range(len(labels) - 1):
        platform = PLATFORM_HOSTS.get(".".join(labels[start:]))
        if platform is not None:
            return platform
    return None


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
