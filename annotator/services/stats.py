"""Label counts per annotator and label: the first numbers a lead looks at."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.store.engine import Project
from annotator.store.queries import (
    count_labeled_posts,
    count_posts,
    label_counts_by_annotator,
    load_codebook,
)


@dataclass
class LabelCounts:
    """Counts of current annotations, by annotator and label, in codebook order."""

    posts: int
    labeled_posts: int
    labels: list[str]
    by_annotator: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def by_label(self) -> dict[str, int]:
        totals = dict.fromkeys(self.labels, 0)
        for counts in self.by_annotator.values():
            for key, n in counts.items():
                totals[key] = totals.get(key, 0) + n
        return totals

    def to_json(self) -> dict[str, Any]:
        return {
            "posts": self.posts,
            "labeled_posts": self.labeled_posts,
            "annotations": sum(self.by_label.values()),
            "labels": self.by_label,
            "annotators": {
                name: {**counts, "total": sum(counts.values())}
                for name, counts in self.by_annotator.items()
            },
        }

    def to_table(self) -> str:
        """A plain-text table: one row per annotator, one column per label."""
        header = ["annotator", *self.labels, "total"]
        body = [
            [name, *(str(counts.get(k, 0)) for k in self.labels), str(sum(counts.values()))]
            for name, counts in self.by_annotator.items()
        ]
        totals = self.by_label
        body.append(["all", *(str(totals[k]) for k in self.labels), str(sum(totals.values()))])
        widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]

        def line(cells: list[str]) -> str:
            first = cells[0].ljust(widths[0])
            rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
            return "  ".join([first, *rest])

        lines = [
            f"{self.posts} posts, {self.labeled_posts} labeled by at least one annotator",
            "",
            line(header),
            *(line(row) for row in body),
        ]
        return "\n".join(lines)


def label_counts(project: Project) -> LabelCounts:
    with project.session() as session:
        codebook = load_codebook(session)
        result = LabelCounts(
            posts=count_posts(session),
            labeled_posts=count_labeled_posts(session),
            labels=list(codebook.keys),
        )
        for name, key, n in label_counts_by_annotator(session):
            result.by_annotator.setdefault(name, {})[key] = n
    return result
