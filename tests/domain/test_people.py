"""Annotator names: every spelling from the issue's list, cleaned or refused in a sentence."""

from __future__ import annotations

import unicodedata

import pytest

from annotator.domain.errors import UserError
from annotator.domain.people import clean_name, look_alike_groups, name_key, visible

NFC_ANA = unicodedata.normalize("NFC", "ána")
NFD_ANA = unicodedata.normalize("NFD", "ána")


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Ana", "Ana"),
        ("ANA", "ANA"),
        ("ana ", "ana"),
        ("ana\u00a0", "ana"),
        ("\u3000ana\t", "ana"),
        ("ａｎａ", "ana"),
        (NFC_ANA, NFC_ANA),
        (NFD_ANA, NFC_ANA),
        ("Ana  María", "Ana María"),
        ("山田 たろう", "山田 たろう"),
        ("Ольга", "Ольга"),
    ],
)
def test_names_are_trimmed_and_normalised(raw: str, stored: str) -> None:
    assert clean_name(raw) == stored


def test_names_differing_only_by_case_or_form_have_one_key() -> None:
    spellings = ["Ana", "ANA", "ana ", "ana\u00a0", "ａｎａ", "ana"]
    assert {name_key(clean_name(raw)) for raw in spellings} == {"ana"}
    assert name_key(clean_name(NFC_ANA)) == name_key(clean_name(NFD_ANA.upper()))
    assert name_key("ana") != name_key("ben")


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("an\u200da", "U+200D ZERO WIDTH JOINER"),
        ("an\u200ca", "U+200C ZERO WIDTH NON-JOINER"),
        ("an\u200ba", "U+200B ZERO WIDTH SPACE"),
        ("\ufeffana", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("\u202eana", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u2066ana", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("an\x07a", "U+0007"),
    ],
)
def test_invisible_and_bidi_characters_are_refused_by_name(raw: str, named: str) -> None:
    with pytest.raises(UserError) as caught:
        clean_name(raw)
    message = str(caught.value)
    assert named in message
    assert raw not in message  # the raw character would scramble the line it is shown on
    assert message.count(".") == 0 and "\n" not in message


def test_a_name_mixing_scripts_is_refused() -> None:
    with pytest.raises(UserError, match="mixes Cyrillic and Latin letters"):
        clean_name("\u0430na")
    with pytest.raises(UserError, match="mixes Latin and Greek"):
        clean_name("anΑ")


@pytest.mark.parametrize("raw", ["", "   ", "\u00a0\u3000"])
def test_an_empty_name_is_refused(raw: str) -> None:
    with pytest.raises(UserError, match="name is empty"):
        clean_name(raw)


def test_look_alike_groups_find_an_old_projects_duplicates() -> None:
    stored = ["Ana", "ANA", "ana ", "ana\u00a0", "\u0430na", "an\u200da", "\u202eana", "ben"]
    stored += [NFC_ANA, NFD_ANA, "ａｎａ", "Ben", "chloe"]
    groups = look_alike_groups(stored)
    assert groups == [
        ["Ana", "ANA", "ana ", "ana\u00a0", "\u0430na", "an\u200da", "\u202eana", "ａｎａ"],
        ["ben", "Ben"],
        [NFC_ANA, NFD_ANA],
    ]
    assert look_alike_groups(["ana", "ben"]) == []


def test_visible_shows_what_the_eye_cannot() -> None:
    assert visible("ana ") == "ana␣"
    assert visible("an\u200da") == "an<U+200D>a"
    assert visible("ana\u00a0") == "ana<U+00A0>"
    assert visible("Ana") == "Ana"
