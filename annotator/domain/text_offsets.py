"""Converting offsets between Python strings (code points) and Qt (UTF-16 code units).

Evidence spans are stored as code-point offsets, the way Python, pandas and every
export count characters; Qt's text cursor counts UTF-16 units, so an emoji outside
the Basic Multilingual Plane is one character to us and two to Qt.
"""

from __future__ import annotations


def utf16_to_index(text: str, units: int) -> int:
    """The code-point index in ``text`` that sits ``units`` UTF-16 units from the start."""
    count = 0
    for index, char in enumerate(text):
        if count >= units:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    return len(text)


def index_to_utf16(text: str, index: int) -> int:
    """UTF-16 units before code-point ``index`` of ``text``."""
    return sum(2 if ord(char) > 0xFFFF else 1 for char in text[:index])
