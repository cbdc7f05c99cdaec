"""What a search box query means: quoted phrases, and words of which the last may be a prefix.

The store turns it into FTS5 or tsquery syntax and the post view highlights the same
terms, so both read the query one way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A word as the search index sees it: letters and digits, "#ad" searched as "ad".
_WORD = re.compile(r"[\w#@']+", flags=re.UNICODE)


def _words(text: str) -> list[str]:
    found = (w.strip("#@'") for w in _WORD.findall(text))
    return [w for w in found if w]


@dataclass(frozen=True)
class SearchTerms:
    """Phrases must occur word for word; every word must occur, ``prefix`` as a prefix."""

    phrases: tuple[tuple[str, ...], ...] = ()
    words: tuple[str, ...] = ()
    #: The last unquoted word, matched as the start of a word (typing "sponso" finds it).
    prefix: str = ""

    @property
    def empty(self) -> bool:
        return not (self.phrases or self.words or self.prefix)


def parse_search(query: str) -> SearchTerms:
    """Split a query into quoted phrases and loose words; an unclosed quote runs to the end."""
    phrases: list[tuple[str, ...]] = []
    loose: list[str] = []
    for index, part in enumerate(query.split('"')):
        words = _words(part)
        if index % 2 and words:
            phrases.append(tuple(words))
        else:
            loose.extend(words)
    ends_in_phrase = query.count('"') % 2 == 1 or query.rstrip().endswith('"')
    prefix = "" if ends_in_phrase or not loose else loose.pop()
    return SearchTerms(tuple(phrases), tuple(loose), prefix)


def search_hits(text: str, query: str) -> list[tuple[int, int]]:
    """Where the query's phrases and words occur in ``text`` (half-open, in text order,
    non-overlapping), for highlighting; matching ignores case like the index does."""
    terms = parse_search(query)
    patterns = [r"\W+".join(re.escape(w) for w in phrase) for phrase in terms.phrases]
    patterns += [re.escape(w) + r"(?!\w)" for w in terms.words]
    if terms.prefix:
        patterns.append(re.escape(terms.prefix) + r"\w*")
    if not patterns:
        return []
    found: list[tuple[int, int]] = []
    for pattern in patterns:
        regex = re.compile(rf"(?<!\w)(?:{pattern})", re.IGNORECASE)
        found += [(m.start(), m.end()) for m in regex.finditer(text) if m.end() > m.start()]
    found.sort(key=lambda hit: (hit[0], -hit[1]))
    hits: list[tuple[int, int]] = []
    for start, end in found:
        if hits and start < hits[-1][1]:
            continue
        hits.append((start, end))
    return hits
