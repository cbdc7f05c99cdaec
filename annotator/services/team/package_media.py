"""A package's pictures at merge time: checked like its other rows, compared with the
project's, and never taken into the project.

The trust rule. A package carries the pictures the lead's project gave it, so the lead
already holds every one of them: a merge has nothing to take. Anything a package says
about pictures beyond that cannot be verified: an image is stored under the SHA-256 of
the bytes it was read from, and a package carries only the display copy and thumbnail,
never those bytes, so no hash in a package can be checked against its pixels. Hence:

- the project's ``post_media`` rows and ``media_image`` rows are never changed by a merge;
- a package whose picture rows or images differ from what the project gave it in a way
  the annotator's app never writes (a stored picture changed or dropped, another
  picture under a hash the project stores, a row added, a status or position outside
  the known ones, a reference to an image the package lacks, image bytes that do not
  decode within the limits) is refused whole, like a forged label, before anything is
  written: the labels in it were made looking at those pictures, so their basis is in
  doubt, and skipping only the picture would merge a file known to be altered;
- a picture from a web address may differ: the annotator may have fetched it in their
  package, and the lead in the project since packing, at other times with other
  outcomes. The package's outcome is checked (a stored one names an image it holds that
  decodes within the limits), counted in the merge summary when it stored a picture the
  project does not show there, and not taken; the lead fetches in the project, from the
  source, if wanted. Pictures from files are read once at import and never change, so
  their rows must be exactly the project's.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PIL import Image, UnidentifiedImageError
from sqlalchemy import Connection

from annotator.domain.errors import UserError
from annotator.domain.media import FAILED, REFUSED, REMOTE, STATUSES, STORED, is_url
from annotator.services.media.images import (
    DISPLAY_SIDE,
    FORMATS,
    MAX_FILE_BYTES,
    MAX_PIXELS,
    THUMBNAIL_SIDE,
    RefusedImage,
)
from annotator.store.media import images_by_hash, post_media_of_posts

KINDS = ("image", "video")
#: What a picture from a web address can be: not fetched, fetched, failed or refused.
URL_STATUSES = (REMOTE, STORED, FAILED, REFUSED)
#: More pictures than this on one post is not something an import makes.
MAX_POSITION = 1_000
#: Images compared or decoded per batch (each is up to a few hundred kB).
_IMAGE_BATCH = 100
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: The formats the app writes its copies in (``services/media/images.py``).
_COPY_FORMATS = ("PNG", "JPEG")


class PackageRows(Protocol):
    """Reads the package (``packages._PackageReader``): every database error is the
    package's fault and already a sentence."""

    def tuples(self, sql: str, parameters: Sequence[Any] = ()) -> tuple[list[str], list[Any]]: ...


@dataclass(frozen=True)
class PictureCheck:
    """What a merge found of pictures in a package (none of them is taken)."""

    rows: int = 0
    images: int = 0
    #: pictures from web addresses the package stored otherwise than the project (not taken)
    fetched_offline: int = 0


def check_pictures(
    reader: PackageRows, project: Connection, *, package: str, post_map: dict[int, int]
) -> PictureCheck:
    """Refuse the package at its first picture row or image that is not as the project
    gave it (see the module's rule); ``post_map`` is package post id -> project post id."""
    if not _has_media_tables(reader):
        return PictureCheck()  # packed before pictures existed
    _, hashes = reader.tuples("SELECT sha256 FROM media_image ORDER BY sha256")
    held = [value for (value,) in hashes]
    for value in held:
        if not isinstance(value, str) or not _SHA256.match(value):
            raise _refused(package, f"holds a picture under {value!r}, which is no image hash")
    fetched = _check_rows(reader, project, package=package, post_map=post_map, held=set(held))
    for start in range(0, len(held), _IMAGE_BATCH):
        _check_images(reader, project, held[start : start + _IMAGE_BATCH], package=package)
    _, ((rows,),) = reader.tuples("SELECT count(*) FROM post_media")
    return PictureCheck(rows=int(rows), images=len(held), fetched_offline=fetched)


def _refused(package: str, problem: str) -> UserError:
    return UserError(f"{package}: {problem}; nothing was merged")


def _has_media_tables(reader: PackageRows) -> bool:
    _, found = reader.tuples(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
        "AND name IN ('post_media', 'media_image')"
    )
    return bool(found[0][0] == 2)


