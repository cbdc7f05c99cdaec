"""The project's guidelines for annotators: Markdown, shown rendered, edited as text.

Raw HTML in the Markdown is shown as typed, never interpreted (the text comes from a
project file someone else may have written); web links open in the system browser and
other links do nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QKeyEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.services.project.project_settings import guidelines, set_guidelines
from annotator.services.project.projects import Project
from annotator.ui.errors import report_error

#: GitHub-flavoured Markdown (tables, strikethrough, task lists) without raw HTML.
MARKDOWN_FEATURES = (
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub
    | QTextDocument.MarkdownFeature.MarkdownNoHTML
)
#: Link schemes handed to the system; anything else (file:, javascript:) is ignored.
OPENED_SCHEMES = ("http", "https", "mailto")
EMPTY_TEXT = "*No guidelines yet.* Press **Edit** to write them (Markdown)."
#: Heading level -> font size step (Qt's default makes a level-1 heading xx-large, too
#: big for a side panel).
HEADING_SIZES = {1: 2, 2: 1}


def tone_down_headings(document: QTextDocument) -> None:
    """Headings one or two sizes smaller than Qt's Markdown default, in the app's blue."""
    block = document.begin()
    while block.isValid():
        level = block.blockFormat().headingLevel()
        if level:
            cursor = QTextCursor(block)
            cursor.movePosition(
                QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor
            )
            heading = QTextCharFormat()
            heading.setProperty(
                QTextFormat.Property.FontSizeAdjustment, HEADING_SIZES.get(level, 0)
            )
            heading.setForeground(QColor("#1f3a5f"))
            cursor.mergeCharFormat(heading)
        block = block.next()


class GuidelinesEdit(QPlainTextEdit):
    """Escape in the editor cancels, as in the other fields that hand keys back."""

    cancelled = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class GuidelinesPanel(QWidget):
    """Rendered guidelines with an Edit button; Save commits the text to the project."""

    VIEW, EDIT = 0, 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.text = ""
        self.browser = QTextBrowser()
        self.browser.setObjectName("guidelinesView")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.anchorClicked.connect(self.open_link)
        self.editor = GuidelinesEdit()
        self.editor.setObjectName("guidelinesEdit")
        self.editor.setPlaceholderText("# Guidelines\n\nWhat counts as a disclosure…")
        self.editor.cancelled.connect(self.cancel_edit)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.browser)
        self.pages.addWidget(self.editor)
        self.hint = QLabel("Markdown: # heading, **bold**, - list, [link](https://…)")
        self.hint.setObjectName("guidelinesHint")
        self.edit_button = QPushButton("Edit")
        self.edit_button.setObjectName("guidelinesEditButton")
        self.edit_button.setToolTip("Edit the guidelines as Markdown text")
        self.edit_button.clicked.connect(self.start_edit)
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("guidelinesSave")
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint)
        buttons.addStretch(1)
        for button in (self.edit_button, self.save_button, self.cancel_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.pages, stretch=1)
        layout.addLayout(buttons)
        self._show_page(self.VIEW)

    def set_context(self, project: Project | None) -> None:
        """Show the guidelines of ``project`` (None: nothing open); leaves any edit."""
        self.project = project
        self.text = guidelines(project) if project is not None else ""
        self.render_guidelines()
        self._show_page(self.VIEW)

    def render_guidelines(self) -> None:
        """Show the guidelines' Markdown (not named ``render``: that is QWidget's painter)."""
        text = self.text if self.text.strip() else EMPTY_TEXT
        self.browser.document().setMarkdown(text, MARKDOWN_FEATURES)
        tone_down_headings(self.browser.document())
        self.browser.moveCursor(QTextCursor.MoveOperation.Start)  # read from the top

    @property
    def editing(self) -> bool:
        return self.pages.currentIndex() == self.EDIT

    def start_edit(self) -> None:
        if self.project is None:
            return
        self.editor.setPlainText(self.text)
        self._show_page(self.EDIT)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def keep_edits(self) -> None:
        """Save an edit still open (the project is closing), as notes are saved on moving on."""
        if self.editing and self.editor.toPlainText() != self.text:
            self.save()

    def cancel_edit(self) -> None:
        self._show_page(self.VIEW)

    def save(self) -> bool:
        """Commit the edited text; the rendered view shows it at once."""
        if self.project is None:
            return False
        text = self.editor.toPlainText()
        try:
            set_guidelines(self.project, text)
        except UserError as error:
            report_error(self, error)
            return False
        self.text = text
        self.render_guidelines()
        self._show_page(self.VIEW)
        return True

    def open_link(self, url: QUrl) -> None:
        """Web and mail links open in the system's programs; nothing else is followed."""
        if url.scheme().casefold() in OPENED_SCHEMES:
            QDesktopServices.openUrl(url)
        elif not url.scheme() and url.hasFragment():
            self.browser.scrollToAnchor(url.fragment())

    def _show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        editing = page == self.EDIT
        self.edit_button.setVisible(not editing)
        self.edit_button.setEnabled(self.project is not None)
        self.save_button.setVisible(editing)
        self.cancel_button.setVisible(editing)
        self.hint.setVisible(editing)
