"""Pictures and video stills of a post: which source columns carry them, and what became of
each one (the rules shared by import, fetching, showing, packages and exports)."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A picture read and stored in the project.
STORED = "stored"
#: A file path that did not lead to a file.
MISSING = "missing"
#: A file or download that is not an image we read, or is hostile (``message`` says why).
REFUSED = "refused"
#: A URL not fetched: fetching is off for the project, or has not reached it yet.
REMOTE = "remote"
#: A fetch that did not work (``message`` says why); fetching again retries it.
FAILED = "failed"
STATUSES = (STORED, MISSING, REFUSED, REMOTE, FAILED)

#: Column names that carry pictures in the shapes we meet: scrapers and platform exports
#: (``display_url``, ``thumbnail_url``, ``media_url``, ``image_url``, ``video_url``,
#: ``full_picture``), researchers' sheets (``Image Name``), and their obvious variants
#: (``images``, ``photo``, ``media_urls``, ``preview_image_url``, ``Image 2`` ...).
_MEDIA_NAME = re.compile(
    r"^(?:"
    r"(?:display|thumbnail|thumb|media|image|img|photo|picture|video|preview_image|"
    r"full_picture|cover|poster)"
    r"(?:_?(?:url|urls|link|links|src|path|paths|file|files|name|names|s))?"
    r"(?:_?\d+)?"
    r"|full_picture|images|photos|pictures|videos|media"
    r")$"
)
#: Video columns: their value is a still (thumbnail) when the platform gives one.
_VIDEO_NAME = re.compile(r"video|poster|cover")


def normalized_column(name: str) -> str:
    """``Image Name`` -> ``image_name``; ``mediaURL`` -> ``media_url``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def is_media_column(name: str) -> bool:
    """Whether a source column's name says it carries pictures or video."""
    return bool(_MEDIA_NAME.match(normalized_column(name)))


def media_kind(column: str) -> str:
    """ "video" for a video column (its value should be a still), else "image"."""
    return "video" if _VIDEO_NAME.search(normalized_column(column)) else "image"


def is_url(value: str) -> bool:
    """Whether a media value is a web address rather than a file path."""
    return value.lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class MediaItem:
    """One picture of a post as the app shows it."""

    post_id: int
    position: int
    kind: str
    source_column: str
    source: str
    status: str
    image_sha256: str | None = None
    message: str | None = None

    @property
    def is_stored(self) -> bool:
        return self.status == STORED and self.image_sha256 is not None

    def sentence(self) -> str:
        """What the post shows in place of a picture that is not there."""
        if self.status == STORED:
            return ""
        if self.status == MISSING:
            return f"Picture file not found at import: {self.source}"
        if self.status == REMOTE:
            return (
                "Picture on the web, not fetched yet (Project > Fetch pictures from the web): "
                f"{self.source}"
            )
        reason = self.message or "unreadable"
        if self.status == FAILED:
            return f"Picture could not be fetched ({reason}): {self.source}"
        return f"Picture refused ({reason}): {self.source}"
