"""The xlsx workbook a lead would otherwise build by hand: Posts (or Annotations, or
Training) with frozen header, filter, widths, wrapped text and coloured labels, plus
Agreement, Codebook and a native bar chart of the label distribution.

openpyxl in write-only mode, so a million rows stream through; every text cell is
written as a string, never as a formula or hyperlink. Excel holds at most 32,767 characters
in a cell and openpyxl cuts longer text without a word: the writer names the posts it cut
(``truncated_ids``) so the summary and the manifest can say so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from annotator.domain.agreement import Estimate
from annotator.domain.codebook import Codebook
from annotator.services.review.agreement_report import AgreementReport, landis_koch

#: Excel's limit: rows per sheet, header included.
EXCEL_MAX_ROWS = 1_048_576
#: Excel's limit: characters per cell (openpyxl cuts longer text to this).
EXCEL_MAX_CHARS = 32_767
#: How many cut posts a warning names before "and N more".
NAMED_CUTS = 10
PALETTE = ("C6EFCE", "BDD7EE", "F8CBAD", "FFE699", "D9D2E9", "E2EFDA", "FCE4D6", "DDEBF7")
WIDTHS = {"text": 70, "id": 22, "dataset": 14, "author": 18, "url": 28, "notes": 40,
          "gold_note": 40}  # fmt: skip
#: Columns whose cells wrap: the long texts a reader reads.
WRAPPED = ("text", "notes", "gold_note")
#: Bootstrap resamples for the Agreement sheet's alpha interval (``stats`` takes 1,000;
#: an export should not wait for them).
AGREEMENT_RESAMPLES = 200
#: How the Agreement sheet shows a statistic: a number to three decimals, still a number.
STATISTIC_FORMAT = "0.000"
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def xlsx_text(text: str) -> str:
    """Text as Excel stores it, losslessly: XML cannot hold control characters or a bare
    carriage return, so they become Excel's ``_xHHHH_`` escapes (and a literal
    ``_xHHHH_`` in a post is protected as ``_x005F_xHHHH_``), which Excel and calamine
    turn back into the original characters."""
    text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    escaped: str = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return escaped.replace("\r", "_x000D_")


def _cell(sheet: Any, value: Any, *, fill: PatternFill | None = None, bold: bool = False,
          wrap: bool = False) -> WriteOnlyCell:  # fmt: skip
    """A cell whose text is always text: never a formula, never a link."""
    if isinstance(value, float) and value != value:
        value = None
    if isinstance(value, list):
        value = " | ".join(str(v) for v in value)
    if value is None or isinstance(value, bool | int | float):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        cell = WriteOnlyCell(sheet, value=xlsx_text(str(value)))
        cell.data_type = "s"
    if fill is not None:
        cell.fill = fill
    if bold:
        cell.font = BOLD
    if wrap:
        cell.alignment = WRAP
    return cell


def _plain(value: Any) -> bool:
    """Values openpyxl writes as they are: numbers, None, and text that it will not
    read as a formula and that needs no escaping."""
    if value is None or isinstance(value, bool | int):
        return True
    if isinstance(value, float):
        return value == value
    return (
        isinstance(value, str)
        and len(value) <= EXCEL_MAX_CHARS
        and not value.startswith("=")
        and "_x" not in value
        and "\r" not in value
        and ILLEGAL_CHARACTERS_RE.search(value) is None
    )


def truncation_warning(ids: list[str]) -> str:
    """One sentence naming the posts cut to Excel's cell limit (the first few by id)."""
    named = ", ".join(ids[:NAMED_CUTS])
    more = f" and {len(ids) - NAMED_CUTS:,} more" if len(ids) > NAMED_CUTS else ""
    posts = "1 post is" if len(ids) == 1 else f"{len(ids):,} posts are"
    return (
        f"{posts} longer than an Excel cell holds ({EXCEL_MAX_CHARS:,} characters) and "
        f"cut in the xlsx: {named}{more}; export to CSV, JSON Lines or Parquet for the whole text"
    )