def _check_rows(
    reader: PackageRows,
    project: Connection,
    *,
    package: str,
    post_map: dict[int, int],
    held: set[str],
) -> int:
    """Every media row of the package against the project's row at the same place;
    returns how many were fetched offline (allowed, not taken)."""
    names, rows = reader.tuples(
        "SELECT post_id, position, kind, source_column, source, status, image_sha256 "
        "FROM post_media ORDER BY post_id, position"
    )
    # Only the posts the package has pictures for: most posts of a project may have none.
    ours = post_media_of_posts(project, sorted({post_map[r[0]] for r in rows if r[0] in post_map}))
    fetched = 0
    for values in rows:
        row = dict(zip(names, values, strict=True))
        where = f"post_media row (post {row['post_id']!r}, position {row['position']!r})"

        def bad(problem: str, where: str = where) -> UserError:
            return _refused(package, f"{where} {problem}")

        if row["post_id"] not in post_map:
            raise bad("is on a post the package does not hold")
        position = row["position"]
        if type(position) is not int or not 0 <= position < MAX_POSITION:
            raise bad(f"has the position {position!r}; it must be 0 to {MAX_POSITION - 1}")
        if row["status"] not in STATUSES:
            raise bad(f"has the status {row['status']!r}; only {', '.join(STATUSES)} are known")
        if row["kind"] not in KINDS:
            raise bad(f"has the kind {row['kind']!r}; only image or video are known")
        sha = row["image_sha256"]
        if row["status"] == STORED and sha not in held:
            raise bad(f"refers to the picture {sha!r}, which the package does not hold")
        if row["status"] != STORED and sha is not None:
            raise bad(f"is {row['status']!r} but names the picture {sha!r}")
        lead = ours.get((post_map[row["post_id"]], position))
        if lead is None:
            raise bad("is a picture this project does not have for the post")
        for column in ("kind", "source_column", "source"):
            if row[column] != lead[column]:
                raise bad(f"changes the picture's {column} from {lead[column]!r}")
        same = (row["status"], sha) == (lead["status"], lead["image_sha256"])
        if is_url(lead["source"]):
            # Either side may have fetched the URL since packing, at different times and
            # with different outcomes; the package's outcome is checked, never taken.
            if row["status"] not in URL_STATUSES:
                raise bad(f"says a web address is {row['status']}, which no fetch records")
            fetched += row["status"] == STORED and not same
        elif not same:
            raise bad(
                f"says {_state(row['status'], sha)}; this project has it as "
                f"{_state(lead['status'], lead['image_sha256'])}, and a package cannot change it"
            )
    return fetched


def _state(status: str, sha: str | None) -> str:
    return f"{status} ({sha})" if sha else status


def _check_images(
    reader: PackageRows, project: Connection, hashes: list[str], *, package: str
) -> None:
    """Images under a hash the project stores must be its very bytes (a package never
    replaces a picture); any other must decode as a copy the app could have made."""
    marks = ", ".join("?" * len(hashes))
    _, rows = reader.tuples(
        "SELECT sha256, format, width, height, source_bytes, display, thumbnail "
        f"FROM media_image WHERE sha256 IN ({marks})",
        hashes,
    )
    ours = images_by_hash(project, hashes)
    for sha, *stated, display, thumbnail in rows:
        copies = (_as_bytes(display), _as_bytes(thumbnail))
        if sha in ours:
            if (*stated, *copies) != ours[sha]:
                raise _refused(
                    package,
                    f"holds another picture under the hash {sha} than this project stores "
                    "under it; a package cannot replace a project's pictures",
                )
            continue
        try:
            _check_sizes(*stated)
            verify_copy(copies[0], side=DISPLAY_SIDE)
            verify_copy(copies[1], side=THUMBNAIL_SIDE)
        except RefusedImage as refusal:
            raise _refused(package, f"the picture {sha} is refused: {refusal}") from None


def _check_sizes(image_format: Any, width: Any, height: Any, source_bytes: Any) -> None:
    """The source picture's recorded format and size, as an import would record them (the
    app lays pictures out by them)."""
    if image_format not in FORMATS:
        raise RefusedImage(f"recorded as {image_format!r}; PNG, JPEG, WebP and GIF are shown")
    numbers = (width, height, source_bytes)
    if any(type(n) is not int or n < 1 for n in numbers) or width * height > MAX_PIXELS:
        raise RefusedImage(
            f"recorded as {width!r} x {height!r} pixels of {source_bytes!r} bytes, "
            "which no import records"
        )
    if source_bytes > MAX_FILE_BYTES:
        raise RefusedImage(f"recorded as {source_bytes:,} bytes, over the file size limit")


def _as_bytes(value: Any) -> bytes:
    return bytes(value) if isinstance(value, bytes | bytearray | memoryview) else b""


def verify_copy(data: bytes, *, side: int) -> None:
    """Decode a stored copy (display or thumbnail) under the limits the import uses, and
    refuse one no import makes: not PNG or JPEG, larger than ``side``, damaged.

    Not ``prepare_image``: that would re-encode a copy we only need to read once; Pillow
    still does all the decoding."""
    if not data:
        raise RefusedImage("empty picture copy")
    if len(data) > MAX_FILE_BYTES:
        raise RefusedImage(f"copy of {len(data) / 1e6:.1f} MB, over the limit")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_COPY_FORMATS) as opened:
                width, height = opened.size
                if width * height > MAX_PIXELS or max(width, height) > side:
                    raise RefusedImage(
                        f"a copy of {width} x {height} pixels; the app's copies are at most "
                        f"{side} px on the long side"
                    )
                opened.load()
    except RefusedImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise RefusedImage("too many pixels (a decompression bomb)") from None
    except UnidentifiedImageError:
        raise RefusedImage("not a PNG or JPEG copy as the app makes") from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise RefusedImage(f"damaged or truncated picture ({error})") from None
