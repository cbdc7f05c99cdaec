"""The figures of the Review tab: headline agreement, agreement per label, the pairwise
kappa heatmap and the confusion matrix of two annotators; all text shown as plain text."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.agreement import Estimate
from annotator.domain.codebook import Codebook
from annotator.services.review.agreement_report import AgreementReport, landis_koch
from annotator.ui.browse.browse_model import plain_tooltip
from annotator.ui.label_chips import chip_icon, label_colour, short_names
from annotator.ui.look import plain_label

CAVEAT = "Bands after Landis and Koch (1977) are conventions, not thresholds of truth."
RARE_WARNING = "⚠ rare"
RARE_TIP = "Under 5% of all labels: a few posts move kappa and alpha a lot."
#: Kappa from fewer posts than this is marked (hatched, grey) as too few to trust.
SMALL_N = 10
SMALL_N_BRUSH = QBrush(QColor("#9e9e9e"), Qt.BrushStyle.BDiagPattern)
#: The heatmap runs from this colour (kappa 0 or below) to the app's dark blue (kappa 1).
LOW_COLOUR, HIGH_COLOUR = QColor("#f1f5fa"), QColor("#1f3a5f")
UNDEFINED_COLOUR = QColor("#e6e6e6")


def format_estimate(estimate: Estimate) -> str:
    """Three decimals, or "n/a" when the figure is undefined (its reason is shown apart)."""
    return "n/a" if estimate.value is None else f"{estimate.value:.3f}"


def band_text(estimate: Estimate) -> str:
    """The Landis and Koch words, or why there is no value."""
    if estimate.value is None:
        return estimate.reason or "undefined"
    return landis_koch(estimate.value)


def shade(value: float | None) -> tuple[QColor, QColor]:
    """(background, text) colours for a kappa or a share in [0, 1]; None is grey."""
    if value is None:
        return UNDEFINED_COLOUR, QColor("#555555")
    t = min(1.0, max(0.0, value))
    background = QColor.fromRgbF(
        LOW_COLOUR.redF() + (HIGH_COLOUR.redF() - LOW_COLOUR.redF()) * t,
        LOW_COLOUR.greenF() + (HIGH_COLOUR.greenF() - LOW_COLOUR.greenF()) * t,
        LOW_COLOUR.blueF() + (HIGH_COLOUR.blueF() - LOW_COLOUR.blueF()) * t,
    )
    return background, QColor("white") if t > 0.5 else QColor("#1d1d1d")


def section(title: str, content: QWidget, name: str, note: str = "") -> QGroupBox:
    """A titled box around one figure, with an optional note under it."""
    box = QGroupBox(title)
    box.setObjectName(name)
    layout = QVBoxLayout(box)
    layout.addWidget(content)
    if note:
        caption = plain_label("reviewNote", note)
        caption.setWordWrap(True)
        layout.addWidget(caption)
    layout.addStretch(1)
    return box


def table_item(text: str, *, tip: str = "", align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if tip:
        item.setToolTip(plain_tooltip(tip))
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def read_only_table(table: QTableWidget, name: str) -> QTableWidget:
    """A table to read, not to edit or select in; rows a line tall."""
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setWordWrap(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 12)
    return table


def fit_height(table: QTableWidget) -> None:
    """No inner scroll bar for a few rows: the table is as tall as its rows."""
    header = table.horizontalHeader().sizeHint().height() if table.horizontalHeader() else 0
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(header + rows + 2 * table.frameWidth() + 2)


class HeadlineBox(QWidget):
    """Posts, annotators and gold counted; percent agreement, Fleiss' kappa and Krippendorff's
    alpha with its bootstrap interval and the Landis and Koch words; alpha per question."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts = plain_label("reviewCounts")
        self.counts.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(6)
        self.values: dict[str, QLabel] = {}
        self.bands: dict[str, QLabel] = {}
        self.alpha_ci = plain_label("reviewInterval")
        self.caveat = plain_label("reviewCaveat", CAVEAT)
        self.caveat.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.counts)
        layout.addLayout(self.grid)
        layout.addWidget(self.caveat)
        layout.addStretch(1)

    def set_report(self, report: AgreementReport) -> None:
        self.counts.setText(
            f"{report.items:,} labeled posts, {report.items_multi:,} of them pairable "
            f"(two or more labels)\n{len(report.annotators)} annotators  ·  "
            f"{report.gold:,} gold labels"
        )
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.alpha_ci:
                widget.setParent(None)
                widget.deleteLater()
        self.values.clear()
        self.bands.clear()
        ci = report.alpha_ci
        self.alpha_ci.setText(f"95% CI [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")
        self.alpha_ci.setToolTip("Bootstrap over posts, 1,000 resamples")
        rows: list[tuple[str, str, Estimate, str]] = [
            ("percent", "Percent agreement", report.percent_agreement, "not corrected for chance"),
            ("fleiss", "Fleiss' kappa", report.fleiss, ""),
            ("alpha", "Krippendorff's alpha", report.alpha, ""),
        ]
        rows += [
            (f"question:{name}", f"alpha, {name}", estimate, "")
            for name, estimate in report.questions.items()
        ]
        for row, (key, title, estimate, note) in enumerate(rows):
            name = plain_label("reviewFigureName", title)
            value = plain_label("reviewFigure", format_estimate(estimate))
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            words = note if (note and estimate.value is not None) else band_text(estimate)
            band = plain_label("reviewBand", words)
            # Wraps at a large font rather than pushing the interval out of sight.
            band.setWordWrap(True)
            band.setProperty("undefined", estimate.value is None)
            if estimate.n is not None:
                value.setToolTip(f"n = {estimate.n:,} posts")
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(value, row, 1)
            if key == "alpha":
                self.grid.addWidget(self.alpha_ci, row, 2)
            self.grid.addWidget(band, row, 3)
            self.values[key], self.bands[key] = value, band
        self.grid.setColumnStretch(3, 1)


