"""Pictures for tests, made with Pillow: ordinary ones and hostile ones."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def picture(width: int = 64, height: int = 48, color: str = "red", fmt: str = "PNG") -> bytes:
    """An ordinary picture of one colour."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, fmt)
    return buffer.getvalue()


def decompression_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (900 MP by default):
    written chunk by chunk so the test never holds the pixels either."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    rows = zlib.compress(b"\x00" * (1 + (width + 7) // 8) * 16)  # a few rows; enough
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    """A JPEG cut off in the middle of its pixel data."""
    data = picture(400, 300, "blue", "JPEG")
    return data[: len(data) // 2]
