"""Pictures for the screenshots: a few product-photo-like images drawn with Pillow (a
bottle on a table with "#ad" and a discount code written on it, a logo shirt), stored on
a few posts of the sample project's copy the way import stores them, plus one picture
whose file was missing and one refused, so the docs show what those look like."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from annotator.domain.media import MISSING, REFUSED, STORED
from annotator.services.media.images import prepare_image
from annotator.store.engine import Project
from annotator.store.media import insert_images, insert_post_media


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def product_photo() -> bytes:
    """A serum bottle on a table, "#ad" and a discount code written on the picture."""
    image = Image.new("RGB", (1200, 900))
    draw = ImageDraw.Draw(image)
    for y in range(900):  # a warm wall fading to a wooden table
        shade = (246 - y // 12, 226 - y // 10, 206 - y // 8) if y < 560 else (150, 104, 70)
        draw.line([(0, y), (1200, y)], fill=shade)
    draw.ellipse((330, 700, 870, 780), fill=(120, 80, 52))  # the bottle's shadow
    draw.rounded_rectangle((450, 260, 750, 740), radius=60, fill=(242, 190, 160))
    draw.rectangle((545, 150, 655, 265), fill=(60, 60, 70))  # the dropper cap
    draw.rounded_rectangle((480, 430, 720, 620), radius=16, fill=(255, 250, 245))
    draw.text((600, 490), "GLOW", font=_font(64), fill=(190, 90, 70), anchor="mm")
    draw.text((600, 565), "vitamin C serum", font=_font(28), fill=(120, 90, 80), anchor="mm")
    draw.rectangle((0, 810, 1200, 900), fill=(255, 255, 255))
    draw.text(
        (40, 855),
        "#ad  Paid partnership with GlowLab",
        font=_font(44),
        fill=(20, 20, 20),
        anchor="lm",
    )
    draw.rounded_rectangle((860, 60, 1160, 170), radius=20, fill=(214, 40, 90))
    draw.text((1010, 115), "CODE GLOW20", font=_font(40), fill=(255, 255, 255), anchor="mm")
    return _jpeg(image)


def shirt_photo() -> bytes:
    """A shirt with a brand's logo on it."""
    image = Image.new("RGB", (900, 1100), (210, 225, 235))
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [(250, 200), (380, 150), (520, 150), (650, 200), (800, 380), (690, 450), (650, 400),
         (650, 1000), (250, 1000), (250, 400), (210, 450), (100, 380)],
        fill=(35, 45, 70),
    )  # fmt: skip
    draw.ellipse((360, 380, 540, 560), outline=(255, 255, 255), width=10)
    draw.text((450, 470), "KAI", font=_font(60), fill=(255, 255, 255), anchor="mm")
    draw.text((450, 620), "KAI RUNNING", font=_font(40), fill=(255, 255, 255), anchor="mm")
    return _jpeg(image)


def plate_photo() -> bytes:
    """Lunch: a plate on a table, nothing sponsored."""
    image = Image.new("RGB", (1000, 750), (196, 160, 120))
    draw = ImageDraw.Draw(image)
    draw.ellipse((250, 120, 750, 620), fill=(250, 250, 248))
    draw.ellipse((340, 210, 660, 530), fill=(120, 170, 80))
    draw.ellipse((430, 300, 560, 430), fill=(220, 90, 60))
    return _jpeg(image)


def add_sample_pictures(project: Project, post_ids: list[int]) -> None:
    """Give the first of ``post_ids`` the product photo, the shirt and the lunch; the next
    the product photo again (shared: stored once); the next a missing file and the last a
    refused one."""
    prepared = [prepare_image(data) for data in (product_photo(), shirt_photo(), plate_photo())]
    first, second, third, fourth = post_ids[:4]
    rows: list[dict[str, object]] = []
    for position, image in enumerate(prepared):
        rows.append(_stored(first, position, f"glowlab_{position}.jpg", image.sha256))
    rows.append(_stored(second, 0, "glowlab_repost.jpg", prepared[0].sha256))
    rows.append(_row(third, 0, "photos/serum_2.jpg", MISSING))
    rows.append(
        _row(
            fourth,
            0,
            "photos/cover.tif",
            REFUSED,
            "TIFF picture; PNG, JPEG, WebP and GIF are shown",
        )
    )
    with project.session() as session:
        connection = session.connection()
        insert_images(connection, [image.row() for image in prepared])
        insert_post_media(connection, rows)


def _row(
    post_id: int, position: int, source: str, status: str, message: str | None = None
) -> dict[str, object]:
    return {
        "post_id": post_id,
        "position": position,
        "source_column": "image_name",
        "source": source,
        "status": status,
        "message": message,
    }


def _stored(post_id: int, position: int, source: str, sha256: str) -> dict[str, object]:
    return {**_row(post_id, position, source, STORED), "image_sha256": sha256}