class LabelAgreementTable(QTableWidget):
    """Per label: how often it was given, its share, specific agreement and alpha against
    every other label, with a visible warning on rare labels."""

    #: On two lines, so the table fits beside the headline or in a narrow window.
    HEADERS = ("Label", "Count", "Share", "Specific\nagreement", "Alpha\nvs rest", "Note")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        read_only_table(self, "reviewLabels")
        self.verticalHeader().hide()
        self.setColumnCount(len(self.HEADERS))
        self.setHorizontalHeaderLabels(list(self.HEADERS))
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def set_report(self, report: AgreementReport) -> None:
        self.setRowCount(len(report.labels))
        for row, (key, agreement) in enumerate(report.labels.items()):
            label = report.codebook.get(key)
            share = f"{agreement.share:.1%}" if agreement.share is not None else "n/a"
            name = table_item(label.display_name if label else key, tip=key)
            name.setIcon(chip_icon(label_colour(report.codebook, key)))
            cells = [
                name,
                table_item(f"{agreement.count:,}", align_right=True),
                table_item(share, align_right=True),
                _estimate_item(agreement.specific_agreement),
                _estimate_item(agreement.alpha),
                table_item(RARE_WARNING if agreement.rare else ""),
            ]
            if agreement.rare:
                cells[-1].setForeground(QColor("#8a4b00"))
                cells[-1].setToolTip(RARE_TIP)
            for column, cell in enumerate(cells):
                self.setItem(row, column, cell)
        fit_height(self)


def _estimate_item(estimate: Estimate) -> QTableWidgetItem:
    if estimate.value is None:
        tip = estimate.reason or ""
    else:
        tip = f"n = {estimate.n:,}" if estimate.n is not None else ""
    return table_item(format_estimate(estimate), tip=tip, align_right=True)


