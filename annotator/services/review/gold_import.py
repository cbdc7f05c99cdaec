"""Gold decisions from a spreadsheet: many leads adjudicate in Excel, not in the Review tab.

The file holds a post id, a label and optionally a note per row (CSV or xlsx, read by the
same readers as ``import``). The xlsx export's Posts sheet goes straight back in once a
lead fills its ``gold_label`` column: its ``id``, ``dataset``, ``gold_label`` and
``gold_note`` columns are recognised. Every row is checked before anything is written;
the decisions then land in one transaction, each with its history event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.services.imports.column_mapping import normalise_column_name
from annotator.services.imports.sources import SourceTable, cell_text, open_source
from annotator.services.review.adjudication import GoldDecision, record_gold
from annotator.store.engine import Project
from annotator.store.queries import load_codebook
from annotator.store.tables import Dataset, GoldLabel, Post

#: The history's name for decisions taken in a spreadsheet.
SPREADSHEET_METHOD = "spreadsheet"
#: Accepted column names (ignoring case, spaces and hyphens), in order of preference: a
#: plain three-column file says post_id, label, note; the Posts sheet of an xlsx export
#: says id, gold_label, gold_note (beside annotators' label_* columns, which are not gold).
POST_ID_COLUMNS = ("post_id", "id", "external_id")
LABEL_COLUMNS = ("gold_label", "label", "gold")
NOTE_COLUMNS = ("gold_note", "note", "notes")
DATASET_COLUMN = "dataset"
#: A number a spreadsheet wrote in scientific notation: a long id it rounded.
_ROUNDED = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


@dataclass
class GoldImportReport:
    """What reading a file of gold decisions did."""

    file: str
    decided_by: str
    method: str = SPREADSHEET_METHOD
    decided: int = 0
    unchanged: int = 0
    blank_skipped: int = 0

    def summary(self) -> str:
        decisions = "decision" if self.decided == 1 else "decisions"
        rows = "row" if self.blank_skipped == 1 else "rows"
        return (
            f"{self.decided:,} gold {decisions} recorded from {self.file} (by "
            f"{self.decided_by}, method {self.method}); {self.unchanged:,} already so, "
            f"{self.blank_skipped:,} {rows} without a label skipped."
        )


@dataclass(frozen=True)
class _Columns:
    """The file's columns for each field (``note`` and ``dataset`` may be absent)."""

    post_id: str
    label: str
    note: str | None
    dataset: str | None

    @classmethod
    def of(cls, table: SourceTable) -> _Columns:
        folded = {normalise_column_name(column): column for column in table.columns}

        def first(names: tuple[str, ...]) -> str | None:
            return next((folded[name] for name in names if name in folded), None)

        post_id, label = first(POST_ID_COLUMNS), first(LABEL_COLUMNS)
        if post_id is None or label is None:
            raise UserError(
                f"needs a post id column ({' or '.join(POST_ID_COLUMNS)}) and a label column "
                f"({' or '.join(LABEL_COLUMNS)}); the columns are: {', '.join(table.columns)}",
                file=table.file,
                row=getattr(table, "header_index", 0) + 1,
            )
        return cls(post_id, label, first(NOTE_COLUMNS), folded.get(DATASET_COLUMN))

    def used(self) -> list[str]:
        return [c for c in (self.post_id, self.label, self.note, self.dataset) if c is not None]


@dataclass
class _Posts:
    """The project's posts by external id, with their datasets, to match rows against."""

    by_id: dict[str, list[tuple[str, int]]]
    only: str | None

    @classmethod
    def load(cls, session: Session, dataset: str | None) -> _Posts:
        statement = select(col(Post.external_id), col(Dataset.name), col(Post.id)).join(
            Dataset, col(Dataset.id) == col(Post.dataset_id)
        )
        if dataset is not None:
            statement = statement.where(col(Dataset.name) == dataset)
        by_id: dict[str, list[tuple[str, int]]] = {}
        for external_id, name, post_id in session.exec(statement).all():
            by_id.setdefault(str(external_id), []).append((str(name), int(post_id or 0)))
        if dataset is not None and not by_id:
            raise UserError(f"the project has no dataset {dataset!r} (or it is empty)")
        return cls(by_id, dataset)

    def find(self, external_id: str, dataset: str) -> int | str:
        """The post's id, or what is wrong (a sentence) when no single post matches."""
        found = self.by_id.get(external_id, [])
        if dataset:
            found = [(name, post) for name, post in found if name == dataset]
        if not found:
            where = f" in dataset {dataset or self.only!r}" if dataset or self.only else ""
            hint = (
                "; a spreadsheet rounded it, so format the column as text"
                if _ROUNDED.match(external_id)
                else ""
            )
            return f"no post has the id {external_id!r}{where}{hint}"
        if len(found) > 1:
            names = ", ".join(sorted(name for name, _ in found))
            return (
                f"the id {external_id!r} exists in several datasets ({names}); "
                "name one with --dataset or a dataset column"
            )
        return found[0][1]


