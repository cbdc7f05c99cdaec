"""The bar above the post: which posts to walk (mode) and a full-text search box."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from annotator.domain.changes import Change, Changes
from annotator.domain.codebook import Codebook
from annotator.domain.queue_modes import QueueMode
from annotator.services.labeling.browsing import dataset_names
from annotator.ui.focus import return_keys_to_window
from annotator.ui.workspace import Workspace

MODE_ROLE = Qt.ItemDataRole.UserRole


class SearchEdit(QLineEdit):
    """Escape clears the search and hands the keys back to labeling."""

    cleared = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.clear()
            self.cleared.emit()
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
        self.search.cleared.connect(self._mode_chosen)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        show = QLabel("&Show:")
        show.setBuddy(self.modes)
        layout.addWidget(show)
        layout.addWidget(self.modes)
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
                self.search.clear()
                return

    def bind(self, workspace: Workspace) -> None:
        """Choices follow the workspace's codebook and datasets; a choice sets its view."""
        self._workspace = workspace
        self.mode_changed.connect(lambda mode: workspace.set_mode(mode, source=self))
        workspace.changed.connect(self._on_changed)
        self._on_changed(Changes(Change.EVERYTHING))

    def _on_changed(self, what: Changes) -> None:
        workspace = self._workspace
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

    def _follow_datasets(self) -> None:
        """Someone else imported: their datasets join the choices, while the view chosen
        and anything typed in the search box stay."""
        workspace = self._workspace
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
        self.search.setText(typed)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def open_choices(self) -> None:
        """Go > Show…: the list of views opens with the keys in it (arrows, Enter)."""
        self.modes.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.modes.showPopup()

    def _mode_chosen(self, *_args: object) -> None:
        self.search.clear()
        self.mode_changed.emit(self.current_mode())

    def _search(self) -> None:
        self.mode_changed.emit(self.current_mode())
        window = self.window()
        if window is not None:
            window.setFocus()
