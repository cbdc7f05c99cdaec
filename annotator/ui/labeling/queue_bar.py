"""The bar above the post: which posts to walk (mode) and a full-text search box."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from annotator.domain.changes import Change, Changes
from annotator.domain.codebook import Codebook
from annotator.domain.queue_modes import ORDERED_MODES, QueueMode
from annotator.services.labeling.browsing import count_rows, dataset_names
from annotator.services.model.stored_predictions import has_predictions
from annotator.ui.focus import return_keys_to_window
from annotator.ui.workspace import Workspace

MODE_ROLE = Qt.ItemDataRole.UserRole
#: Said beside "Show:" while a model queue is chosen and no model was trained yet.
NO_MODEL = "No model yet: Ctrl+Shift+T trains one (or run annotator model PROJECT)"


class SearchEdit(QLineEdit):
    """Escape clears the search (the box's emptied text ends the search filter) and hands
    the keys back to labeling."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.clear()
            return_keys_to_window(self)
            return
        super().keyPressEvent(event)


class QueueBar(QWidget):
    """Emits ``mode_changed`` when the view or the search changes."""

    mode_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.modes = QComboBox()
        self.modes.setObjectName("queueMode")
        self.modes.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.modes.setAccessibleName("Show")
        self.modes.setAccessibleDescription("Which posts to walk (Go > Show…, Ctrl+Shift+S)")
        self.modes.setMinimumContentsLength(26)
        self.modes.activated.connect(self._mode_chosen)
        self.search = SearchEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search text and authors (Ctrl+F, Enter; Esc clears)")
        self.search.setClearButtonEnabled(True)
        self.search.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.search.setAccessibleName("Search")
        self.search.returnPressed.connect(self._search)
        # The clear button, Esc and deleting the text all end the search, not only empty it.
        self.search.textChanged.connect(self._search_edited)
        #: "Search: paid for by (9)" while a search filters the posts.
        self.search_state = QLabel()
        self.search_state.setObjectName("searchState")
        self.search_state.setTextFormat(Qt.TextFormat.PlainText)
        self.search_state.hide()
        #: Why a model queue is empty: no model was trained yet.
        self.model_state = QLabel(NO_MODEL)
        self.model_state.setObjectName("modelState")
        self.model_state.setTextFormat(Qt.TextFormat.PlainText)
        self.model_state.hide()
        self._workspace: Workspace | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        show = QLabel("&Show:")
        show.setBuddy(self.modes)
        layout.addWidget(show)
        layout.addWidget(self.modes)
        layout.addWidget(self.search_state)
        layout.addWidget(self.model_state)
        layout.addSpacing(12)
        layout.addWidget(self.search, stretch=1)

    def set_choices(self, codebook: Codebook | None, datasets: list[str]) -> None:
        self.modes.clear()
        self.modes.addItem("Next unlabeled by me", QueueMode("unlabeled"))
        self.modes.addItem("My assigned posts", QueueMode("assigned"))
        self.modes.addItem("All posts", QueueMode("all"))
        for label in codebook.labels if codebook else ():
            self.modes.addItem(
                f"Labeled by me: {label.display_name}", QueueMode("label", label.key)
            )
        self.modes.addItem("Flagged for the lead", QueueMode("flagged"))
        self.modes.addItem("Skipped by me", QueueMode("skipped"))
        self.modes.addItem("Disagreements between annotators", QueueMode("disagreements"))
        self.modes.addItem("Most informative first (model)", QueueMode("informative"))
        self.modes.addItem("Possible label errors (model)", QueueMode("suspects"))
        for name in datasets:
            self.modes.addItem(f"Dataset: {name}", QueueMode("dataset", name))

    def current_mode(self) -> QueueMode:
        query = self.search.text().strip()
        if query:
            return QueueMode("search", query)
        mode = self.modes.currentData(MODE_ROLE)
        return mode if isinstance(mode, QueueMode) else QueueMode()

    def show_mode(self, mode: QueueMode) -> None:
        """Show ``mode`` as chosen without announcing it (the caller applies it)."""
        for index in range(self.modes.count()):
            if self.modes.itemData(index, MODE_ROLE) == mode:
                self.modes.setCurrentIndex(index)
                blocked = self.search.blockSignals(True)
                self.search.clear()
                self.search.blockSignals(blocked)
                return

    def bind(self, workspace: Workspace) -> None:
        """Choices follow the workspace's codebook and datasets; a choice sets its view."""
        self._workspace = workspace
        self.mode_changed.connect(lambda mode: workspace.set_mode(mode, source=self))
        workspace.changed.connect(self._on_changed)
        self._on_changed(Changes(Change.EVERYTHING))

    def _on_changed(self, what: Changes) -> None:
        workspace = self._workspace
        if workspace is None:
            return
        if what.touches(Change.QUEUE | Change.PROJECT | Change.DATASETS | Change.ANNOTATOR):
            self._show_search_state()
            self._show_model_state()
        elif what.touches(Change.MODEL):
            self._show_model_state()
        if what.others:
            if what.touches(Change.DATASETS):
                self._follow_datasets()
            return
        if what.touches(Change.PROJECT | Change.CODEBOOK | Change.DATASETS):
            project = workspace.project
            self.set_choices(workspace.codebook, dataset_names(project) if project else [])
            self.show_mode(workspace.mode)
        elif what.touches(Change.QUEUE) and what.source is not self:
            self.show_mode(workspace.mode)

    def _show_search_state(self) -> None:
        """While a search filters the posts, say so beside "Show:" (the view chosen there
        is not what is walked until the search is cleared)."""
        workspace = self._workspace
        mode = workspace.mode if workspace is not None else QueueMode()
        if workspace is None or mode.kind != "search" or workspace.project is None:
            self.search_state.hide()
            self.modes.setToolTip("")
            return
        count = count_rows(workspace.project, mode, workspace.annotator)
        query = mode.value if len(mode.value) <= 40 else mode.value[:39] + "…"
        self.search_state.setText(f"Search: {query} ({count:,})")
        self.search_state.setToolTip("Esc in the search box, or its clear button, ends the search")
        self.modes.setToolTip("Not in use while a search filters the posts")
        self.search_state.show()

    def _show_model_state(self) -> None:
        """A model queue before any model was trained says why it is empty, and how to
        train one, instead of showing nothing."""
        workspace = self._workspace
        project = workspace.project if workspace is not None else None
        waiting = (
            workspace is not None
            and project is not None
            and workspace.mode.kind in ORDERED_MODES
            and not has_predictions(project)
        )
        self.model_state.setVisible(waiting)

    def _follow_datasets(self) -> None:
        """Someone else imported: their datasets join the choices, while the view chosen
        and anything typed in the search box stay."""
        workspace = self._workspace
        assert workspace is not None
        names = dataset_names(workspace.project) if workspace.project else []
        shown = [
            mode.value
            for mode in (self.modes.itemData(i, MODE_ROLE) for i in range(self.modes.count()))
            if isinstance(mode, QueueMode) and mode.kind == "dataset"
        ]
        if names == shown:
            return
        typed, chosen = self.search.text(), self.modes.currentData(MODE_ROLE)
        self.set_choices(workspace.codebook, names)
        if isinstance(chosen, QueueMode):
            self.show_mode(chosen)
        blocked = self.search.blockSignals(True)
        self.search.setText(typed)
        self.search.blockSignals(blocked)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def open_choices(self) -> None:
        """Go > Show…: the list of views opens with the keys in it (arrows, Enter)."""
        self.modes.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.modes.showPopup()

    def _mode_chosen(self, *_args: object) -> None:
        blocked = self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(blocked)
        self.mode_changed.emit(self.current_mode())

    def _search_edited(self, text: str) -> None:
        """An emptied box ends a search that filters the posts. Someone deleting the words
        to type others keeps typing in the box: the keys must not go to labeling."""
        workspace = self._workspace
        if not text.strip() and workspace is not None and workspace.mode.kind == "search":
            typing = self.search.hasFocus()
            self.mode_changed.emit(self.current_mode())
            if typing:
                self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def _search(self) -> None:
        self.mode_changed.emit(self.current_mode())
        window = self.window()
        if window is not None:
            window.setFocus()
