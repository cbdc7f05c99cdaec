"""Text normalisation and shingles for finding clusters of near-identical posts."""

from __future__ import annotations

import html
import re
import unicodedata

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
#: Variation selectors, skin tones, zero-width joiners: the same emoji typed differently;
#: and the trade mark signs, which one copy has and another drops (NFKC would make
#: letters of them).
_DROPPED = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff\u2122\u2120]")
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    """The words of a post, lower-cased, without links, @mentions, emoji, punctuation or
    ``#``, so two copies of one talking point compare equal however they were pasted.

    HTML entities are decoded (Twitter's API sends ``&amp;`` where a CSV copy has ``&``)
    and compatibility forms folded (NFKC: full-width letters, the "bold" letters of
    fancy-text generators, an accent typed as a separate mark), because a copy pasted
    through another tool differs in exactly those."""
    text = unicodedata.normalize("NFKC", _DROPPED.sub("", html.unescape(text))).casefold()
    text = _MENTION.sub(" ", _URL.sub(" ", text))
    return " ".join(_WORD.findall(text))


def shingles(normalised: str, size: int = 5) -> set[str]:
    """Character ``size``-grams: one changed word touches only a few of them.

    Measured against word shingles and other sizes on issue #17's campaigns
    (``benchmarks/cluster_quality.py``): 4- and 5-grams keep the widest gap between the
    least similar copies of one talking point and the most similar unrelated posts;
    words and shorter grams narrow it, longer grams split the copies apart sooner."""
    if len(normalised) <= size:
        return {normalised} if normalised else set()
    return {normalised[i : i + size] for i in range(len(normalised) - size + 1)}
