"""What a label import from another tool did, and the one way its checked changes go in."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange, LabelImportReport
from annotator.store.bulk_annotations import apply_annotation_changes


@dataclass
class InteropImportReport(LabelImportReport):
    """A label import from another tool, with what it left out."""

    unlabeled_skipped: int = 0
    gold_skipped: int = 0
    #: Earlier annotations left out where one annotator annotated one task twice.
    earlier_skipped: int = 0
    #: One line per choice the import made for the user (which annotation it kept, ...).
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        extra = []
        if self.unlabeled_skipped:
            extra.append(f"{self.unlabeled_skipped} cancelled or unlabeled annotations skipped")
        if self.gold_skipped:
            extra.append(f"{self.gold_skipped} gold labels not imported")
        if self.earlier_skipped:
            extra.append(
                f"{self.earlier_skipped} earlier annotations by the same annotator of the same "
                "task skipped, the latest kept"
            )
        line = super().summary()
        return f"{line[:-1]}; {'; '.join(extra)}." if extra else line


def apply_changes(
    session: Session, changes: list[tuple[AnnotationChange, int]], report: LabelImportReport
) -> None:
    """Refuse one annotator annotating a post twice differently, then write every change."""
    first: dict[tuple[int, str], tuple[AnnotationChange, int]] = {}
    for change, number in changes:
        seen = first.setdefault((change.post_id, change.annotator), (change, number))
        if seen[0] != change:
            raise UserError(
                f"{change.annotator} annotates this post differently in row {seen[1]}",
                file=report.file,
                row=number,
            )
    outcomes = apply_annotation_changes(session, [change for change, _ in first.values()])
    for outcome in outcomes.each:
        report.record(outcome)
    report.annotators = sorted({annotator for _, annotator in first})
