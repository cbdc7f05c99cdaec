"""The posts of a queue mode as a sortable table, fetched a page at a time as the view scrolls."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from annotator.domain.codebook import Codebook
from annotator.domain.queue_modes import QueueMode
from annotator.domain.records import BrowseRow
from annotator.services.labeling.browsing import browse_rows, count_rows
from annotator.services.project.projects import Project, codebook_of
from annotator.ui.pictures.thumbnails import ThumbnailCache
from annotator.ui.table_flags import read_only_flags
from annotator.ui.table_headers import horizontal_header, is_column_header

#: Rows asked of the database at a time.
PAGE_SIZE = 200
#: browse_rows cuts post text to this many characters.
TEXT_LIMIT = 300

_ISO_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class BrowseColumn:
    """A table column: its header, the browse sort key (None: not sortable) and a tool tip."""

    title: str
    sort_key: str | None
    tip: str


COLUMNS: tuple[BrowseColumn, ...] = (
    BrowseColumn("ID", "external_id", "The post's id in its dataset"),
    BrowseColumn("Dataset", "dataset", "The dataset the post was imported from"),
    BrowseColumn("Author", "author", "Who wrote the post"),
    BrowseColumn("Time", "created_at", "When the post was published, as imported"),
    BrowseColumn("Text", "text", "The post's text; hover a cell for more of it"),
    BrowseColumn("My label", "label", "The label you gave the post"),
    BrowseColumn("My notes", "notes", "Your notes on the post"),
    BrowseColumn("Labels", "labels", "How many annotators have labeled the post"),
    BrowseColumn("Picture", None, "The post's first picture; open the post to see them all"),
)
_TITLES = tuple(column.title for column in COLUMNS)
_TIPS = tuple(column.tip for column in COLUMNS)
ID_COLUMN, DATASET_COLUMN, AUTHOR_COLUMN, TIME_COLUMN = 0, 1, 2, 3
TEXT_COLUMN, LABEL_COLUMN, NOTES_COLUMN, COUNT_COLUMN = 4, 5, 6, 7
PICTURE_COLUMN = 8


def short_time(created_at: str) -> str:
    """An ISO time as "2020-02-14 18:03" (the full value is in the tool tip); other text as is."""
    match = _ISO_TIME.match(created_at)
    return f"{match[1]} {match[2]}" if match else created_at


def single_line(text: str) -> str:
    """Text on one line: every line break shown as ⏎."""
    return "⏎ ".join(text.splitlines())


def plain_tooltip(text: str) -> str:
    """A tool tip that shows ``text`` literally: Qt would render tags in a plain string as
    HTML, so the text is escaped into a rich-text paragraph that keeps its line breaks."""
    return f'<p style="white-space: pre-wrap">{html.escape(text, quote=False)}</p>'


class BrowseTableModel(QAbstractTableModel):
    """Posts of one mode in one order; rows are loaded page by page (Qt's fetchMore), never
    all at once, so a project of a million posts opens as fast as one of ten."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._project: Project | None = None
        self._annotator: str | None = None
        self._mode = QueueMode("all")
        self._codebook = Codebook()
        self._rows: list[BrowseRow] = []
        self._more = False
        self._total = 0
        self._sort_key = "id"
        self._descending = False
        # Set while rows are being replaced or added: a view or model tester reacting to
        # the change signals must not start another fetch from a stale offset.
        self._busy = False
        #: Where the Picture column's thumbnails come from (None: no pictures shown).
        self.thumbnails: ThumbnailCache | None = None

    def show_thumbnails(self, cache: ThumbnailCache) -> None:
        """Fill the Picture column from ``cache``, repainting rows as thumbnails arrive."""
        self.thumbnails = cache
        cache.loaded.connect(self._thumbnails_arrived)

    def _thumbnails_arrived(self, post_ids: list[int]) -> None:
        arrived = set(post_ids)
        rows = [i for i, row in enumerate(self._rows) if row.post_id in arrived]
        if rows:
            top, bottom = (
                self.index(min(rows), PICTURE_COLUMN),
                self.index(max(rows), PICTURE_COLUMN),
            )
            self.dataChanged.emit(top, bottom, [Qt.ItemDataRole.DecorationRole])

    # ----- context -------------------------------------------------------------------------

    def set_context(self, project: Project | None, annotator: str | None, mode: QueueMode) -> None:
        """Show ``mode``'s posts with ``annotator``'s labels; "unlabeled" shows the posts
        ``annotator`` has neither labeled nor skipped."""
        self._project = project
        self._annotator = annotator
        self._mode = mode
        self._codebook = codebook_of(project) if project is not None else Codebook()
        self.reload()

    def reload(self, *, keep_loaded: bool = False, recount: bool = True) -> None:
        """Load the first page again (with ``keep_loaded``: as many rows as are loaded now,
        so the view can keep its place) and, unless told not to, count the mode again."""
        pages = max(1, -(-len(self._rows) // PAGE_SIZE)) if keep_loaded else 1
        self._busy = True
        self.beginResetModel()
        try:
            self._rows = []
            self._more = False
            if self._project is None:
                self._total = 0
            else:
                limit = pages * PAGE_SIZE
                if recount:
                    self._total = count_rows(self._project, self._mode, self._annotator)
                self._rows = self._page(self._project, offset=0, limit=limit)
                self._more = len(self._rows) == limit
        finally:
            # Still busy while the reset is announced: Qt's model tester fetches from its
            # modelReset slot before it has noted the reset as finished. Views fetch later.
            try:
                self.endResetModel()
            finally:
                self._busy = False

    @property
    def total(self) -> int:
        """How many posts the mode holds (counted at the last reload)."""
        return self._total

    @property
    def mode(self) -> QueueMode:
        return self._mode

    @property
    def sort_key(self) -> str:
        return self._sort_key

    @property
    def descending(self) -> bool:
        return self._descending

    def post_id(self, row: int) -> int:
        return self._rows[row].post_id

    def row_of(self, post_id: int) -> int | None:
        """The loaded row showing ``post_id``, or None."""
        return next((i for i, row in enumerate(self._rows) if row.post_id == post_id), None)

    def _page(self, project: Project, *, offset: int, limit: int) -> list[BrowseRow]:
        return browse_rows(
            project,
            self._mode,
            self._annotator,
            sort=self._sort_key,
            descending=self._descending,
            offset=offset,
            limit=limit,
        )

    # ----- lazy loading --------------------------------------------------------------------

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._busy

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more or self._busy or self._project is None:
            return
        self._busy = True
        try:
            page = self._page(self._project, offset=len(self._rows), limit=PAGE_SIZE)
            self._more = len(page) == PAGE_SIZE
            if page:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
                self._rows.extend(page)
                self.endInsertRows()
        finally:
            self._busy = False

    # ----- sorting -------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order by a column and load the first page again; see set_sort."""
        if self.set_sort(column, order) and self._project is not None:
            self.reload(recount=False)  # the same posts, so the same count

    def set_sort(self, column: int, order: Qt.SortOrder) -> bool:
        """Choose the order of the next load; True if it changed. Column -1 means import
        order (post id, ascending); a column that cannot be sorted is ignored."""
        if column == -1:
            key, descending = "id", False
        elif self.column_sortable(column):
            key = str(COLUMNS[column].sort_key)
            descending = order == Qt.SortOrder.DescendingOrder
        else:
            return False
        if (key, descending) == (self._sort_key, self._descending):
            return False
        self._sort_key, self._descending = key, descending
        return True

    def column_sortable(self, column: int) -> bool:
        return 0 <= column < len(COLUMNS) and COLUMNS[column].sort_key is not None

    # ----- QAbstractTableModel -------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= column < len(COLUMNS)):
            return None
        post = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(post, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(post, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COUNT_COLUMN:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.DecorationRole and column == PICTURE_COLUMN:
            return self.thumbnails.get(post.post_id) if self.thumbnails is not None else None
        return None

    def _display(self, post: BrowseRow, column: int) -> str:
        if column == ID_COLUMN:
            return post.external_id
        if column == DATASET_COLUMN:
            return post.dataset
        if column == AUTHOR_COLUMN:
            return post.author
        if column == TIME_COLUMN:
            return short_time(post.created_at)
        if column == TEXT_COLUMN:
            return single_line(post.text)
        if column == LABEL_COLUMN:
            return self._label_name(post.label)
        if column == NOTES_COLUMN:
            return single_line(post.notes)
        if column == PICTURE_COLUMN:
            return ""
        return str(post.annotations)

    def _tooltip(self, post: BrowseRow, column: int) -> str | None:
        if column == TEXT_COLUMN and post.text:
            cut = "…" if len(post.text) >= TEXT_LIMIT else ""
            return plain_tooltip(post.text + cut)
        if column == ID_COLUMN:
            return plain_tooltip(post.external_id)
        if column == AUTHOR_COLUMN and post.author:
            return plain_tooltip(post.author)
        if column == TIME_COLUMN and post.created_at:
            return plain_tooltip(post.created_at)
        if column == NOTES_COLUMN and post.notes:
            return plain_tooltip(post.notes)
        return None

    def _label_name(self, key: str) -> str:
        label = self._codebook.get(key) if key else None
        return label.display_name if label is not None else key

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if is_column_header(section, orientation, len(COLUMNS)):
            if role == Qt.ItemDataRole.TextAlignmentRole and section == COUNT_COLUMN:
                return int(Qt.AlignmentFlag.AlignCenter)
            if role == Qt.ItemDataRole.InitialSortOrderRole:
                # The first click sorts A to Z on every platform style.
                return Qt.SortOrder.AscendingOrder.value
        return horizontal_header(_TITLES, section, orientation, role, tooltips=_TIPS)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return read_only_flags(index)
