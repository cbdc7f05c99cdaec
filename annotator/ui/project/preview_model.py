"""The first rows of a source file as a read-only table, marking the columns that are mapped."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from annotator.ui.table_headers import horizontal_header, is_column_header

#: A cell longer than this is cut in the table; the full text is one role away.
DISPLAY_LIMIT = 240
#: Role holding a cell's text exactly as read (line breaks and all).
RAW_ROLE = Qt.ItemDataRole.UserRole
_MAPPED_BACKGROUND = QColor("#eaf2fb")
#: Field -> (short name for headers, longer name for tool tips).
_FIELD_NAMES = {
    "text": ("text", "post text"),
    "id": ("id", "post id"),
    "author": ("author", "author"),
    "created_at": ("time", "time"),
    "platform": ("platform", "platform"),
    "url": ("url", "URL"),
    "pictures": ("pictures", "pictures (stored in the project; the cells are kept as extra data)"),
}

_Index = QModelIndex | QPersistentModelIndex


def one_line(text: str, limit: int = DISPLAY_LIMIT) -> str:
    """A cell squeezed onto one line: line breaks shown as ⏎, long text cut with …."""
    flat = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", " ⏎ ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class PreviewTableModel(QAbstractTableModel):
    """Source columns across, the first rows down; cells are plain text, never HTML."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns: list[str] = []
        self._rows: list[list[str]] = []
        self._first_row = 1
        self._field_of: dict[str, list[str]] = {}
        self._titles: list[str] = []
        self._tooltips: list[str] = []

    # ----- filling -------------------------------------------------------------------------

    def set_table(self, columns: list[str], rows: list[list[str]], *, first_row: int = 1) -> None:
        """Show ``rows`` (text cells in ``columns`` order); ``first_row`` numbers them."""
        self.beginResetModel()
        self._columns = list(columns)
        width = len(self._columns)
        self._rows = [(list(row) + [""] * width)[:width] for row in rows]
        self._first_row = first_row
        self._field_of = {}
        self._name_columns()
        self.endResetModel()

    def clear(self) -> None:
        self.set_table([], [])

    def set_mapping(self, mapping: dict[str, str], pictures: list[str] | None = None) -> None:
        """Mark the columns that feed a post field (field -> column) or hold pictures."""
        field_of: dict[str, list[str]] = {}
        for field, column in mapping.items():
            if column in self._columns:
                field_of.setdefault(column, []).append(field)
        for column in pictures or []:
            if column in self._columns:
                field_of.setdefault(column, []).append("pictures")
        if field_of == self._field_of:
            return
        self._field_of = field_of
        self._name_columns()
        if self._columns:
            last = len(self._columns) - 1
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, last)
            if self._rows:
                self.dataChanged.emit(
                    self.index(0, 0),
                    self.index(len(self._rows) - 1, last),
                    [Qt.ItemDataRole.BackgroundRole],
                )

    def _name_columns(self) -> None:
        """Header titles and tool tips, kept until the table or the mapping changes."""
        self._titles, self._tooltips = [], []
        for column in self._columns:
            fields = self._field_of.get(column, [])
            short = ", ".join(_FIELD_NAMES.get(f, (f, f))[0] for f in fields)
            # "author" mapped from "author" needs no arrow; bold and shading mark it.
            mapped = short and short != column.casefold()
            self._titles.append(f"{short} ← {column}" if mapped else column)
            if fields:
                names = " and ".join(_FIELD_NAMES.get(f, (f, f))[1] for f in fields)
                self._tooltips.append(f"Column “{column}” is imported as the {names}.")
            else:
                self._tooltips.append(f"Column “{column}” is kept with each post as extra data.")

    # ----- reading -------------------------------------------------------------------------

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def fields_of(self, column: str) -> list[str]:
        """The post fields a column feeds; empty when it is kept as extra data."""
        return list(self._field_of.get(column, []))

    def cell(self, row: int, column: int) -> str:
        return self._rows[row][column]

    # ----- QAbstractTableModel -------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= column < len(self._columns)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line(self._rows[row][column])
        if role == RAW_ROLE:
            return self._rows[row][column]
        if role == Qt.ItemDataRole.BackgroundRole and self._columns[column] in self._field_of:
            return QBrush(_MAPPED_BACKGROUND)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
                return str(self._first_row + section)
            return None
        if (
            role == Qt.ItemDataRole.FontRole
            and is_column_header(section, orientation, len(self._columns))
            and self._columns[section] in self._field_of
        ):
            font = QFont()
            font.setBold(True)
            return font
        return horizontal_header(self._titles, section, orientation, role, tooltips=self._tooltips)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
