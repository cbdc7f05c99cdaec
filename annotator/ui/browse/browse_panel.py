"""The Browse tab: every post of the current mode in a sortable table with my label and notes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.changes import Change, Changes
from annotator.domain.queue_modes import QueueMode
from annotator.services.media.viewing import has_stored_pictures
from annotator.services.project.projects import Project
from annotator.ui.browse.browse_model import (
    AUTHOR_COLUMN,
    COLUMNS,
    COUNT_COLUMN,
    DATASET_COLUMN,
    ID_COLUMN,
    LABEL_COLUMN,
    NOTES_COLUMN,
    PICTURE_COLUMN,
    TEXT_COLUMN,
    TIME_COLUMN,
    BrowseTableModel,
)
from annotator.ui.pictures.thumbnails import ThumbnailCache
from annotator.ui.tasks import TaskRunner
from annotator.ui.workspace import Workspace

#: Default column widths as sample text (measured in the table's font) plus padding.
_WIDTH_SAMPLES = {
    ID_COLUMN: "BsjRRAS7qoj",
    DATASET_COLUMN: "sample_post",
    AUTHOR_COLUMN: "kitchenwithkofi",
    TIME_COLUMN: "2020-02-14 18:03",
    LABEL_COLUMN: "Sponsored, undisclosed",
    NOTES_COLUMN: "personal post, no",
    COUNT_COLUMN: "Labels",
}
#: What each column keeps when the table is narrow (the date of a time, say).
_NARROWEST = {TIME_COLUMN: "2019-01-05", AUTHOR_COLUMN: "kitchenwi", ID_COLUMN: "BsjRRA"}
_NARROWING_ORDER = (
    DATASET_COLUMN,
    ID_COLUMN,
    NOTES_COLUMN,
    AUTHOR_COLUMN,
    LABEL_COLUMN,
    TIME_COLUMN,
)
_PADDING = 16
#: The other columns together take at most this share of the table's width: the rest is
#: the Text column's, so a post's text stays readable at 1024 pixels.
_OTHERS_SHARE = 0.6
#: The Picture column's thumbnails (rows grow to fit them when the project has pictures).
THUMBNAIL_BOX = QSize(32, 32)


class BrowseTableView(QTableView):
    """A table that reports Enter/Return on a row, the keyboard's double-click."""

    row_entered = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.row_entered.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class BrowsePanel(QWidget):
    """Count line above a lazily filled table; double-click or Enter opens a post."""

    post_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, tasks: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self._has_project = False
        self._stale = False
        self._has_pictures = False
        self.model = BrowseTableModel(self)
        self.thumbnails = ThumbnailCache(tasks or TaskRunner(self), THUMBNAIL_BOX, self)
        self.model.show_thumbnails(self.thumbnails)
        self.count = QLabel()
        self.count.setObjectName("browseCount")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.hint = QLabel("Double-click a post or press Enter to label it")
        self.hint.setObjectName("browseHint")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        table = BrowseTableView()
        table.setObjectName("browseTable")
        table.setAccessibleName("Posts")
        table.row_entered.connect(self._activate)
        table.doubleClicked.connect(self._activate)
        self.view: QTableView = table
        self._build_view()

        top = QHBoxLayout()
        top.addWidget(self.count)
        top.addStretch(1)
        top.addWidget(self.hint)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, stretch=1)
        self._show_count()

    def _build_view(self) -> None:
        view = self.view
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setShowGrid(False)
        view.setTabKeyNavigation(False)
        view.setCornerButtonEnabled(False)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
        view.setIconSize(THUMBNAIL_BOX)
        view.setColumnHidden(PICTURE_COLUMN, True)  # until the project has pictures
        view.setColumnWidth(PICTURE_COLUMN, THUMBNAIL_BOX.width() + _PADDING)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TEXT_COLUMN, QHeaderView.ResizeMode.Stretch)
        self._fit_columns()
        view.viewport().installEventFilter(self)
        header.setMinimumSectionSize(view.fontMetrics().horizontalAdvance("Labels") + _PADDING)
        # No indicator = import order (post id); the model already sorts so, so turning
        # sorting on here loads nothing.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSortIndicatorClearable(True)
        view.setSortingEnabled(True)
        self._sorted_by = (-1, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._on_sort_indicator)

    def _fit_columns(self) -> None:
        """Each column as wide as its sample; when together they would leave the Text column
        less than 40% of the width, the least needed narrow first (dataset, id, notes,
        author, label, time), each no further than its title or its narrowest sample."""
        view, metrics = self.view, self.view.fontMetrics()
        widths = {c: metrics.horizontalAdvance(s) + _PADDING for c, s in _WIDTH_SAMPLES.items()}
        if not view.isColumnHidden(PICTURE_COLUMN):
            widths[PICTURE_COLUMN] = THUMBNAIL_BOX.width() + _PADDING
        excess = sum(w for c, w in widths.items() if not view.isColumnHidden(c)) - int(
            max(view.viewport().width(), 1) * _OTHERS_SHARE
        )
        for column in _NARROWING_ORDER:
            if excess <= 0:
                break
            title = metrics.horizontalAdvance(COLUMNS[column].title) + _PADDING + 14
            least = max(title, metrics.horizontalAdvance(_NARROWEST.get(column, "")) + _PADDING)
            cut = min(excess, max(widths[column] - least, 0))
            widths[column] -= cut
            excess -= cut
        for column, width in widths.items():
            view.setColumnWidth(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The table's visible width changed: share it out again."""
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            assert isinstance(event, QResizeEvent)
            if event.size().width() != event.oldSize().width():
                self._fit_columns()
        return super().eventFilter(watched, event)

    # ----- public --------------------------------------------------------------------------

    def set_context(
        self, project: Project | None, annotator: str | None, mode: QueueMode, *, blind: bool
    ) -> None:
        """(Re)load for this project/annotator/mode. blind=True hides the author column."""
        self.view.setColumnHidden(AUTHOR_COLUMN, blind)
        if blind and self.model.sort_key == "author":
            # Sorting by a hidden author would still group each author's posts.
            self._set_indicator(-1, Qt.SortOrder.AscendingOrder)
            self.model.set_sort(-1, Qt.SortOrder.AscendingOrder)
        self._has_project = project is not None
        self._stale = False
        self.thumbnails.set_project(project)
        self._show_pictures(project is not None and has_stored_pictures(project))
        self.model.set_context(project, annotator, mode)
        self.view.scrollToTop()
        self._show_count()

    def bind(self, workspace: Workspace) -> None:
        """Follow the workspace: a new view or project reloads, changed posts refresh."""
        self._workspace = workspace
        workspace.changed.connect(self._on_changed)
        self._on_changed(Changes(Change.EVERYTHING))

    def _on_changed(self, what: Changes) -> None:
        workspace = self._workspace
        if what.touches(Change.PROJECT | Change.ANNOTATOR | Change.QUEUE | Change.SETTINGS):
            ready = workspace.project is not None and bool(workspace.annotator)
            self.set_context(
                workspace.project if ready else None,
                workspace.annotator,
                workspace.mode,
                blind=workspace.blind,
            )
            self._select_post(workspace.current_post_id)
            return
        if what.touches(Change.MEDIA | Change.DATASETS) and workspace.project is not None:
            # Pictures fetched, merged or imported: the column shows once there are some.
            self.thumbnails.forget(set(what.post_ids) if what.post_ids else None)
            self._show_pictures(has_stored_pictures(workspace.project))
            self.view.viewport().update()
        if what.touches(Change.LABELS | Change.GOLD | Change.MARKS | Change.DATASETS):
            self.refresh()  # drafts are not in the table: typing never reloads it

    def refresh(self) -> None:
        """Reload keeping the sort (after labels changed), the loaded rows, the selected
        post and the scroll position. While the panel is hidden (another tab is showing)
        the reload waits until it is shown, so labeling never pays for it."""
        if not self.isVisible():
            self._stale = True
            return
        self._reload_in_place()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._reload_in_place()

    # ----- private -------------------------------------------------------------------------

    def _show_pictures(self, shown: bool) -> None:
        """The Picture column and rows tall enough for its thumbnails, only in a project
        with pictures (the rest pay nothing: the hidden column is never painted)."""
        if shown == self._has_pictures:
            return
        self._has_pictures = shown
        view = self.view
        view.setColumnHidden(PICTURE_COLUMN, not shown)
        line = view.fontMetrics().height() + 10
        view.verticalHeader().setDefaultSectionSize(
            max(line, THUMBNAIL_BOX.height() + 4) if shown else line
        )
        self._fit_columns()

    def _reload_in_place(self) -> None:
        self._stale = False
        current = self.view.currentIndex()
        post = self.model.post_id(current.row()) if current.isValid() else None
        column = current.column() if current.isValid() else 0
        scroll = self.view.verticalScrollBar().value()
        self.model.reload(keep_loaded=True)
        self._show_count()
        row = self.model.row_of(post) if post is not None else None
        if row is not None:
            self.view.setCurrentIndex(self.model.index(row, column))
        self.view.verticalScrollBar().setValue(scroll)

    def _select_post(self, post_id: int | None) -> None:
        """After another "Show:" choice the post on screen stays selected when the new
        view holds it (among the rows loaded), rather than the table starting at row 1."""
        row = self.model.row_of(post_id) if post_id is not None else None
        if row is not None:
            index = self.model.index(row, 0)
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    def _show_count(self) -> None:
        total = self.model.total
        if not self._has_project:
            text = "No project open"
        elif total == 0:
            text = "No posts match"
        else:
            text = f"{total:,} post" + ("" if total == 1 else "s")
        self.count.setText(text)
        self.hint.setVisible(total > 0)

    def _activate(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self.post_activated.emit(self.model.post_id(index.row()))

    def _on_sort_indicator(self, section: int, order: Qt.SortOrder) -> None:
        if section == -1 or self.model.column_sortable(section):
            self._sorted_by = (section, order)
            return
        # A column that cannot be sorted: the model ignored the click; put the arrow back.
        self._set_indicator(*self._sorted_by)

    def _set_indicator(self, section: int, order: Qt.SortOrder) -> None:
        header = self.view.horizontalHeader()
        blocked = header.blockSignals(True)
        header.setSortIndicator(section, order)
        header.blockSignals(blocked)
        self._sorted_by = (section, order)


__all__ = ["COLUMNS", "BrowsePanel", "BrowseTableModel", "BrowseTableView"]
