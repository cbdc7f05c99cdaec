"""The codebook beside the post: each label's definition and example posts, editable.

Example posts are plain text (like every post), shown in plain-text labels, never HTML.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import MAX_EXAMPLE_CHARS, MAX_EXAMPLES, Codebook, Label
from annotator.domain.errors import UserError
from annotator.services.project.codebook_editing import set_label_definition
from annotator.services.project.projects import Project
from annotator.ui.errors import report_error
from annotator.ui.look import LABEL_COLOURS


def label_colour(codebook: Codebook, key: str) -> QColor:
    """The label's colour: the same as its bars in the Review tab's chart."""
    index = codebook.keys.index(key) if key in codebook.keys else 0
    return QColor(LABEL_COLOURS[index % len(LABEL_COLOURS)])


class Swatch(QWidget):
    """A small rounded square in the label's colour."""

    def __init__(self, colour: QColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colour = colour
        self.setFixedSize(14, 14)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.colour.darker(130))
        painter.setBrush(self.colour)
        painter.drawRoundedRect(self.rect().adjusted(1, 1, -1, -1), 3, 3)


def _plain(text: str, object_name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class LabelCard(QFrame):
    """One label: swatch, name, key, definition, examples and an Edit button."""

    edit_requested = Signal(str)

    def __init__(self, label: Label, colour: QColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = label.key
        self.setObjectName("codebookCard")
        self.setProperty("current", False)
        header = QHBoxLayout()
        header.addWidget(Swatch(colour))
        header.setSpacing(8)
        name = _plain(label.display_name, "codebookName")
        header.addWidget(name, stretch=1)
        if label.shortcut:
            key = _plain(label.shortcut, "codebookKey")
            key.setWordWrap(False)
            key.setToolTip(f"Press {label.shortcut} to give this label")
            header.addWidget(key)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setObjectName(f"edit_{label.key}")
        self.edit_button.setProperty("compact", True)
        self.edit_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.edit_button.setToolTip("Change the definition and the example posts")
        self.edit_button.clicked.connect(lambda: self.edit_requested.emit(self.key))
        header.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(6)
        layout.addLayout(header)
        self.definition = _plain(label.description or "(no definition yet)", "codebookDefinition")
        layout.addWidget(self.definition)
        self.examples: list[QLabel] = []
        if label.examples:
            layout.addWidget(_plain("Examples", "codebookExamplesTitle"))
        for text in label.examples:
            example = _plain(text, "codebookExample")
            layout.addWidget(example)
            self.examples.append(example)

    def set_current(self, current: bool) -> None:
        if self.property("current") != current:
            self.setProperty("current", current)
            self.style().unpolish(self)
            self.style().polish(self)


class CodebookPanel(QWidget):
    """The project's codebook as cards; the current post's label is outlined."""

    #: Emitted with the new codebook after a label's definition was saved.
    codebook_edited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.codebook: Codebook | None = None
        self.cards: dict[str, LabelCard] = {}
        self._current: str | None = None
        self._cards_box = QVBoxLayout()
        self._cards_box.setSpacing(8)
        inner = QWidget()
        inner.setObjectName("codebookInner")
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(8, 8, 8, 8)
        inner_layout.addLayout(self._cards_box)
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setAccessibleName("Codebook")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.dialog: LabelDefinitionDialog | None = None

    def set_context(self, project: Project | None, codebook: Codebook | None) -> None:
        """Show ``codebook`` (of ``project``); rebuilt only when it changed."""
        self.project = project
        if codebook == self.codebook and len(self.cards) == len(
            codebook.labels if codebook else ()
        ):
            return
        self.codebook = codebook
        while self._cards_box.count():
            item = self._cards_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.cards = {}
        for label in codebook.labels if codebook else ():
            card = LabelCard(label, label_colour(codebook, label.key) if codebook else QColor())
            card.edit_requested.connect(self.edit_label)
            self._cards_box.addWidget(card)
            self.cards[label.key] = card
        self.show_current(self._current)

    def show_current(self, key: str | None) -> None:
        """Outline the label this annotator gave the post on screen."""
        self._current = key
        for card_key, card in self.cards.items():
            card.set_current(card_key == key)

    def edit_label(self, key: str) -> LabelDefinitionDialog | None:
        """Open the editor for one label, window-modal; Save writes to the project."""
        label = self.codebook.get(key) if self.codebook else None
        if label is None or self.project is None:
            return None
        dialog = LabelDefinitionDialog(
            label, lambda text, examples: self.save_definition(key, text, examples), self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def save_definition(self, key: str, description: str, examples: list[str]) -> bool:
        """Commit to the project; a refused edit gets a sentence and changes nothing."""
        if self.project is None:
            return False
        try:
            codebook = set_label_definition(
                self.project, key, description=description, examples=examples
            )
        except UserError as error:
            report_error(self, error)
            return False
        self.set_context(self.project, codebook)
        self.codebook_edited.emit(codebook)
        return True


class LabelDefinitionDialog(QDialog):
    """The lead's editor for one label's definition and example posts. Save stays open
    when ``save`` refuses, so nothing typed is lost."""

    def __init__(
        self,
        label: Label,
        save: Callable[[str, list[str]], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self.setWindowTitle(f"Edit “{label.display_name}”")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        intro = QLabel(
            "The definition and examples are shown to every annotator beside the post. "
            "The label's key, name and shortcut do not change, so labels already given "
            "keep their meaning."
        )
        intro.setWordWrap(True)
        intro.setObjectName("codebookHint")
        self.definition = QPlainTextEdit(label.description)
        self.definition.setObjectName("definitionEdit")
        self.definition.setTabChangesFocus(True)
        self.definition.setFixedHeight(90)
        form = QFormLayout()
        form.addRow("Definition:", self.definition)
        self.example_edits: list[QPlainTextEdit] = []
        for index in range(MAX_EXAMPLES):
            edit = QPlainTextEdit(label.examples[index] if index < len(label.examples) else "")
            edit.setObjectName(f"exampleEdit{index + 1}")
            edit.setPlaceholderText(
                f"An example post, as plain text (up to {MAX_EXAMPLE_CHARS:,} characters)"
            )
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(70)
            form.addRow(f"Example {index + 1}:", edit)
            self.example_edits.append(edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, 460)

    def accept(self) -> None:
        if self._save(self.description(), self.examples()):
            super().accept()

    def description(self) -> str:
        return self.definition.toPlainText()

    def examples(self) -> list[str]:
        return [edit.toPlainText() for edit in self.example_edits]
