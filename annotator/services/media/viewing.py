"""Reading a post's pictures for the screen: which it has, and their stored copies decoded
to raw RGBA pixels ready to wrap in an image on the GUI thread.

Decoding runs in a worker with Pillow, which releases the GIL while it decodes and
resizes (Qt's ``QImage.fromData`` holds it for the whole decode, so the window would stutter
while a picture loads); the GUI thread only wraps the finished pixels. Copies are fitted to
the box they are shown in here, so the GUI thread never scales a 1,600 px picture either.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image
from sqlalchemy import select

from annotator.domain.media import STORED, MediaItem
from annotator.store import media as store_media
from annotator.store.engine import Project
from annotator.store.tables import PostMedia


@dataclass(frozen=True)
class Pixels:
    """A decoded picture: ``width`` x ``height`` RGBA pixels, 4 bytes each, row by row."""

    width: int
    height: int
    rgba: bytes


def decode(data: bytes, *, box: tuple[int, int] | None = None) -> Pixels:
    """Stored copy bytes -> RGBA pixels, shrunk to fit ``box`` (never enlarged).

    The copies were checked and re-encoded at import, so only our own JPEG/PNG arrive here."""
    with Image.open(io.BytesIO(data)) as opened:
        if box is not None and opened.format == "JPEG":
            opened.draft("RGB", box)  # decodes at 1/2, 1/4 or 1/8 size when that fits
        image = opened.convert("RGBA")
    if box is not None and (image.width > box[0] or image.height > box[1]):
        image.thumbnail(box, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return Pixels(image.width, image.height, image.tobytes())


def media_of(project: Project, post_id: int) -> list[MediaItem]:
    """A post's pictures in source order (an indexed read of a few rows: cheap enough for
    the GUI thread, so the space and the sentences show with the text)."""
    with project.session() as session:
        return store_media.media_of_post(session.connection(), post_id)


def picture(
    project: Project, sha256: str, *, thumbnail: bool = False, box: tuple[int, int] | None = None
) -> Pixels | None:
    """One stored picture (display copy or thumbnail) decoded, or None when it is gone."""
    with project.session() as session:
        data = store_media.image_copy(session.connection(), sha256, thumbnail=thumbnail)
    return None if data is None else decode(data, box=box)


@dataclass(frozen=True)
class PostPictures:
    """What the Label tab shows of a post: the first stored picture large, thumbnails of
    the others, by ``MediaItem.position``."""

    post_id: int
    large: Pixels | None
    thumbnails: dict[int, Pixels]


def post_pictures(
    project: Project,
    post_id: int,
    items: Sequence[MediaItem],
    *,
    box: tuple[int, int],
    thumbnail_box: tuple[int, int],
) -> PostPictures:
    """Decode the first stored picture to fit ``box`` and the other stored ones as
    thumbnails (for the worker; one read of the copies)."""
    stored = [item for item in items if item.is_stored]
    large: Pixels | None = None
    thumbnails: dict[int, Pixels] = {}
    with project.session() as session:
        connection = session.connection()
        copies = [
            (item, store_media.image_copy(connection, str(item.image_sha256), thumbnail=index > 0))
            for index, item in enumerate(stored)
        ]
    for index, (item, data) in enumerate(copies):
        if data is None:
            continue
        if index == 0:
            large = decode(data, box=box)
        else:
            thumbnails[item.position] = decode(data, box=thumbnail_box)
    return PostPictures(post_id, large, thumbnails)


def first_thumbnails(
    project: Project, post_ids: Sequence[int], *, box: tuple[int, int]
) -> dict[int, Pixels | None]:
    """post id -> thumbnail of its first stored picture (None: it has none), for a page of
    Browse. Each distinct image is read and decoded once."""
    with project.session() as session:
        connection = session.connection()
        first = store_media.first_stored_images(connection, post_ids)
        copies = {
            sha: store_media.image_copy(connection, sha, thumbnail=True)
            for sha in set(first.values())
        }
    decoded = {sha: decode(data, box=box) for sha, data in copies.items() if data is not None}
    return {
        post_id: decoded.get(first[post_id]) if post_id in first else None for post_id in post_ids
    }


def has_stored_pictures(project: Project) -> bool:
    """Whether any post of the project has a stored picture (else Browse hides its column)."""
    table = PostMedia.__table__  # type: ignore[attr-defined]
    with project.session() as session:
        found = session.execute(select(table.c.post_id).where(table.c.status == STORED).limit(1))
        return found.first() is not None


def shared_image_counts(project: Project, post_ids: Sequence[int]) -> dict[int, int]:
    """post id -> how many other posts show one of its stored pictures (same content
    hash): one indexed join, no picture read."""
    with project.session() as session:
        return store_media.posts_sharing_image(session.connection(), post_ids)
