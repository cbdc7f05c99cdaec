"""Pictures in the store: each post's media rows and the content-addressed images.

Bulk paths (import, merge, packages) go through SQLAlchemy Core on a ``Connection``; an
image is inserted once per content hash whatever number of posts show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Integer, String, and_, cast, func, select, update

from annotator.domain.media import STORED, MediaItem
from annotator.store.queries import dialect_insert
from annotator.store.tables import MediaImage, PostMedia, ProjectMeta

IMAGE = MediaImage.__table__  # type: ignore[attr-defined]
POST_MEDIA = PostMedia.__table__  # type: ignore[attr-defined]
#: Rows per statement on bulk paths (SQLite allows 32,766 bound values per statement).
_BATCH = 500


def stored_hashes(connection: Connection, hashes: Iterable[str]) -> set[str]:
    """Which of ``hashes`` the project already stores (so import decodes each image once)."""
    wanted = list(dict.fromkeys(hashes))
    found: set[str] = set()
    for start in range(0, len(wanted), _BATCH):
        chunk = wanted[start : start + _BATCH]
        found.update(
            connection.execute(select(IMAGE.c.sha256).where(IMAGE.c.sha256.in_(chunk))).scalars()
        )
    return found


def insert_images(connection: Connection, images: Sequence[dict[str, Any]]) -> int:
    """Store images (dicts of ``media_image`` columns), skipping hashes already stored.
    Returns how many were new."""
    if not images:
        return 0
    before = stored_hashes(connection, (image["sha256"] for image in images))
    new = [image for image in images if image["sha256"] not in before]
    new = list({image["sha256"]: image for image in new}.values())
    for start in range(0, len(new), _BATCH):
        statement = dialect_insert(connection, IMAGE).on_conflict_do_nothing(
            index_elements=["sha256"]
        )
        connection.execute(statement, new[start : start + _BATCH])
    return len(new)


def insert_post_media(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Add media rows (dicts of ``post_media`` columns; ``kind``, ``image_sha256`` and
    ``message`` optional) for positions that have none yet."""
    rows = [{"kind": "image", "image_sha256": None, "message": None, **row} for row in rows]
    for start in range(0, len(rows), _BATCH):
        statement = dialect_insert(connection, POST_MEDIA).on_conflict_do_nothing(
            index_elements=["post_id", "position"]
        )
        connection.execute(statement, rows[start : start + _BATCH])


def set_media_outcome(
    connection: Connection,
    *,
    post_id: int,
    position: int,
    status: str,
    image_sha256: str | None = None,
    message: str | None = None,
) -> None:
    """Record what became of one picture (a fetch that stored or failed)."""
    connection.execute(
        update(POST_MEDIA)
        .where(and_(POST_MEDIA.c.post_id == post_id, POST_MEDIA.c.position == position))
        .values(status=status, image_sha256=image_sha256, message=message)
    )


def _item(row: Any) -> MediaItem:
    return MediaItem(
        post_id=row.post_id,
        position=row.position,
        kind=row.kind,
        source_column=row.source_column,
        source=row.source,
        status=row.status,
        image_sha256=row.image_sha256,
        message=row.message,
    )


def media_of_post(connection: Connection, post_id: int) -> list[MediaItem]:
    """A post's pictures in source order."""
    rows = connection.execute(
        select(POST_MEDIA).where(POST_MEDIA.c.post_id == post_id).order_by(POST_MEDIA.c.position)
    )
    return [_item(row) for row in rows]


def media_with_status(
    connection: Connection, statuses: Sequence[str], *, limit: int | None = None
) -> list[MediaItem]:
    """Pictures in any of ``statuses`` (the fetcher's work list), in post order."""
    query = (
        select(POST_MEDIA)
        .where(POST_MEDIA.c.status.in_(list(statuses)))
        .order_by(POST_MEDIA.c.post_id, POST_MEDIA.c.position)
    )
    if limit is not None:
        query = query.limit(limit)
    return [_item(row) for row in connection.execute(query)]


def image_copy(connection: Connection, sha256: str, *, thumbnail: bool = False) -> bytes | None:
    """The stored display copy (or thumbnail) of an image, encoded, or None."""
    column = IMAGE.c.thumbnail if thumbnail else IMAGE.c.display
    value = connection.execute(select(column).where(IMAGE.c.sha256 == sha256)).scalar()
    return None if value is None else bytes(value)


def first_stored_images(connection: Connection, post_ids: Sequence[int]) -> dict[int, str]:
    """post id -> hash of its first stored picture, for posts that have one (Browse's
    thumbnail column reads one page of posts at a time)."""
    found: dict[int, str] = {}
    ids = list(post_ids)
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        first = (
            select(POST_MEDIA.c.post_id, func.min(POST_MEDIA.c.position).label("position"))
            .where(POST_MEDIA.c.post_id.in_(chunk), POST_MEDIA.c.status == STORED)
            .group_by(POST_MEDIA.c.post_id)
            .subquery()
        )
        rows = connection.execute(
            select(POST_MEDIA.c.post_id, POST_MEDIA.c.image_sha256).join(
                first,
                and_(
                    POST_MEDIA.c.post_id == first.c.post_id,
                    POST_MEDIA.c.position == first.c.position,
                ),
            )
        )
        found.update({row.post_id: row.image_sha256 for row in rows})
    return found


