"""Disclosure markers: finding "#ad", "Paid for by" and friends in post text.

Matching respects word boundaries in every script, so ``#ad`` is not found inside
``#adventure`` or ``#adidas`` and ``sp`` not inside ``#spring``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from annotator.domain.codebook import Codebook
from annotator.resource_files import resource_path

DEFAULT_MARKERS = "markers/disclosure.txt"


@dataclass(frozen=True)
class MarkerMatch:
    """A marker found in a text: half-open offsets, the text found, the marker it matched."""

    start: int
    end: int
    text: str
    marker: str


@dataclass(frozen=True)
class Marker:
    """One entry of the marker list and its compiled pattern."""

    source: str
    pattern: re.Pattern[str]


def _compile(line: str) -> re.Pattern[str]:
    if line.startswith("re:"):
        return re.compile(rf"(?<!\w)(?:{line[3:]})", re.IGNORECASE)
    flags = 0 if line.startswith("case:") else re.IGNORECASE
    text = line[5:] if line.startswith("case:") else line
    body = r"\s+".join(re.escape(word) for word in text.split())
    before = r"(?<![\w#@])" if text[0].isalnum() or text[0] in "#@" else ""
    after = r"(?!\w)" if text[-1].isalnum() else ""
    return re.compile(before + body + after, flags)


def parse_markers(text: str) -> list[Marker]:
    """Markers from the list's text; comments are lines starting with "# " or "#!"."""
    markers = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("# ", "#!")) or line == "#":
            continue
        markers.append(Marker(source=line, pattern=_compile(line)))
    return markers


def load_markers(path: Path | None = None) -> list[Marker]:
    """The marker list at ``path``, or the shipped one."""
    source = path or resource_path(DEFAULT_MARKERS)
    return parse_markers(source.read_text(encoding="utf-8"))


def find_markers(text: str, markers: list[Marker]) -> list[MarkerMatch]:
    """Non-overlapping matches in text order; where two overlap the longer one wins."""
    found: list[MarkerMatch] = []
    for marker in markers:
        for match in marker.pattern.finditer(text):
            if match.end() > match.start():
                found.append(MarkerMatch(match.start(), match.end(), match.group(), marker.source))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    result: list[MarkerMatch] = []
    for candidate in found:
        if result and candidate.start < result[-1].end:
            continue
        result.append(candidate)
    return result


#: Labels that say a post does not disclose payment, by the codebook's questions; the
#: default codebook's keys when a codebook does not split its labels into questions.
_DEFAULT_NOT_DISCLOSED = ("not_sponsored", "sponsored_undisclosed")


def undisclosing_labels(codebook: Codebook) -> frozenset[str]:
    """The labels a disclosure marker in the text contradicts: "not sponsored" and
    "sponsored, undisclosed" (a post that says "#ad" or "Paid for by" is neither)."""
    sponsored = codebook.questions.get("sponsored", {})
    disclosure = codebook.questions.get("disclosure", {})
    keys = {*sponsored.get("no", ()), *disclosure.get("undisclosed", ())}
    if not keys:
        keys = {k for k in _DEFAULT_NOT_DISCLOSED if codebook.get(k) is not None}
    return frozenset(keys)


def contradicts(codebook: Codebook, label_key: str, found: list[MarkerMatch]) -> bool:
    """Whether labeling a post with these markers ``label_key`` goes against them."""
    return bool(found) and label_key in undisclosing_labels(codebook)