class KappaHeatmap(QTableWidget):
    """Cohen's kappa of every pair of annotators, darker for higher agreement; "—" on the
    diagonal and the number of posts both labeled in each tool tip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        read_only_table(self, "kappaHeatmap")
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setHighlightSections(False)
        self.horizontalHeader().setDefaultSectionSize(
            self.fontMetrics().horizontalAdvance("0.000") + 34
        )
        # Two lines: kappa, and the number of posts both labeled.
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() * 2 + 12)

    def set_report(self, report: AgreementReport) -> None:
        names = report.annotators
        self.clear()
        self.setRowCount(len(names))
        self.setColumnCount(len(names))
        self.setHorizontalHeaderLabels(names)
        self.setVerticalHeaderLabels(names)
        bold = QFont(self.font())
        bold.setBold(True)
        for row, first in enumerate(names):
            for column, second in enumerate(names):
                if row == column:
                    item = table_item("—")
                    item.setBackground(QColor("#ffffff"))
                else:
                    pair = (first, second) if (first, second) in report.cohen else (second, first)
                    kappa = report.cohen.get(pair, Estimate.undefined("not computed"))
                    item = _kappa_item(kappa, bold)
                    item.setToolTip(
                        plain_tooltip(
                            f"{first} × {second}: Cohen's kappa {format_estimate(kappa)}"
                            + (f" ({band_text(kappa)})" if kappa.value is not None else "")
                            + f"\nn = {kappa.n or 0:,} posts both labeled"
                            + (SMALL_N_NOTE if (kappa.n or 0) < SMALL_N else "")
                            + (f"\n{kappa.reason}" if kappa.value is None and kappa.reason else "")
                        )
                    )
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.setItem(row, column, item)
        self.setVisible(bool(names))
        self._fit()

    def _fit(self) -> None:
        """As large as its cells (scroll bars only beyond ~8 annotators)."""
        width = self.verticalHeader().sizeHint().width() + sum(
            self.columnWidth(c) for c in range(self.columnCount())
        )
        height = self.horizontalHeader().sizeHint().height() + sum(
            self.rowHeight(r) for r in range(self.rowCount())
        )
        frame = 2 * self.frameWidth() + 2
        self.setFixedSize(min(width + frame, 520), min(height + frame, 320))


SMALL_N_NOTE = f"\nFewer than {SMALL_N} posts: too few for a kappa to mean much."


def _kappa_item(kappa: Estimate, bold: QFont) -> QTableWidgetItem:
    """Kappa over its n; shaded by kappa, or hatched grey when n is too small to trust."""
    n = kappa.n or 0
    item = table_item(f"{format_estimate(kappa)}\nn = {n:,}")
    background, foreground = shade(kappa.value)
    if n < SMALL_N:
        item.setBackground(SMALL_N_BRUSH)
        item.setForeground(QColor("#555555"))
    else:
        item.setBackground(background)
        item.setForeground(foreground)
        if kappa.value is not None:
            item.setFont(bold)
    return item


def confusion_between(report: AgreementReport, rows: str, columns: str) -> list[list[int]] | None:
    """Rows: ``rows``' labels, columns: ``columns``' labels; the stored matrix of the pair in
    alphabetical order, transposed when asked the other way round; None for one annotator."""
    if (rows, columns) in report.confusion:
        return report.confusion[(rows, columns)]
    stored = report.confusion.get((columns, rows))
    if stored is None:
        return None
    return [list(line) for line in zip(*stored, strict=True)]


class ConfusionMatrixView(QWidget):
    """Two annotator pickers and their confusion matrix, shaded by count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: AgreementReport | None = None
        self.first = QComboBox()
        self.first.setObjectName("confusionRows")
        self.first.setAccessibleName("Confusion matrix rows: annotator")
        self.second = QComboBox()
        self.second.setObjectName("confusionColumns")
        self.second.setAccessibleName("Confusion matrix columns: annotator")
        for combo in (self.first, self.second):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._show)
        pickers = QHBoxLayout()
        pickers.addWidget(plain_label("", "Rows"))
        pickers.addWidget(self.first)
        pickers.addSpacing(8)
        pickers.addWidget(plain_label("", "Columns"))
        pickers.addWidget(self.second)
        pickers.addStretch(1)
        self.caption = plain_label("confusionCaption")
        self.caption.setWordWrap(True)
        self.legend = plain_label("confusionLegend")
        self.legend.setWordWrap(True)
        self.table = read_only_table(QTableWidget(), "confusionMatrix")
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setHighlightSections(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(pickers)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, stretch=1)
        layout.addWidget(self.legend)

    def set_report(self, report: AgreementReport) -> None:
        self.report = report
        names = report.annotators
        chosen = (self.first.currentText(), self.second.currentText())
        for combo, wanted, fallback in (
            (self.first, chosen[0], 0),
            (self.second, chosen[1], 1),
        ):
            blocked = combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            index = names.index(wanted) if wanted in names else min(fallback, len(names) - 1)
            combo.setCurrentIndex(index)
            combo.blockSignals(blocked)
        self._show()

    def choose(self, rows: str, columns: str) -> None:
        """Pick the two annotators (as a user would in the combo boxes)."""
        self.first.setCurrentText(rows)
        self.second.setCurrentText(columns)

    def _show(self) -> None:
        report = self.report
        self.table.clear()
        if report is None:
            return
        rows, columns = self.first.currentText(), self.second.currentText()
        matrix = confusion_between(report, rows, columns) if rows != columns else None
        if matrix is None:
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.legend.clear()
            self.caption.setText(
                "Pick two different annotators."
                if len(report.annotators) >= 2
                else "A confusion matrix needs two annotators."
            )
            return
        codebook = report.codebook
        names = [label.display_name for label in codebook.labels]
        both = sum(sum(line) for line in matrix)
        self.caption.setText(
            f"Rows: {rows}'s labels  ·  columns: {columns}'s labels  ·  {both:,} posts both labeled"
        )
        self.legend.setText(
            fill_confusion(
                self.table,
                codebook,
                [label.key for label in codebook.labels],
                matrix,
                lambda i, j, count: f"{rows}: {names[i]}\n{columns}: {names[j]}\n{count:,} posts",
            )
        )


