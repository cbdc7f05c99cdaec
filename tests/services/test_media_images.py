"""Reading pictures with limits: ordinary ones are stored small, hostile ones refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from annotator.services.media.images import (
    DISPLAY_SIDE,
    THUMBNAIL_SIDE,
    RefusedImage,
    content_hash,
    prepare_image,
)
from tests.media_images import decompression_bomb, picture, truncated_jpeg


def _size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_a_large_picture_is_kept_at_display_size_and_as_a_thumbnail() -> None:
    data = picture(3200, 1600, fmt="JPEG")
    prepared = prepare_image(data)
    assert prepared.sha256 == content_hash(data)
    assert (prepared.width, prepared.height) == (3200, 1600)
    assert _size(prepared.display) == (DISPLAY_SIDE, DISPLAY_SIDE // 2)
    assert max(_size(prepared.thumbnail)) == THUMBNAIL_SIDE
    assert prepared.format == "JPEG"


def test_a_small_picture_is_not_enlarged_and_transparency_survives() -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 20), (0, 0, 0, 0)).save(buffer, "PNG")
    prepared = prepare_image(buffer.getvalue())
    assert _size(prepared.display) == (40, 20)
    with Image.open(io.BytesIO(prepared.display)) as image:
        assert image.mode == "RGBA"


def test_a_gif_gives_its_first_frame_and_webp_is_read() -> None:
    frames = [Image.new("RGB", (30, 30), color) for color in ("red", "green")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    with Image.open(io.BytesIO(prepare_image(buffer.getvalue()).display)) as image:
        assert image.convert("RGB").getpixel((5, 5))[0] > 200  # red, the first frame
    assert prepare_image(picture(fmt="WEBP")).format == "WEBP"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (decompression_bomb(), "megapixel"),
        (decompression_bomb(9_000, 9_000), "81000000 pixels|9000 x 9000 pixels"),
        (truncated_jpeg(), "damaged or truncated"),
        (b"GIF89a but not really", "not a picture|damaged"),
        (b"<html>not found</html>", "not a picture"),
        (b"", "empty"),
        (picture(fmt="BMP"), "BMP picture"),
        (picture(fmt="TIFF"), "TIFF picture"),
    ],
    ids=["bomb", "over-cap", "truncated", "fake-gif", "html", "empty", "bmp", "tiff"],
)
def test_hostile_or_unreadable_pictures_are_refused_with_a_sentence(
    data: bytes, words: str
) -> None:
    with pytest.raises(RefusedImage, match=words):
        prepare_image(data)


def test_a_wrong_suffix_does_not_matter_because_the_bytes_decide() -> None:
    # A PNG named .jpg is read as what it is; nothing here looks at names.
    assert prepare_image(picture(fmt="PNG")).format == "PNG"


def test_a_file_over_the_size_limit_is_refused_before_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("annotator.services.media.images.MAX_FILE_BYTES", 100)
    with pytest.raises(RefusedImage, match="over the"):
        prepare_image(picture())
