"""Telling a text file's encoding without ever silently mangling it.

Order of trust: a byte-order mark; then strict UTF-8 over the whole file; then, only
for files with no UTF-8 multi-byte sequence at all, a single-byte legacy encoding
guessed by charset-normalizer (cp1252 from Excel on Windows is the usual case). A file
that mixes valid UTF-8 with invalid bytes is refused, naming the first bad place.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from annotator.domain.errors import UserError

BLOCK = 1 << 22
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
#: Legacy encodings we accept from a guess; anything else is too likely to be wrong.
_SINGLE_BYTE = {
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "mac_roman",
    "cp1251",
    "iso8859_1",
    "cp1254",
    "iso8859_9",
    "cp1257",
    "koi8_r",
}


@dataclass(frozen=True)
class BadBytes:
    """Where an encoding problem sits: byte offset and what is wrong there."""

    offset: int
    problem: str


@dataclass(frozen=True)
class Encoding:
    """A codec name Python understands, and how it was found (for the report)."""

    codec: str
    how: str


def _bom(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _first_utf8_error(path: Path) -> int | None:
    """Byte offset of the first invalid UTF-8 sequence, streaming the file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                pending = len(decoder.getstate()[0]) if error.start == 0 else 0
                return offset + error.start - pending
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset - len(decoder.getstate()[0])
    return None


def _first_nul(path: Path) -> int | None:
    offset = 0
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            found = block.find(b"\x00")
            if found >= 0:
                return offset + found
            offset += len(block)
    return None


def _looks_utf16_without_bom(head: bytes) -> str | None:
    if len(head) < 4:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _legacy_codec(sample: bytes) -> str:
    """A single-byte encoding for a non-UTF-8 sample.

    cp1252 (Excel on Western Windows) wins whenever charset-normalizer finds it
    plausible: on short samples its first choice among near-identical code pages
    (cp1250, cp1252, latin-1) is close to a coin toss, and cp1252 is by far the most
    common source of such files.
    """
    names = []
    for match in from_bytes(sample):
        name = codecs.lookup(match.encoding).name.replace("-", "_")
        if name in _SINGLE_BYTE:
            names.append(name)
    if not names or "cp1252" in names:
        return "cp1252"
    return names[0]


def detect_encoding(path: Path) -> Encoding | BadBytes:
    """The file's encoding, or the first place that makes it unreadable."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    bom = _bom(head)
    if bom:
        return Encoding(bom, "byte-order mark")
    utf16 = _looks_utf16_without_bom(head)
    if utf16:
        return Encoding(utf16, "UTF-16 without byte-order mark")
    nul = _first_nul(path)
    if nul is not None:
        return BadBytes(nul, "contains a NUL byte (is it a binary file?)")
    error = _first_utf8_error(path)
    if error is None:
        return Encoding("utf-8", "UTF-8")
    data = path.read_bytes()
    if _UTF8_MULTIBYTE.search(data):
        return BadBytes(
            error,
            f"has an invalid UTF-8 byte 0x{data[error]:02x} in a file that is otherwise "
            "UTF-8 (mixed encodings?); fix or remove it and import again",
        )
    codec = _legacy_codec(data[max(0, error - 32768) : error + 32768])
    try:
        data.decode(codec)
    except UnicodeDecodeError as bad:
        return BadBytes(bad.start, f"is neither UTF-8 nor {codec} (byte 0x{data[bad.start]:02x})")
    return Encoding(codec, f"{codec} (detected; not UTF-8)")


def require_text_encoding(path: Path, file: str, row_of: Callable[[int], int]) -> Encoding:
    """The encoding, or a UserError naming the row where the file goes wrong."""
    found = detect_encoding(path)
    if isinstance(found, Encoding):
        return found
    raise UserError(found.problem, file=file, row=row_of(found.offset))


def line_of(path: Path, offset: int) -> int:
    """1-based line number of a byte offset."""
    with path.open("rb") as handle:
        return handle.read(offset).count(b"\n") + 1
