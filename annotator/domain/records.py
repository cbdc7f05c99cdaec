"""Plain records that cross layers: what the store returns and services pass around."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from annotator.domain.media import MISSING, REFUSED, REMOTE


@dataclass(frozen=True)
class EvidenceSpan:
    """Quoted words in a post: half-open character offsets [start, end) and the quote."""

    start: int
    end: int
    quote: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "quote": self.quote}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EvidenceSpan:
        return cls(start=int(data["start"]), end=int(data["end"]), quote=str(data["quote"]))


@dataclass(frozen=True)
class PostRecord:
    """One post as the UI and exports see it."""

    id: int
    dataset: str
    external_id: str
    text: str
    author: str | None = None
    created_at: str | None = None
    platform: str | None = None
    url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AnnotationRecord:
    """One annotator's current label for one post, with the evidence behind it."""

    post_id: int
    annotator: str
    label_key: str
    notes: str = ""
    sponsor: str = ""
    evidence: tuple[EvidenceSpan, ...] = ()
    seconds_spent: float = 0.0
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def as_change(self) -> AnnotationChange:
        """The change that would write this annotation back exactly as it is."""
        return AnnotationChange(
            post_id=self.post_id,
            annotator=self.annotator,
            label_key=self.label_key,
            notes=self.notes,
            sponsor=self.sponsor,
            evidence=self.evidence,
            seconds_spent=self.seconds_spent,
        )


@dataclass(frozen=True)
class AnnotationChange:
    """What a label action writes: the state an annotation should have afterwards.

    ``label_key`` None means the annotation is removed (used by undo).
    """

    post_id: int
    annotator: str
    label_key: str | None
    notes: str = ""
    sponsor: str = ""
    evidence: tuple[EvidenceSpan, ...] = ()
    seconds_spent: float = 0.0


@dataclass(frozen=True)
class Draft:
    """What an annotator has typed on a post and not yet given as a label: notes, sponsor,
    evidence spans. Saved as it is typed, shown again with the post, never a label."""

    post_id: int
    annotator: str
    notes: str = ""
    sponsor: str = ""
    evidence: tuple[EvidenceSpan, ...] = ()
    #: When it was last saved (ISO 8601, UTC); set by the store, "" before the first save.
    updated_at: str = ""

    @property
    def is_empty(self) -> bool:
        """Nothing worth keeping: blank notes and sponsor, no evidence."""
        return not self.notes.strip() and not self.sponsor.strip() and not self.evidence


@dataclass(frozen=True)
class DatasetRecord:
    """A dataset as listed to the user."""

    id: int
    name: str
    source_name: str
    source_sha256: str
    imported_at: datetime
    column_mapping: dict[str, str]
    post_count: int


#: Rows an import summary names for missing or refused pictures before "and N more".
_EXAMPLES = 5