def fill_confusion(
    table: QTableWidget,
    codebook: Codebook,
    keys: list[str],
    matrix: list[list[int]],
    tip: Callable[[int, int, int], str],
) -> str:
    """A square matrix over the labels ``keys``, shaded by count, the diagonal bold, headed
    by short colour-coded names ("NS") so it fits; returns the legend of those names.
    Shared by annotator-vs-annotator (Agreement) and label-vs-model (Model) matrices."""
    table.clear()
    table.setRowCount(len(keys))
    table.setColumnCount(len(keys))
    short = short_names(codebook)
    shown = {key: short.get(key, key) for key in keys}
    for place, key in enumerate(keys):
        label = codebook.get(key)
        for header_item, setter in (
            (QTableWidgetItem(shown[key]), table.setHorizontalHeaderItem),
            (QTableWidgetItem(shown[key]), table.setVerticalHeaderItem),
        ):
            header_item.setIcon(chip_icon(label_colour(codebook, key)))
            header_item.setToolTip(plain_tooltip(label.display_name if label else key))
            setter(place, header_item)
    largest = max((max(line) for line in matrix), default=0)
    bold = QFont(table.font())
    bold.setBold(True)
    for i, line in enumerate(matrix):
        for j, count in enumerate(line):
            item = table_item(f"{count:,}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            background, foreground = shade(count / largest if largest else 0.0)
            item.setBackground(background)
            item.setForeground(foreground)
            item.setToolTip(plain_tooltip(tip(i, j, count)))
            if i == j:
                item.setFont(bold)
            table.setItem(i, j, item)
    fit_height(table)
    return "  ·  ".join(
        f"{shown[key]} {label.display_name if (label := codebook.get(key)) else key}"
        for key in keys
    )