def posts_sharing_image(connection: Connection, post_ids: Sequence[int]) -> dict[int, int]:
    """post id -> how many other posts of the project show one of its stored pictures
    (the Campaigns tab's "shared image": copies with the same content hash)."""
    ids = list(post_ids)
    if not ids:
        return {}
    own = POST_MEDIA.alias("own")
    other = POST_MEDIA.alias("other")
    found: dict[int, int] = {}
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        rows = connection.execute(
            select(own.c.post_id, func.count(func.distinct(other.c.post_id)))
            .join(
                other,
                and_(
                    other.c.image_sha256 == own.c.image_sha256,
                    other.c.post_id != own.c.post_id,
                ),
            )
            .where(own.c.post_id.in_(chunk), own.c.status == STORED)
            .group_by(own.c.post_id)
        )
        found.update({post_id: count for post_id, count in rows})
    return found


def media_counts(connection: Connection) -> dict[str, int]:
    """status -> how many pictures of the project are in it (summaries, fetch progress)."""
    rows = connection.execute(
        select(POST_MEDIA.c.status, func.count()).group_by(POST_MEDIA.c.status)
    )
    return {status: count for status, count in rows}


def stored_image_bytes(connection: Connection) -> int:
    """Bytes the stored pictures take (display copies and thumbnails)."""
    total = connection.execute(
        select(
            func.coalesce(
                func.sum(func.length(IMAGE.c.display) + func.length(IMAGE.c.thumbnail)), 0
            )
        )
    ).scalar()
    return int(total or 0)


# --- Packages and merge (issue 20, team flows part): what a package carries of the
# lead's pictures, and the lead's rows a merge compares a package's against.


def post_media_rows(posts: Any) -> Any:
    """The ``post_media`` rows of the posts ``posts`` selects (a select of post ids), in
    post and source order: what a package carries for its posts."""
    return (
        select(POST_MEDIA)
        .where(POST_MEDIA.c.post_id.in_(posts))
        .order_by(POST_MEDIA.c.post_id, POST_MEDIA.c.position)
    )


def images_of_posts(posts: Any) -> Any:
    """The ``media_image`` rows the media rows of ``posts`` (a select of post ids) refer
    to, each image once (``sha256`` is the key), in hash order."""
    used = select(POST_MEDIA.c.image_sha256).where(
        POST_MEDIA.c.post_id.in_(posts), POST_MEDIA.c.image_sha256.is_not(None)
    )
    return select(IMAGE).where(IMAGE.c.sha256.in_(used)).order_by(IMAGE.c.sha256)


def post_media_of_posts(
    connection: Connection, post_ids: Sequence[int]
) -> dict[tuple[int, int], dict[str, Any]]:
    """(post id, position) -> that ``post_media`` row as a dict, for ``post_ids``."""
    ids = list(dict.fromkeys(post_ids))
    found: dict[tuple[int, int], dict[str, Any]] = {}
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        rows = connection.execute(select(POST_MEDIA).where(POST_MEDIA.c.post_id.in_(chunk)))
        found.update({(row.post_id, row.position): dict(row._mapping) for row in rows})
    return found


def images_by_hash(connection: Connection, hashes: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """sha256 -> (format, width, height, source_bytes, display, thumbnail) as stored, for
    those of ``hashes`` the project holds (callers pass a bounded batch: each image is up
    to a few hundred kB)."""
    found: dict[str, tuple[Any, ...]] = {}
    wanted = list(dict.fromkeys(hashes))
    columns = (IMAGE.c.format, IMAGE.c.width, IMAGE.c.height, IMAGE.c.source_bytes)
    for start in range(0, len(wanted), _BATCH):
        rows = connection.execute(
            select(IMAGE.c.sha256, *columns, IMAGE.c.display, IMAGE.c.thumbnail).where(
                IMAGE.c.sha256.in_(wanted[start : start + _BATCH])
            )
        )
        found.update(
            {row[0]: (*row[1:5], bytes(row.display), bytes(row.thumbnail)) for row in rows}
        )
    return found


# ----- fetching pictures from the web (issue 20, media-fetch) ------------------------------

#: ``project_meta`` key counting the writes that stored pictures after import (fetches,
#: merges): the change watcher reads it to notice pictures another program stored.
MEDIA_VERSION = "media_version"


def bump_media_version(connection: Connection) -> None:
    """Count one more write of pictures, in the caller's transaction (one statement that
    adds 1, so two programs storing pictures at once never lose a count)."""
    meta = ProjectMeta.__table__  # type: ignore[attr-defined]
    connection.execute(
        dialect_insert(connection, meta)
        .values(key=MEDIA_VERSION, value="0")
        .on_conflict_do_nothing(index_elements=["key"])
    )
    connection.execute(
        update(meta)
        .where(meta.c.key == MEDIA_VERSION)
        .values(value=cast(cast(meta.c.value, Integer) + 1, String))
    )


# --- Import of pictures and exports (issue 20, media-import part) ---


def stored_images_of_posts(connection: Connection, post_ids: Sequence[int]) -> dict[int, list[str]]:
    """post id -> hashes of its stored pictures in source order (the training export's
    media column), for posts that have any."""
    found: dict[int, list[str]] = {}
    ids = list(post_ids)
    for start in range(0, len(ids), _BATCH):
        rows = connection.execute(
            select(POST_MEDIA.c.post_id, POST_MEDIA.c.image_sha256)
            .where(
                POST_MEDIA.c.post_id.in_(ids[start : start + _BATCH]),
                POST_MEDIA.c.status == STORED,
                POST_MEDIA.c.image_sha256.is_not(None),
            )
            .order_by(POST_MEDIA.c.post_id, POST_MEDIA.c.position)
        )
        for post_id, sha256 in rows:
            found.setdefault(int(post_id), []).append(str(sha256))
    return found
