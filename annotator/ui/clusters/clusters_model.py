"""The clusters of the Clusters tab as a sortable table: size, accounts, time, label shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.domain.codebook import Codebook
from annotator.services.clusters.summaries import DISAGREEMENT, UNLABELED, ClusterSummary
from annotator.ui.browse.browse_model import plain_tooltip, short_time, single_line
from annotator.ui.look import LABEL_COLOURS
from annotator.ui.table_flags import read_only_flags
from annotator.ui.table_headers import horizontal_header, is_column_header

_Index = QModelIndex | QPersistentModelIndex
#: How the two resolved "labels" that are not codebook labels are named and drawn.
SPECIAL_LABELS = {UNLABELED: ("Unlabeled", "#D4D4D4"), DISAGREEMENT: ("Disagreement", "#7B3294")}
#: Label shares named in the list's cell (the tool tip has them all).
SHARES_SHOWN = 3


def label_name(codebook: Codebook, key: str) -> str:
    """A resolved label as the user reads it."""
    if key in SPECIAL_LABELS:
        return SPECIAL_LABELS[key][0]
    label = codebook.get(key)
    return label.display_name if label is not None else key


def label_colour(codebook: Codebook, key: str) -> QColor:
    """The Review chart's colour for a codebook label; grey for unlabeled posts."""
    if key in SPECIAL_LABELS:
        return QColor(SPECIAL_LABELS[key][1])
    keys = list(codebook.keys)
    index = keys.index(key) if key in keys else len(keys)
    return QColor(LABEL_COLOURS[index % len(LABEL_COLOURS)])


def share_lines(codebook: Codebook, summary: ClusterSummary) -> list[str]:
    """A line per resolved label, most posts first: "Sponsored, undisclosed: 3 (50%)"."""
    return [
        f"{label_name(codebook, key)}: {count:,} ({count / summary.size:.0%})"
        for key, count in summary.labels.items()
    ]


@dataclass(frozen=True)
class ClusterColumn:
    """A column: its header, the tool tip and how rows sort by it."""

    title: str
    tip: str
    key: Callable[[ClusterSummary], float | str]


COLUMNS: tuple[ClusterColumn, ...] = (
    ClusterColumn("Posts", "How many posts share the text", lambda s: s.size),
    ClusterColumn("Accounts", "How many different accounts posted it", lambda s: s.authors),
    ClusterColumn("First", "The earliest post's time, as imported", lambda s: s.first or ""),
    ClusterColumn("Last", "The latest post's time, as imported", lambda s: s.last or ""),
    ClusterColumn(
        "Labels",
        "Each post's gold label, else the label all its annotators gave; sorts by the "
        "share still unlabeled",
        lambda s: s.share(UNLABELED),
    ),
    ClusterColumn(
        "Shared image",
        "How many other posts show the same picture as this cluster's post (the same "
        "image file, by its content)",
        lambda s: s.shared_image,
    ),
    ClusterColumn("Text", "One of the posts; hover for more of it", lambda s: s.representative),
)
_TITLES = tuple(column.title for column in COLUMNS)
_TIPS = tuple(column.tip for column in COLUMNS)
SIZE_COLUMN, ACCOUNTS_COLUMN, FIRST_COLUMN, LAST_COLUMN, LABELS_COLUMN = range(5)
SHARED_IMAGE_COLUMN, TEXT_COLUMN = 5, 6


class ClusterTableModel(QAbstractTableModel):
    """Every loaded cluster summary; sorting happens here, on the rows already loaded."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.codebook = Codebook()
        self._rows: list[ClusterSummary] = []
        self._sort = (SIZE_COLUMN, Qt.SortOrder.DescendingOrder)

    def set_rows(self, codebook: Codebook, rows: list[ClusterSummary]) -> None:
        self.beginResetModel()
        self.codebook = codebook
        self._rows = list(rows)
        self._order()
        self.endResetModel()

    @property
    def any_shared_image(self) -> bool:
        """Whether a cluster's picture is shown by other posts (else the column hides)."""
        return any(summary.shared_image for summary in self._rows)

    def clear(self) -> None:
        self.set_rows(self.codebook, [])

    def summary(self, row: int) -> ClusterSummary:
        return self._rows[row]

    def row_of(self, cluster_id: int) -> int | None:
        return next((i for i, s in enumerate(self._rows) if s.id == cluster_id), None)

    def _order(self) -> None:
        column, order = self._sort
        key = COLUMNS[column].key
        # The cluster id breaks ties, so equal rows keep a stable, biggest-first order.
        self._rows.sort(key=lambda s: s.id)
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    # ----- QAbstractTableModel -------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self._rows[i.row()].id for i in before]
        self._sort = (column, order)
        self._order()
        after = [
            self.index(self.row_of(i) or 0, p.column()) for i, p in zip(ids, before, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        summary, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(summary, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(summary, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (SIZE_COLUMN, ACCOUNTS_COLUMN):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, summary: ClusterSummary, column: int) -> str:
        if column == SIZE_COLUMN:
            return f"{summary.size:,}"
        if column == ACCOUNTS_COLUMN:
            return f"{summary.authors:,}"
        if column == FIRST_COLUMN:
            return short_time(summary.first or "")
        if column == LAST_COLUMN:
            return short_time(summary.last or "")
        if column == LABELS_COLUMN:
            shown = [
                f"{label_name(self.codebook, key)} {summary.share(key):.0%}"
                for key in list(summary.labels)[:SHARES_SHOWN]
            ]
            more = len(summary.labels) - SHARES_SHOWN
            return " · ".join(shown) + (f" · +{more}" if more > 0 else "")
        if column == SHARED_IMAGE_COLUMN:
            count = summary.shared_image
            return f"with {count:,} other post{'' if count == 1 else 's'}" if count else ""
        return single_line(summary.representative)

    def _tooltip(self, summary: ClusterSummary, column: int) -> str | None:
        if column == LABELS_COLUMN:
            return plain_tooltip("\n".join(share_lines(self.codebook, summary)))
        if column == TEXT_COLUMN:
            return plain_tooltip(summary.representative)
        if column == FIRST_COLUMN and summary.first:
            return plain_tooltip(summary.first)
        if column == LAST_COLUMN and summary.last:
            return plain_tooltip(summary.last)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.InitialSortOrderRole and is_column_header(
            section, orientation, len(COLUMNS)
        ):
            # Counts sort biggest first on the first click; times and text A to Z.
            descending = section in (SIZE_COLUMN, ACCOUNTS_COLUMN, SHARED_IMAGE_COLUMN)
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            return order.value
        return horizontal_header(_TITLES, section, orientation, role, tooltips=_TIPS)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return read_only_flags(index)
