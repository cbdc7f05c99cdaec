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
    "informative",
    "suspects",
)

#: Queues walked in the model's order, not by post id: "informative" (posts I have
#: neither labeled nor skipped, smallest margin first, spread across clusters) and
#: "suspects" (labeled posts, least likely own label first). Choosing one starts at
#: its top, since that is the point of the order.
ORDERED_MODES = frozenset({"informative", "suspects"})


@dataclass(frozen=True)
class QueueMode:
    """A set of posts to walk: ``kind`` from MODES, ``value`` a label key, dataset or query."""

    kind: str = "unlabeled"
    value: str = ""