def import_gold(
    project: Project,
    path: Path,
    *,
    decided_by: str,
    dataset: str | None = None,
    sheet: str | None = None,
    method: str = SPREADSHEET_METHOD,
) -> GoldImportReport:
    """Record the gold decisions of a file: all of them, or none with the row named.

    ``post_id`` is the post's external id (a ``dataset`` column or ``dataset`` picks among
    datasets sharing ids); the label matches a key or display name ignoring case; blank
    label cells are skipped, so a half-filled sheet works; a row repeating the current gold
    decision records nothing (an exported sheet carries the decisions already taken)."""
    table = open_source(path, sheet=sheet)
    columns = _Columns.of(table)
    report = GoldImportReport(file=table.file, decided_by=decided_by, method=method)
    with project.session() as session:
        reader = _RowReader(
            table.file,
            columns,
            load_codebook(session),
            _Posts.load(session, dataset),
            decided_by,
            method,
        )
        decisions: dict[int, tuple[int, GoldDecision]] = {}
        for chunk in table.chunks(10_000):
            values = {c: chunk.values(c) for c in columns.used()}
            for position, number in enumerate(chunk.row_numbers):
                decision = reader.decision(
                    {c: cells[position] for c, cells in values.items()}, number
                )
                if decision is None:
                    report.blank_skipped += 1
                    continue
                earlier = decisions.setdefault(decision.post_id, (number, decision))
                if (earlier[1].label_key, earlier[1].notes) != (decision.label_key, decision.notes):
                    raise UserError(
                        f"the post already has a different gold decision in row {earlier[0]}",
                        file=table.file,
                        row=number,
                        column=columns.label,
                    )
        current = _current_gold(session)
        changed = [
            decision
            for _, decision in decisions.values()
            if not _already(current.get(decision.post_id), decision, with_note=bool(columns.note))
        ]
        record_gold(session, changed)
    report.decided = len(changed)
    report.unchanged = len(decisions) - len(changed)
    return report


def _current_gold(session: Session) -> dict[int, tuple[str, str]]:
    statement = select(col(GoldLabel.post_id), col(GoldLabel.label_key), col(GoldLabel.notes))
    return {int(post): (str(key), str(notes or "")) for post, key, notes in session.exec(statement)}


def _already(before: tuple[str, str] | None, decision: GoldDecision, *, with_note: bool) -> bool:
    """Whether the post's gold is this decision already (its note too, when the file has
    notes): then recording it again would only bury who decided it first."""
    if before is None or before[0] != decision.label_key:
        return False
    return not with_note or before[1] == decision.notes


@dataclass(frozen=True)
class _RowReader:
    """Turns one row into a gold decision, or names what is wrong with it."""

    file: str
    columns: _Columns
    codebook: Codebook
    posts: _Posts
    decided_by: str
    method: str

    def cell(self, row: dict[str, Any], column: str | None) -> str:
        return cell_text(row.get(column)).strip() if column else ""

    def problem(self, message: str, number: int, column: str | None) -> UserError:
        return UserError(message, file=self.file, row=number, column=column)

    def decision(self, row: dict[str, Any], number: int) -> GoldDecision | None:
        """None for a row without a label (a half-filled sheet), else its decision."""
        columns = self.columns
        label_text = self.cell(row, columns.label)
        if not label_text:
            return None
        external_id = self.cell(row, columns.post_id)
        if not external_id:
            raise self.problem("the post id is empty", number, columns.post_id)
        key = self.codebook.resolve(label_text)
        if key is None:
            names = ", ".join(repr(label.display_name) for label in self.codebook.labels)
            raise self.problem(
                f"the label {label_text!r} is not in the codebook (choose one of {names})",
                number,
                columns.label,
            )
        dataset = self.cell(row, columns.dataset)
        if dataset and self.posts.only is not None and dataset != self.posts.only:
            raise self.problem(
                f"the row is in dataset {dataset!r}, not {self.posts.only!r} (--dataset)",
                number,
                columns.dataset,
            )
        found = self.posts.find(external_id, dataset)
        if isinstance(found, str):
            raise self.problem(found, number, columns.post_id)
        return GoldDecision(found, key, self.decided_by, self.cell(row, columns.note), self.method)
