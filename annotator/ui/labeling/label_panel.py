"""The codebook's labels as buttons with their keys, and the notes field."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook
from annotator.ui.focus import return_keys_to_window


class NotesEdit(QPlainTextEdit):
    """Notes typed here never trigger label keys; Escape hands the keys back to labeling."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            return_keys_to_window(self)
            return
        super().keyPressEvent(event)


class SponsorEdit(QLineEdit):
    """Escape hands the keys back to labeling, as in the notes field."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        completer = self.completer()
        popup = completer.popup() if completer is not None else None
        if event.key() == Qt.Key.Key_Escape and not (popup is not None and popup.isVisible()):
            return_keys_to_window(self)
            return
        super().keyPressEvent(event)


class LabelPanel(QWidget):
    """A button per label (clicking one applies it) and a notes field."""

    label_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._buttons: dict[str, QPushButton] = {}
        self._descriptions: list[QLabel] = []
        self._show_descriptions = True
        self._codebook: Codebook | None = None
        self._layout = QVBoxLayout(self)
        self._buttons_box = QVBoxLayout()
        self._layout.addLayout(self._buttons_box)
        #: The model's suggestion, when the lead shows it (plain text, never a choice).
        self.suggestion = QLabel()
        self.suggestion.setObjectName("modelSuggestion")
        self.suggestion.setTextFormat(Qt.TextFormat.PlainText)
        self.suggestion.setWordWrap(True)
        self.suggestion.setToolTip("A suggestion only: the label is yours.")
        self.suggestion.hide()
        self._layout.addWidget(self.suggestion)
        self._layout.addSpacing(12)
        self.status = QLabel()
        self.status.setObjectName("markStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self._layout.addWidget(self.status)
        sponsor_label = QLabel("Sponsor (who paid, if known)")
        self.sponsor = SponsorEdit()
        self.sponsor.setObjectName("sponsor")
        self.sponsor.setPlaceholderText("e.g. Rivera for America (P; Esc returns)")
        self.sponsor.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.sponsor.setAccessibleName("Sponsor")
        self._completer = QCompleter([], self.sponsor)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.sponsor.setCompleter(self._completer)
        sponsor_label.setBuddy(self.sponsor)
        self._layout.addWidget(sponsor_label)
        self._layout.addWidget(self.sponsor)
        notes_label = QLabel("Notes (why this label)")
        self.notes = NotesEdit()
        self.notes.setObjectName("notes")
        self.notes.setPlaceholderText("Evidence, reasoning… (Esc returns to the label keys)")
        self.notes.setTabChangesFocus(True)
        # At most three lines as its minimum (it grows with the window), not Qt's default:
        # with the system font at 150 % the Label tab must still fit a 700 px window.
        three_lines = self.notes.fontMetrics().lineSpacing() * 3 + 12
        self.notes.setMinimumHeight(min(three_lines, self.notes.minimumSizeHint().height()))
        # A click, Tab or N puts the cursor here; each new post gives the keys back to
        # labeling (the window takes the focus), so digits label posts again.
        self.notes.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.notes.setAccessibleName("Notes")
        notes_label.setBuddy(self.notes)
        self._layout.addWidget(notes_label)
        self._layout.addWidget(self.notes, stretch=1)
        keys = QLabel(
            "T caret in the text · E evidence from selection · S skip · F flag for lead · "
            "← → move · "
            "Ctrl+Z undo · F1 all keys"
        )
        keys.setObjectName("keyHints")
        keys.setWordWrap(True)
        keys.setTextFormat(Qt.TextFormat.PlainText)
        self._layout.addWidget(keys)

    def set_codebook(self, codebook: Codebook) -> None:
        if codebook == self._codebook:
            return
        self._codebook = codebook
        while self._buttons_box.count():
            item = self._buttons_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                # Detach now: deleteLater alone leaves the old buttons painted until the
                # event loop runs, on top of the new ones.
                widget.setParent(None)
                widget.deleteLater()
        self._buttons.clear()
        self._descriptions.clear()
        for label in codebook.labels:
            key_hint = f"{label.shortcut}   " if label.shortcut else ""
            button = QPushButton(f"{key_hint}{label.display_name}")
            button.setObjectName(f"label_{label.key}")
            button.setProperty("labelButton", True)
            # Tab reaches it (Space applies it); a click leaves the keys with the window.
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setAccessibleName(f"Label: {label.display_name}")
            button.setAccessibleDescription(label.description)
            button.setToolTip(label.description)
            button.clicked.connect(
                lambda _checked=False, key=label.key: self.label_chosen.emit(key)
            )
            description = QLabel(label.description)
            description.setTextFormat(Qt.TextFormat.PlainText)
            description.setWordWrap(True)
            description.setProperty("class", "labelDescription")
            self._descriptions.append(description)
            self._buttons_box.addWidget(button)
            self._buttons_box.addWidget(description)
            description.setVisible(self._show_descriptions)
            self._buttons[label.key] = button

    def set_descriptions_visible(self, visible: bool) -> None:
        """Definitions under the buttons, off while the Codebook panel shows them."""
        self._show_descriptions = visible
        for description in self._descriptions:
            description.setVisible(visible)

    def focus_chain(self) -> tuple[QWidget, ...]:
        """The panel's controls in Tab order: the label buttons, sponsor, notes."""
        return (*self._buttons.values(), self.sponsor, self.notes)

    def button(self, key: str) -> QPushButton:
        return self._buttons[key]

    def show_current(self, key: str | None) -> None:
        """Mark the button of the label this annotator gave the post."""
        for label_key, button in self._buttons.items():
            current = label_key == key
            if button.property("current") == current:
                continue  # re-polishing an unchanged button re-lays the panel out
            button.setProperty("current", current)
            button.style().unpolish(button)
            button.style().polish(button)

    def set_enabled(self, enabled: bool) -> None:
        for button in self._buttons.values():
            button.setEnabled(enabled)
        self.notes.setEnabled(enabled)
        self.sponsor.setEnabled(enabled)

    def set_known_sponsors(self, names: list[str]) -> None:
        """Names offered as the sponsor is typed (those already entered in the project)."""
        model = self._completer.model()
        assert isinstance(model, QStringListModel)
        model.setStringList(names)

    def show_suggestion(self, text: str) -> None:
        """Show the model's suggestion under the buttons ("" hides it)."""
        self.suggestion.setText(text)
        self.suggestion.setVisible(bool(text))

    def show_marks(self, *, flagged: bool, skipped: bool) -> None:
        parts = []
        if flagged:
            parts.append("⚑ Flagged for the lead")
        if skipped:
            parts.append("Skipped")
        self.status.setText("   ".join(parts))
        self.status.setVisible(bool(parts))