class WorkbookWriter:
    """Main data sheets (continuing on "Posts (2)" past Excel's row limit), then the
    summary sheets on ``close``."""

    def __init__(
        self,
        path: Path,
        columns: list[str],
        *,
        sheet_name: str,
        codebook: Codebook,
        report: AgreementReport | None,
        max_rows: int = EXCEL_MAX_ROWS,
    ) -> None:
        self.path = path
        self.columns = columns
        self.rows = 0
        self.sheet_name = sheet_name
        self.codebook = codebook
        self.report = report
        self.max_rows = max_rows
        self.warnings: list[str] = []
        self.sheets_written: list[str] = []
        self._workbook = Workbook(write_only=True)
        self._fills = {
            key: PatternFill("solid", fgColor=PALETTE[i % len(PALETTE)])
            for i, key in enumerate(codebook.keys)
        }
        self._sheet: Any = None
        self._sheet_rows = 0
        self._parts = 0
        self._counting = True
        self._label_counts = dict.fromkeys(codebook.keys, 0)
        self._styles: dict[tuple[str | None, bool], Any] = {}
        #: Posts with a cell cut to EXCEL_MAX_CHARS, by (dataset, id), in order met.
        self._cut: dict[tuple[str, str], None] = {}
        self._row_cut = False
        self._set_columns(columns)

    def _styled(self, value: Any, fill_key: str | None, wrap: bool) -> Cell:
        """A data cell with a fill and/or wrapping, its style built once per kind.

        Setting ``cell.fill``/``cell.alignment`` looks the style up in the workbook's
        tables on every cell, which was a fifth of a million-row export; a cell made
        from a ready style array (``Cell(style_array=...)``) skips that."""
        key = (fill_key, wrap)
        style = self._styles.get(key)
        if style is None:
            fill = self._fills.get(fill_key) if fill_key is not None else None
            style = self._styles[key] = _cell(self._sheet, None, fill=fill, wrap=wrap)._style
        if isinstance(value, float) and value != value:
            value = None
        if isinstance(value, list):
            value = " | ".join(str(v) for v in value)
        if value is None or isinstance(value, bool | int | float):
            return Cell(self._sheet, row=1, column=1, value=value, style_array=style)
        stored = xlsx_text(str(value))
        if len(stored) > EXCEL_MAX_CHARS:
            self._row_cut = True
        cell = Cell(self._sheet, row=1, column=1, value=stored, style_array=style)
        cell.data_type = "s"
        return cell

    def _set_columns(self, columns: list[str]) -> None:
        self.columns = columns
        self._label_columns = {
            i for i, c in enumerate(columns) if c.startswith("label") or c.endswith("_label")
        }
        self._wrap_columns = {i for i, c in enumerate(columns) if c in WRAPPED}
        self._id_column = columns.index("id") if "id" in columns else None
        self._dataset_column = columns.index("dataset") if "dataset" in columns else None

    @property
    def truncated_ids(self) -> list[str]:
        """The ids of the posts whose text (or another cell) was cut to fit Excel."""
        return [external_id for _, external_id in self._cut]

    def _note_cut(self, row: tuple[Any, ...]) -> None:
        """Remember the post of a row that had a cell cut."""
        self._row_cut = False
        if self._id_column is None:
            return
        dataset = "" if self._dataset_column is None else str(row[self._dataset_column])
        self._cut[(dataset, str(row[self._id_column]))] = None

    def begin_table(self, sheet_name: str, columns: list[str]) -> None:
        """Further frames go to a new sheet (e.g. Annotations after Posts)."""
        if self._sheet is not None:
            self._finish_sheet()
        self._sheet = None
        self._parts = 0
        self._counting = False
        self.sheet_name = sheet_name
        self._set_columns(columns)

    def _new_sheet(self) -> None:
        if self._sheet is not None:
            self._finish_sheet()
        self._parts += 1
        name = self.sheet_name if self._parts == 1 else f"{self.sheet_name} ({self._parts})"
        sheet = self._workbook.create_sheet(name)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(self.columns, start=1):
            width = WIDTHS.get(column, 22 if column.startswith("label") else 16)
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.append([_cell(sheet, c, bold=True) for c in self.columns])
        self._sheet = sheet
        self._sheet_rows = 1
        self.sheets_written.append(name)

    def _finish_sheet(self) -> None:
        last = get_column_letter(max(len(self.columns), 1))
        self._sheet.auto_filter.ref = f"A1:{last}{self._sheet_rows}"

    def write(self, frame: pd.DataFrame) -> None:
        if self._sheet is None:
            self._new_sheet()
        counted = (
            {i for i, c in enumerate(self.columns) if c in ("resolved_label", "label")}
            if self._counting
            else set()
        )
        fills = self._fills
        for row in frame.itertuples(index=False, name=None):
            if self._sheet_rows >= self.max_rows:
                self._new_sheet()
            cells: list[Any] = []
            for index, value in enumerate(row):
                fill_key = (
                    value
                    if index in self._label_columns and isinstance(value, str) and value in fills
                    else None
                )
                if fill_key is not None and index in counted:
                    self._label_counts[fill_key] += 1
                wrap = index in self._wrap_columns
                if fill_key is None and not wrap and _plain(value):
                    # Most cells need no style and cannot be taken for a formula: pass the
                    # value as it is (a styled cell object costs several times more).
                    cells.append(value)
                else:
                    cells.append(self._styled(value, fill_key, wrap))
            if self._row_cut:
                self._note_cut(row)
            self._sheet.append(cells)
            self._sheet_rows += 1
            if self._counting:
                self.rows += 1

    def close(self) -> None:
        if self._sheet is None:
            self._new_sheet()
        self._finish_sheet()
        overflow = [name for name in self.sheets_written if name.endswith(")")]
        if overflow:
            self.warnings.append(
                "more rows than one Excel sheet holds (1,048,576); they continue on "
                + ", ".join(overflow)
            )
        if self._cut:
            self.warnings.append(truncation_warning(self.truncated_ids))
        self._agreement_sheet()
        self._codebook_sheet()
        self._workbook.save(self.path)

    def _agreement_sheet(self) -> None:
        sheet = self._workbook.create_sheet("Agreement")
        sheet.column_dimensions["A"].width = 40
        sheet.column_dimensions["B"].width = 16
        sheet.column_dimensions["C"].width = 60
        rows = self._agreement_rows()
        sheet.append([_cell(sheet, h, bold=True) for h in ("Measure", "Value", "Note")])
        for measure, value, note in rows:
            number = _cell(sheet, value)
            if isinstance(value, float):
                number.number_format = STATISTIC_FORMAT
            sheet.append([_cell(sheet, measure), number, _cell(sheet, note)])
        # The label distribution of this export, with a native Excel bar chart over it.
        sheet.append([])
        start = len(rows) + 3
        sheet.append([_cell(sheet, "Label", bold=True), _cell(sheet, "Posts", bold=True)])
        for key, count in self._label_counts.items():
            label = self.codebook.get(key)
            sheet.append([_cell(sheet, label.display_name if label else key), count])
        chart = BarChart()
        chart.title = "Label distribution"
        chart.y_axis.title = "Posts"
        data = Reference(sheet, min_col=2, min_row=start, max_row=start + len(self._label_counts))
        names = Reference(
            sheet, min_col=1, min_row=start + 1, max_row=start + len(self._label_counts)
        )
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(names)
        sheet.add_chart(chart, "E2")

    def _agreement_rows(self) -> list[tuple[str, Any, str]]:
        """(measure, value, note) rows. A Landis and Koch band only for the statistics
        corrected for chance (kappa, alpha): raw agreement is high by chance alone when one
        label dominates. Labels by their display names."""
        report = self.report
        if report is None:
            return []

        def value(estimate: Estimate) -> float | None:
            return None if estimate.value is None else float(estimate.value)

        def banded(estimate: Estimate, *more: str) -> str:
            words = estimate.reason or landis_koch(estimate.value)
            return "; ".join(w for w in (words, *more) if w)

        def name(key: str) -> str:
            label = self.codebook.get(key)
            return label.display_name if label else key

        rows: list[tuple[str, Any, str]] = [
            ("Labeled posts", report.items, ""),
            ("Posts with two or more labels", report.items_multi, ""),
            ("Annotators", len(report.annotators), ", ".join(report.annotators)),
            (
                "Percent agreement",
                value(report.percent_agreement),
                report.percent_agreement.reason
                or "share of agreeing pairs of labels; not corrected for chance",
            ),
            ("Fleiss' kappa", value(report.fleiss), banded(report.fleiss)),
            ("Krippendorff's alpha", value(report.alpha), banded(report.alpha)),
        ]
        if report.alpha_ci:
            rows.append(
                (
                    "alpha 95% CI low",
                    float(report.alpha_ci[0]),
                    f"bootstrap, {AGREEMENT_RESAMPLES:,} resamples of posts",
                )
            )
            rows.append(("alpha 95% CI high", float(report.alpha_ci[1]), ""))
        for question, estimate in report.questions.items():
            rows.append((f"alpha, {question}", value(estimate), banded(estimate)))
        for (a, b), kappa in report.cohen.items():
            rows.append((f"Cohen's kappa {a} × {b}", value(kappa), banded(kappa, f"n={kappa.n}")))
        for key, label in report.labels.items():
            rare = "rare (under 5% of labels): unstable" if label.rare else ""
            share = f"{label.share:.1%}" if label.share is not None else "n/a"
            rows.append(
                (
                    f"Specific agreement: {name(key)}",
                    value(label.specific_agreement),
                    label.specific_agreement.reason
                    or f"{label.count:,} label{'' if label.count == 1 else 's'} ({share});"
                    " not corrected for chance",
                )
            )
            rows.append((f"alpha vs the rest: {name(key)}", value(label.alpha),
                         banded(label.alpha, rare)))  # fmt: skip
        rows.append(("Gold labels", report.gold, ""))
        rows.append(
            (
                "",
                None,
                "Bands after Landis and Koch (1977), for kappa and alpha only; "
                "they are conventions, not thresholds of truth.",
            )
        )
        return rows

    def _codebook_sheet(self) -> None:
        sheet = self._workbook.create_sheet("Codebook")
        for letter, width in zip("ABCDE", (26, 26, 90, 10, 10), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.append(
            [_cell(sheet, h, bold=True) for h in ("Key", "Name", "Definition", "Key press", "Id")]
        )
        for index, label in enumerate(self.codebook.labels):
            sheet.append(
                [
                    _cell(sheet, label.key, fill=self._fills[label.key]),
                    _cell(sheet, label.display_name),
                    _cell(sheet, label.description, wrap=True),
                    _cell(sheet, label.shortcut),
                    index,
                ]
            )
