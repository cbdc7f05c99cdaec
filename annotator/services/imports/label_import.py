"""Importing labels in long format (post_id, annotator, label[, notes, sponsor])."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.people import clean_name, name_key
from annotator.domain.records import AnnotationChange, LabelImportReport
from annotator.services.imports.sources import cell_text, open_source
from annotator.store.bulk_annotations import apply_annotation_changes
from annotator.store.engine import Project
from annotator.store.queries import external_id_index, load_codebook

REQUIRED = ("post_id", "annotator", "label")
OPTIONAL = ("notes", "sponsor")


@dataclass(frozen=True)
class _RowReader:
    """Turns one row of a label file into a change, or names what is wrong with it."""

    file: str
    columns: dict[str, str]
    codebook: Codebook
    index: dict[str, list[int]]
    #: Label text as written -> key; a file repeats a handful of texts many times.
    resolved: dict[str, str | None] = field(default_factory=dict)

    def resolve(self, label_text: str) -> str | None:
        if label_text not in self.resolved:
            self.resolved[label_text] = self.codebook.resolve(label_text)
        return self.resolved[label_text]

    def cell(self, row: dict[str, Any], field: str) -> str:
        column = self.columns.get(field)
        return cell_text(row.get(column)) if column else ""

    def problem(self, message: str, number: int, field: str) -> UserError:
        return UserError(message, file=self.file, row=number, column=self.columns[field])

    def change(self, row: dict[str, Any], number: int) -> AnnotationChange | None:
        """None for a row without a label (a half-filled sheet), else the change."""
        label_text = self.cell(row, "label")
        if not label_text.strip():
            return None
        external_id = self.cell(row, "post_id").strip()
        annotator = self.cell(row, "annotator").strip()
        if not external_id:
            raise self.problem("the post id is empty", number, "post_id")
        if not annotator:
            raise self.problem("the annotator is empty", number, "annotator")
        try:
            annotator = clean_name(annotator)
        except UserError as error:
            raise self.problem(error.message, number, "annotator") from None
        key = self.resolve(label_text)
        if key is None:
            raise self.problem(
                f"the label {label_text!r} is not in the codebook "
                f"({', '.join(self.codebook.keys)})",
                number,
                "label",
            )
        post_ids = self.index.get(external_id, [])
        if not post_ids:
            raise self.problem(f"no post has the id {external_id!r}", number, "post_id")
        if len(post_ids) > 1:
            raise self.problem(
                f"the id {external_id!r} exists in several datasets; name one with --dataset",
                number,
                "post_id",
            )
        return AnnotationChange(
            post_id=post_ids[0],
            annotator=annotator,
            label_key=key,
            notes=self.cell(row, "notes"),
            sponsor=self.cell(row, "sponsor").strip(),
        )


def import_labels(
    project: Project, path: Path, *, dataset: str | None = None, fmt: str | None = None
) -> LabelImportReport:
    """Check every row first, then write all labels in one transaction.

    ``post_id`` is the post's external id; when two datasets share an id, name the
    dataset. Label text matches a codebook key or display name, ignoring case.
    """
    table = open_source(path, fmt)
    by_folded = {column.strip().casefold(): column for column in table.columns}
    missing = [name for name in REQUIRED if name not in by_folded]
    if missing:
        raise UserError(
            f"needs the columns {', '.join(REQUIRED)}; missing {', '.join(missing)} "
            f"(the columns are: {', '.join(table.columns)})",
            file=table.file,
            row=1,
        )
    columns = {name: by_folded[name] for name in (*REQUIRED, *OPTIONAL) if name in by_folded}
    report = LabelImportReport(file=table.file)
    with project.session() as session:
        index = external_id_index(session, dataset)
        if dataset is not None and not index:
            raise UserError(f"the project has no dataset {dataset!r} (or it is empty)")
        reader = _RowReader(table.file, columns, load_codebook(session), index)
        changes: list[AnnotationChange] = []
        for chunk in table.chunks(10_000):
            values = {column: chunk.values(column) for column in columns.values()}
            for position, number in enumerate(chunk.row_numbers):
                row = {column: cells[position] for column, cells in values.items()}
                change = reader.change(row, number)
                if change is None:
                    report.blank_skipped += 1
                else:
                    changes.append(change)
        _check_no_conflicts(changes, table.file)
        for outcome in apply_annotation_changes(session, changes).each:
            report.record(outcome)
        people = {name_key(change.annotator): change.annotator for change in changes}
        report.annotators = sorted(people.values())
    return report


def _check_no_conflicts(changes: list[AnnotationChange], file: str) -> None:
    """One annotator labeling one post twice with different labels is a mistake, not a
    change; ``Ana`` and ``ana`` are one annotator."""
    seen: dict[tuple[int, str], str | None] = {}
    for change in changes:
        key = (change.post_id, name_key(change.annotator))
        if key in seen and seen[key] != change.label_key:
            raise UserError(
                f"{change.annotator} labels the same post twice with different labels "
                f"({seen[key]} and {change.label_key})",
                file=file,
            )
        seen[key] = change.label_key
