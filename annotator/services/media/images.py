"""Reading one picture safely and making the copies the project keeps.

Pillow does the decoding (we never parse an image format ourselves): it checks the pixel
count before decoding (decompression bombs), reads the format from the bytes rather than
the file name, and reports truncated data. We add the limits the issue sets: a size cap, a
pixel cap, and the formats Qt reads (PNG, JPEG, WebP, GIF's first frame).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

#: Files larger than this are refused before reading (a 24 MP JPEG is about 12 MB).
MAX_FILE_BYTES = 40 * 1024 * 1024
#: Pictures with more pixels than this are refused before decoding (8K x 5K is 40 MP).
MAX_PIXELS = 50_000_000
#: The long side of the copy shown on the Label tab.
DISPLAY_SIDE = 1600
#: The long side of the thumbnail in Browse and the Label tab's strip.
THUMBNAIL_SIDE = 160
#: Formats Qt shows; anything else (TIFF, BMP, PSD, SVG ...) is refused with a sentence.
FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
_JPEG_QUALITY = 85


class RefusedImage(ValueError):
    """A picture we do not store; the message is the sentence shown on the post."""


@dataclass(frozen=True)
class PreparedImage:
    """The copies of one picture the project stores, ready for ``store.media.insert_images``."""

    sha256: str
    format: str
    width: int
    height: int
    source_bytes: int
    display: bytes
    thumbnail: bytes

    def row(self) -> dict[str, object]:
        return {
            "sha256": self.sha256,
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "source_bytes": self.source_bytes,
            "display": self.display,
            "thumbnail": self.thumbnail,
        }


def content_hash(data: bytes) -> str:
    """The key an image is stored under: the SHA-256 of the bytes it was read from."""
    return hashlib.sha256(data).hexdigest()


def _encode(image: Image.Image, side: int) -> bytes:
    """A copy at most ``side`` px on the long side: JPEG when opaque, PNG when it has
    transparency (a logo on a clear background stays readable)."""
    copy = image.copy()
    copy.thumbnail(
        (side, side), Image.Resampling.LANCZOS if side <= 400 else Image.Resampling.BICUBIC
    )
    buffer = io.BytesIO()
    if copy.mode in ("RGBA", "LA") or (copy.mode == "P" and "transparency" in copy.info):
        copy.convert("RGBA").save(buffer, "PNG", optimize=False)
    else:
        copy.convert("RGB").save(buffer, "JPEG", quality=_JPEG_QUALITY)
    return buffer.getvalue()


def prepare_image(data: bytes, *, sha256: str | None = None) -> PreparedImage:
    """Decode ``data`` with limits and make the display copy and thumbnail.

    Raises ``RefusedImage`` with a sentence for anything we do not store: too large, not an
    image, a format Qt does not show, too many pixels, truncated or corrupt data."""
    if len(data) > MAX_FILE_BYTES:
        raise RefusedImage(
            f"file of {len(data) / 1e6:.1f} MB, over the {MAX_FILE_BYTES // 1024**2} MB limit"
        )
    if not data:
        raise RefusedImage("empty file")
    try:
        with warnings.catch_warnings():
            # Pillow warns past MAX_IMAGE_PIXELS and raises past twice that; we refuse at
            # our own cap, checked on the header before any pixel is decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=None) as opened:
                if opened.format not in FORMATS:
                    raise RefusedImage(
                        f"{opened.format or 'unknown'} picture; PNG, JPEG, WebP and GIF are shown"
                    )
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    raise RefusedImage(
                        f"{width} x {height} pixels, over the {MAX_PIXELS // 1_000_000} megapixel "
                        "limit (a decompression bomb or a huge scan)"
                    )
                image_format = opened.format
                opened.seek(0)  # GIF and animated WebP: the first frame
                if image_format == "JPEG":
                    opened.draft("RGB", (DISPLAY_SIDE, DISPLAY_SIDE))
                decoded = ImageOps.exif_transpose(opened)
                decoded.load()
    except RefusedImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise RefusedImage(
            f"too many pixels, over the {MAX_PIXELS // 1_000_000} megapixel limit "
            "(a decompression bomb)"
        ) from None
    except UnidentifiedImageError:
        raise RefusedImage("not a picture (the bytes are no image format we read)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise RefusedImage(f"damaged or truncated picture ({error})") from None
    return PreparedImage(
        sha256=sha256 or content_hash(data),
        format=image_format,
        width=width,
        height=height,
        source_bytes=len(data),
        display=_encode(decoded, DISPLAY_SIDE),
        thumbnail=_encode(decoded, THUMBNAIL_SIDE),
    )
