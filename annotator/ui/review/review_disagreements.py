"""The posts annotators disagree on: each annotator's label and the gold label, in a table
from which a post is opened for adjudication."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook
from annotator.domain.progress import CancelToken
from annotator.domain.queue_modes import QueueMode
from annotator.services.labeling.browsing import browse_rows, count_rows
from annotator.services.project.projects import Project
from annotator.services.review.adjudication import labels_and_gold
from annotator.ui.browse.browse_model import TEXT_LIMIT, plain_tooltip, single_line
from annotator.ui.browse.browse_panel import BrowseTableView
from annotator.ui.label_chips import CHIP_COLOUR_ROLE, ChipDelegate, label_colour, short_names
from annotator.ui.look import plain_label
from annotator.ui.table_flags import read_only_flags
from annotator.ui.table_headers import horizontal_header

#: At most this many disagreements are listed (the count says how many there are).
MAX_ROWS = 5000
PAGE_SIZE = 500
DISAGREEMENTS = QueueMode("disagreements")

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class DisagreementRow:
    """A post annotators disagree on: its text (first 300 characters), who gave which
    label, and the gold label if one was decided."""

    post_id: int
    external_id: str
    text: str
    labels: dict[str, str] = field(default_factory=dict)
    gold: str | None = None


@dataclass(frozen=True)
class Disagreements:
    rows: list[DisagreementRow]
    total: int


def load_disagreements(
    project: Project, cancel: CancelToken, limit: int = MAX_ROWS
) -> Disagreements:
    """Every disagreement (up to ``limit``) with all labels and gold; runs off the GUI thread."""
    total = count_rows(project, DISAGREEMENTS, None)
    rows: list[DisagreementRow] = []
    while len(rows) < min(total, limit):
        cancel.raise_if_cancelled()
        page = browse_rows(
            project, DISAGREEMENTS, None, offset=len(rows), limit=min(PAGE_SIZE, limit - len(rows))
        )
        if not page:
            break
        known = labels_and_gold(project, [post.post_id for post in page])
        for post in page:
            labels, gold = known[post.post_id]
            rows.append(
                DisagreementRow(
                    post_id=post.post_id,
                    external_id=post.external_id,
                    text=post.text,
                    labels=labels,
                    gold=gold,
                )
            )
    return Disagreements(rows, total)


class DisagreementTableModel(QAbstractTableModel):
    """Columns: the post's id, its text, one column per annotator, and the gold label."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DisagreementRow] = []
        self._annotators: list[str] = []
        self._codebook = Codebook()
        self._short: dict[str, str] = {}
        self.total = 0

    def set_data(
        self, codebook: Codebook, annotators: list[str], disagreements: Disagreements
    ) -> None:
        self.beginResetModel()
        self._codebook = codebook
        self._short = short_names(codebook)
        self._annotators = list(annotators)
        self._rows = list(disagreements.rows)
        self.total = disagreements.total
        self.endResetModel()

    def clear(self) -> None:
        self.set_data(Codebook(), [], Disagreements([], 0))

    @property
    def gold_column(self) -> int:
        return 2 + len(self._annotators)

    def post_id(self, row: int) -> int:
        return self._rows[row].post_id

    def row_of(self, post_id: int) -> int | None:
        return next((i for i, row in enumerate(self._rows) if row.post_id == post_id), None)

    def without_gold(self) -> int:
        return sum(1 for row in self._rows if row.gold is None)

    def set_gold(self, post_id: int, key: str | None) -> None:
        row = self.row_of(post_id)
        if row is None:
            return
        self._rows[row] = replace(self._rows[row], gold=key)
        index = self.index(row, self.gold_column)
        self.dataChanged.emit(index, index)

    def next_without_gold(self, after_post_id: int | None) -> int | None:
        """The next listed post with no gold label after ``after_post_id``, wrapping round."""
        start = self.row_of(after_post_id) if after_post_id is not None else None
        first = 0 if start is None else start + 1
        order = self._rows[first:] + self._rows[:first]
        return next(
            (row.post_id for row in order if row.gold is None and row.post_id != after_post_id),
            None,
        )

    def _name(self, key: str | None) -> str:
        if not key:
            return ""
        label = self._codebook.get(key)
        return label.display_name if label is not None else key

    # ----- QAbstractTableModel -------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3 + len(self._annotators)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        post, column = self._rows[index.row()], index.column()
        if not 0 <= column < self.columnCount():
            return None
        annotator = self._annotators[column - 2] if 2 <= column < self.gold_column else None
        key = post.labels.get(annotator) if annotator is not None else None
        if column == self.gold_column:
            key = post.gold
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return post.external_id
            if column == 1:
                return single_line(post.text)
            if key:
                return self._short.get(key, key)
            return "—" if annotator is not None else ""
        if role == CHIP_COLOUR_ROLE:
            return label_colour(self._codebook, key) if key else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return plain_tooltip(post.external_id)  # the column shows its start
            if column == 1 and post.text:
                return plain_tooltip(post.text + ("…" if len(post.text) >= TEXT_LIMIT else ""))
            if annotator is not None:
                given = self._name(post.labels.get(annotator))
                return plain_tooltip(f"{annotator}: {given or 'not labeled'}")
            if column == self.gold_column:
                return plain_tooltip(f"Gold: {self._name(post.gold) or 'none yet'}")
            return None
        missing = annotator is not None and annotator not in post.labels
        if role == Qt.ItemDataRole.ForegroundRole and missing:
            return QColor("#888888")
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        titles = ("ID", "Text", *self._annotators, "Gold")
        tips = (
            "The post's id in its dataset",
            "The post's text",
            *(f"{name}'s label" for name in self._annotators),
            "The gold label, once decided",
        )
        return horizontal_header(titles, section, orientation, role, tooltips=tips)

    def short_names(self) -> list[str]:
        return list(self._short.values())

    def legend(self) -> str:
        """What the short label names stand for, in codebook order."""
        return "  ·  ".join(
            f"{self._short[label.key]} {label.display_name}" for label in self._codebook.labels
        )

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return read_only_flags(index)


