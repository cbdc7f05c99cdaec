from __future__ import annotations

from annotator.domain.text_offsets import index_to_utf16, utf16_to_index


def test_round_trip_across_emoji_and_joiners() -> None:
    text = "Hi 👩‍👩‍👧 #ad 🇺🇸!"
    for index in range(len(text) + 1):
        assert utf16_to_index(text, index_to_utf16(text, index)) == index
    start = text.index("#ad")
    assert index_to_utf16(text, start) == len(text[:start].encode("utf-16-le")) // 2


def test_plain_ascii_is_the_identity() -> None:
    assert utf16_to_index("paid for by", 5) == 5
    assert index_to_utf16("paid for by", 5) == 5