@dataclass
class ImportReport:
    """What an import did, said back to the user."""

    dataset: str
    file: str
    rows_read: int = 0
    added: int = 0
    duplicates_skipped: int = 0
    changed_skipped: int = 0
    blank_rows: int = 0
    empty_text_skipped: list[int] = field(default_factory=list)
    column_mapping: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    #: How numeric dates ("02/03/2025") were read, or why they were kept as text.
    time_note: str | None = None
    #: Pictures (issue 20): the columns read for them; distinct images newly stored, and
    #: those the project already had.
    media_columns: list[str] = field(default_factory=list)
    pictures_stored: int = 0
    pictures_known: int = 0
    #: Pictures of posts whose file was not found / was refused / is a URL left to fetch.
    pictures_missing: int = 0
    pictures_refused: int = 0
    pictures_remote: int = 0
    #: The first few (row, path) not found and (row, path, reason) refused.
    missing_examples: list[tuple[int, str]] = field(default_factory=list)
    refused_examples: list[tuple[int, str, str]] = field(default_factory=list)

    def count_picture(self, status: str, row: int, source: str, message: str | None) -> None:
        """Count one picture of an added post by what became of it."""
        if status == MISSING:
            self.pictures_missing += 1
            if len(self.missing_examples) < _EXAMPLES:
                self.missing_examples.append((row, source))
        elif status == REFUSED:
            self.pictures_refused += 1
            if len(self.refused_examples) < _EXAMPLES:
                self.refused_examples.append((row, source, message or "unreadable"))
        elif status == REMOTE:
            self.pictures_remote += 1

    def picture_lines(self) -> list[str]:
        """What became of the pictures the file names (empty when it names none)."""
        if not (
            self.pictures_stored
            or self.pictures_known
            or self.pictures_missing
            or self.pictures_refused
            or self.pictures_remote
        ):
            return []
        lines = [
            f"Pictures: {self.pictures_stored:,} stored, {self.pictures_known:,} already in "
            f"the project, {self.pictures_missing:,} missing, {self.pictures_refused:,} "
            f"refused, {self.pictures_remote:,} web addresses left to fetch."
        ]
        if self.missing_examples:
            shown = "; ".join(f"row {row}: {path}" for row, path in self.missing_examples)
            more = self.pictures_missing - len(self.missing_examples)
            lines.append(
                f"Picture files not found: {shown}" + (f" and {more:,} more." if more else ".")
            )
        if self.refused_examples:
            shown = "; ".join(
                f"row {row}: {path} ({reason})" for row, path, reason in self.refused_examples
            )
            more = self.pictures_refused - len(self.refused_examples)
            lines.append(f"Pictures refused: {shown}" + (f" and {more:,} more." if more else "."))
        return lines

    def summary(self) -> str:
        """One line: read, imported, duplicates skipped, empty skipped."""
        line = (
            f"{self.file} -> dataset {self.dataset!r}: read {self.rows_read:,}, "
            f"imported {self.added:,}, duplicates skipped {self.duplicates_skipped:,}, "
            f"empty skipped {len(self.empty_text_skipped):,}"
        )
        return line + "."

    def details(self) -> list[str]:
        """Further lines worth reading: which rows were empty, changed duplicates."""
        lines = []
        if self.empty_text_skipped:
            rows = ", ".join(str(r) for r in self.empty_text_skipped[:10])
            more = (
                f" and {len(self.empty_text_skipped) - 10:,} more"
                if len(self.empty_text_skipped) > 10
                else ""
            )
            lines.append(f"Rows with empty text, not imported: {rows}{more}.")
        if self.changed_skipped:
            lines.append(
                f"{self.changed_skipped:,} duplicates have different text from the post "
                "already stored; the stored text was kept."
            )
        if self.blank_rows:
            lines.append(f"{self.blank_rows:,} blank rows ignored.")
        if self.encoding and not self.encoding.startswith(("UTF-8", "byte-order")):
            lines.append(f"Read as {self.encoding}.")
        if self.time_note:
            lines.append(self.time_note)
        lines.extend(self.picture_lines())
        return lines


@dataclass
class LabelImportReport:
    """What importing a label file did."""

    file: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    blank_skipped: int = 0
    annotators: list[str] = field(default_factory=list)

    def record(self, outcome: str) -> None:
        """Count one written change by its outcome ("added", "updated", "unchanged")."""
        if outcome == "added":
            self.added += 1
        elif outcome == "updated":
            self.updated += 1
        else:
            self.unchanged += 1

    def summary(self) -> str:
        return (
            f"{self.added} labels added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.blank_skipped} rows without a label skipped, from {self.file} "
            f"(annotators: {_some_names(self.annotators)})."
        )


#: Names a summary lists before it says how many more there are.
SUMMARY_NAMES = 20


def _some_names(names: list[str]) -> str:
    """The first ``SUMMARY_NAMES`` names, then "and N more": a file by 100,000 people
    must not print them all on one line."""
    if not names:
        return "none"
    shown = ", ".join(names[:SUMMARY_NAMES])
    rest = len(names) - SUMMARY_NAMES
    return f"{shown} and {rest:,} more" if rest > 0 else shown


@dataclass(frozen=True)
class BrowseRow:
    """One line of the browse table: the post and my annotation of it."""

    post_id: int
    dataset: str
    external_id: str
    author: str
    created_at: str
    text: str
    label: str
    notes: str
    annotations: int


@dataclass(frozen=True)
class AuthorPost:
    """Another post by the same author, with every label it has."""

    post_id: int
    text: str
    created_at: str
    labels: dict[str, str]