class DisagreementList(QWidget):
    """Count and pre-fill button above the table; selecting a post shows it, Enter or a
    double-click opens it for adjudication."""

    #: The selected post changed (show it).
    post_selected = Signal(int)
    #: Enter or double-click on a post (show it and take the keys there).
    post_activated = Signal(int)
    prefill_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DisagreementTableModel(self)
        self.count = plain_label("disagreementCount")
        self.count.setWordWrap(True)
        self.prefill = QPushButton("Pre-fill gold for unanimous posts…")
        self.prefill.setObjectName("prefillGold")
        self.prefill.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.prefill.setAccessibleName("Pre-fill gold for unanimous posts")
        self.prefill.setToolTip(
            "Posts every annotator labeled alike get that label as gold, after you confirm"
        )
        self.prefill.clicked.connect(self.prefill_requested)
        table = BrowseTableView()
        table.setObjectName("disagreementTable")
        table.setAccessibleName("Disagreements")
        table.setModel(self.model)
        table.setItemDelegate(ChipDelegate(table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.setTabKeyNavigation(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        table.row_entered.connect(self._activate)
        table.doubleClicked.connect(self._activate)
        table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._fit_columns)
        self.view: QTableView = table
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.prefill)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.count)
        layout.addLayout(top)
        layout.addWidget(table, stretch=1)
        #: What "NS", "SD" and the other chips stand for.
        self.legend = plain_label("disagreementLegend")
        self.legend.setWordWrap(True)
        layout.addWidget(self.legend)
        self.show_counts()

    def show_counts(self, *, computing: bool = False) -> None:
        model = self.model
        if computing:
            text = "Finding disagreements…"
        elif model.total == 0:
            text = "No post has two different labels."
        else:
            text = f"{model.total:,} disagreements  ·  {model.without_gold():,} without gold"
            if model.total > model.rowCount():
                text += f"  ·  showing the first {model.rowCount():,}"
        self.count.setText(text)

    def current_post_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.post_id(index.row()) if index.isValid() else None

    def select_post(self, post_id: int | None) -> None:
        """Make ``post_id`` the current row (emits post_selected), scrolled into view."""
        row = self.model.row_of(post_id) if post_id is not None else None
        if row is None:
            self.view.clearSelection()
            self.view.setCurrentIndex(QModelIndex())
            return
        index = self.model.index(row, 1)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def _fit_columns(self) -> None:
        """Label chips as wide as their column's name (so gold shows at 1024 pixels); the
        id elided; the text takes the rest."""
        header = self.view.horizontalHeader()
        metrics = self.view.fontMetrics()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.setColumnWidth(0, metrics.horizontalAdvance("BsjRR") + 12)
        bold = QFont(self.view.font())
        bold.setBold(True)
        shortest = QFontMetrics(bold).horizontalAdvance
        chip = max((shortest(name) for name in self.model.short_names()), default=0) + 26
        for column in range(2, self.model.gold_column + 1):
            self.view.setColumnWidth(column, max(chip, header.sectionSizeHint(column)))
        self.legend.setText(self.model.legend())

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.post_selected.emit(self.model.post_id(current.row()))

    def _activate(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self.post_activated.emit(self.model.post_id(index.row()))
