"""Text normalisation and shingles for finding clusters of near-identical posts."""

from __future__ import annotations

import re

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
#: Variation selectors, skin tones, zero-width joiners: the same emoji typed differently.
_EMOJI_VARIATION = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff]")
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    """The words of a post, lower-cased, without links, @mentions or emoji variants, so
    two copies of one talking point compare equal however they were pasted."""
    text = _EMOJI_VARIATION.sub("", _MENTION.sub(" ", _URL.sub(" ", text.casefold())))
    return " ".join(_WORD.findall(text))


def shingles(normalised: str, size: int = 5) -> set[str]:
    """Character ``size``-grams: one changed word touches only a few of them."""
    if len(normalised) <= size:
        return {normalised} if normalised else set()
    return {normalised[i : i + size] for i in range(len(normalised) - size + 1)}
