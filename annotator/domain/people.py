"""Annotator names: one spelling per person, whatever keyboard or file a name came from.

Names are stored in NFKC form (which is also NFC-composed): compatibility forms such as
full-width ``ａｎａ`` fold to ``ana``, so they are the same person as a name typed plainly.
Names that differ only by case are the same person too; ``name_key`` is what identity is
compared on, while the first spelling stored is kept for display.
"""

from __future__ import annotations

import unicodedata

from annotator.domain.errors import UserError

# Scripts that one person's name legitimately mixes (Japanese writes kanji with kana).
_ONE_WRITING_SYSTEM = {
    "CJK": "Han",
    "HIRAGANA": "Han",
    "KATAKANA": "Han",
    "KATAKANA-HIRAGANA": "Han",
    "IDEOGRAPHIC": "Han",
    "HANGUL": "Han",
    "BOPOMOFO": "Han",
}
# Cyrillic and Greek letters that look like Latin ones: enough to see that an old
# project's "аna" (Cyrillic а) is meant to be "ana".
_LOOK_ALIKE = str.maketrans(
    "аеорсухіјѕԁӏвнкмтАВЕКМНОРСТУХІЈЅαορτυνικΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdlbhkmtABEKMHOPCTYXIJSaoptuvikABEZHIKMNOPTYX",
)
_INVISIBLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def clean_name(raw: str) -> str:
    """The name as stored: trimmed, white space runs made one space, NFKC; a name that is
    empty, holds an invisible or direction-changing character, or mixes scripts is refused
    with one sentence."""
    name = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not name:
        raise UserError("the annotator name is empty; type the name the person labels under")
    for char in name:
        if unicodedata.category(char) in _INVISIBLE:
            raise UserError(
                f"the annotator name {visible(name)!r} contains {describe(char)}, an invisible "
                "or direction-changing character that makes names look alike; type the name "
                "without it"
            )
    scripts = _scripts(name)
    if len(scripts) > 1:
        (first, a), (second, b) = list(scripts.items())[:2]
        raise UserError(
            f"the annotator name {name!r} mixes {first} and {second} letters "
            f"({a!r} is {first}, {b!r} is {second}), so it can pass for another name; "
            "type it in one alphabet"
        )
    return name


def name_key(name: str) -> str:
    """What two names are compared on: the stored form, case folded."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def describe(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: a character named so a reader can find it."""
    name = unicodedata.name(char, "")
    if not name and unicodedata.category(char) == "Cc":
        name = "(a control character)"
    return f"U+{ord(char):04X} {name}".rstrip()


def visible(name: str) -> str:
    """The name with invisible characters written out, and white space at either end
    shown as ␣, so look-alike spellings can be told apart on screen."""
    shown = "".join(
        f"<U+{ord(c):04X}>"
        if unicodedata.category(c) in _INVISIBLE or (c.isspace() and c != " ")
        else c
        for c in name
    )
    stripped = shown.strip(" ")
    lead = len(shown) - len(shown.lstrip(" "))
    trail = len(shown) - len(shown.rstrip(" "))
    return "␣" * lead + stripped + "␣" * trail if stripped else "␣" * len(shown)


def look_alike_groups(names: list[str]) -> list[list[str]]:
    """Stored names that a reader would take for one person (case, white space, invisible
    characters, normal forms, Cyrillic or Greek look-alikes), each group in the given
    order; names that look like nobody else are left out."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(_skeleton(name), []).append(name)
    return [group for group in groups.values() if len(group) > 1]


def _skeleton(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    text = "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE)
    return " ".join(text.translate(_LOOK_ALIKE).split()).casefold()


def _scripts(name: str) -> dict[str, str]:
    """Each script the name's letters are written in, with its first letter."""
    found: dict[str, str] = {}
    for char in name:
        if not unicodedata.category(char).startswith("L"):
            continue
        words = unicodedata.name(char, "").split()
        if not words or words[0] == "MODIFIER":
            continue
        script = _ONE_WRITING_SYSTEM.get(words[0], words[0].title())
        found.setdefault(script, char)
    return found
