"""The codebook's labels as buttons with their keys, and the notes field."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook


class NotesEdit(QPlainTextEdit):
    """Notes typed here never trigger label keys; Escape hands the keys back to labeling."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.clearFocus()
            window = self.window()
            if window is not None:
                window.setFocus()
            return
        super().keyPressEvent(event)


class LabelPanel(QWidget):
    """A button per label (clicking one applies it) and a notes field."""

    label_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._buttons: dict[str, QPushButton] = {}
        self._layout = QVBoxLayout(self)
        self._buttons_box = QVBoxLayout()
        self._layout.addLayout(self._buttons_box)
        self._layout.addSpacing(12)
        notes_label = QLabel("Notes (why this label)")
        self.notes = NotesEdit()
        self.notes.setObjectName("notes")
        self.notes.setPlaceholderText("Evidence, reasoning… (Esc returns to the label keys)")
        self.notes.setTabChangesFocus(True)
        # Only a deliberate click puts the cursor here; at start the keys label posts.
        self.notes.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        notes_label.setBuddy(self.notes)
        self._layout.addWidget(notes_label)
        self._layout.addWidget(self.notes, stretch=1)
        keys = QLabel("← → previous / next post   ·   Ctrl+→ next unlabeled   ·   Ctrl+Z undo")
        keys.setObjectName("keyHints")
        keys.setWordWrap(True)
        keys.setTextFormat(Qt.TextFormat.PlainText)
        self._layout.addWidget(keys)

    def set_codebook(self, codebook: Codebook) -> None:
        while self._buttons_box.count():
            item = self._buttons_box.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        self._buttons.clear()
        for label in codebook.labels:
            key_hint = f"{label.shortcut}   " if label.shortcut else ""
            button = QPushButton(f"{key_hint}{label.display_name}")
            button.setObjectName(f"label_{label.key}")
            button.setProperty("labelButton", True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(label.description)
            button.clicked.connect(
                lambda _checked=False, key=label.key: self.label_chosen.emit(key)
            )
            description = QLabel(label.description)
            description.setTextFormat(Qt.TextFormat.PlainText)
            description.setWordWrap(True)
            description.setProperty("class", "labelDescription")
            self._buttons_box.addWidget(button)
            self._buttons_box.addWidget(description)
            self._buttons[label.key] = button

    def button(self, key: str) -> QPushButton:
        return self._buttons[key]

    def show_current(self, key: str | None) -> None:
        """Mark the button of the label this annotator gave the post."""
        for label_key, button in self._buttons.items():
            button.setProperty("current", label_key == key)
            button.style().unpolish(button)
            button.style().polish(button)

    def set_enabled(self, enabled: bool) -> None:
        for button in self._buttons.values():
            button.setEnabled(enabled)
        self.notes.setEnabled(enabled)
