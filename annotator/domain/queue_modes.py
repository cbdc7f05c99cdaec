"""Queue modes: which set of posts an annotator walks (plain data the UI builds and the
store turns into SQL)."""

from __future__ import annotations

from dataclasses import dataclass

#: Every kind of queue, in the order the queue bar offers them.
MODES = (
    "unlabeled",
    "assigned",
    "all",
    "label",
    "flagged",
    "skipped",
    "disagreements",
    "dataset",
    "search",
)


@dataclass(frozen=True)
class QueueMode:
    """A set of posts to walk: ``kind`` from MODES, ``value`` a label key, dataset or query."""

    kind: str = "unlabeled"
    value: str = ""
