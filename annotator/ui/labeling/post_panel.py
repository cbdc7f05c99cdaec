"""Shows one post: plain text (never HTML) with markers and evidence highlighted, metadata,
the marker suggestion, and the list of evidence spans."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.markers import MarkerMatch
from annotator.domain.records import EvidenceSpan, PostRecord
from annotator.domain.text_offsets import index_to_utf16, utf16_to_index
from annotator.ui.look import EVIDENCE_COLOUR

MARKER_COLOUR = QColor("#ffe08a")


def _plain_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class EvidenceList(QListWidget):
    """Evidence spans of the current post; Delete removes the selected one."""

    remove_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentRow() >= 0:
            self.remove_requested.emit(self.currentRow())
            return
        super().keyPressEvent(event)


class PostPanel(QWidget):
    """Post text in a read-only plain-text view, metadata above, evidence below."""

    remove_evidence = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meta = _plain_label("postMeta")
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit()
        self.text.setObjectName("postText")
        self.text.setReadOnly(True)
        # The window's arrow and number keys must reach the labeling actions; the mouse
        # still selects text for evidence.
        self.text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.suggestion = _plain_label("markerSuggestion")
        self.empty = _plain_label("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.evidence_list = EvidenceList()
        self.evidence_list.setObjectName("evidenceList")
        self.evidence_list.setMaximumHeight(96)
        self.evidence_list.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.evidence_list.remove_requested.connect(self.remove_evidence)
        self.remove_button = QPushButton("Remove span")
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.remove_button.clicked.connect(self._remove_selected)
        self.evidence_title = QLabel("Evidence (select words in the post, press E)")
        self.evidence_title.setObjectName("evidenceTitle")
        evidence_head = QHBoxLayout()
        evidence_head.addWidget(self.evidence_title, stretch=1)
        evidence_head.addWidget(self.remove_button)
        self.evidence_box = QWidget()
        evidence_layout = QVBoxLayout(self.evidence_box)
        evidence_layout.setContentsMargins(0, 0, 0, 0)
        evidence_layout.addLayout(evidence_head)
        evidence_layout.addWidget(self.evidence_list)

        layout = QVBoxLayout(self)
        layout.addWidget(self.meta)
        layout.addWidget(self.text, stretch=1)
        layout.addWidget(self.suggestion)
        layout.addWidget(self.evidence_box)
        layout.addWidget(self.empty, stretch=1)
        self._post_text = ""
        self._markers: list[MarkerMatch] = []
        self._evidence: tuple[EvidenceSpan, ...] = ()
        self.show_message("Open or create a project from the File menu.")

    # ----- showing ----------------------------------------------------------------------------

    def show_post(
        self,
        post: PostRecord,
        *,
        position: int,
        total: int,
        blind: bool,
        extra_columns: list[str],
        markers: list[MarkerMatch],
    ) -> None:
        parts = [
            f"Post {position:,} of {total:,}",
            f"dataset {post.dataset}",
            f"id {post.external_id}",
        ]
        if not blind and post.author:
            parts.append(f"by {post.author}")
        for label, value in (("on", post.platform), ("at", post.created_at)):
            if value:
                parts.append(f"{label} {value}")
        lines = ["  ·  ".join(parts)]
        if post.url and not blind:
            lines.append(post.url)
        extras = [
            f"{column}: {post.extra[column]}" for column in extra_columns if column in post.extra
        ]
        if extras:
            lines.append("  ·  ".join(extras))
        self.meta.setText("\n".join(lines))
        self._post_text = post.text
        self._markers = markers
        self.text.setPlainText(post.text)
        if markers:
            found = ", ".join(dict.fromkeys(m.text for m in markers))
            self.suggestion.setText(
                f"Disclosure marker found: {found}. A suggestion only: the label is yours."
            )
            self.suggestion.show()
        else:
            self.suggestion.hide()
        self.empty.hide()
        for widget in (self.meta, self.text, self.evidence_box):
            widget.show()

    def show_message(self, message: str) -> None:
        for widget in (self.meta, self.text, self.suggestion, self.evidence_box):
            widget.hide()
        self.text.clear()
        self._post_text = ""
        self.empty.setText(message)
        self.empty.show()

    def set_evidence(self, spans: tuple[EvidenceSpan, ...]) -> None:
        """List the spans and repaint the highlights (markers under evidence)."""
        self._evidence = spans
        self.evidence_list.clear()
        for span in spans:
            item = QListWidgetItem(f"“{span.quote}”  [{span.start}–{span.end}]")
            item.setToolTip(span.quote)
            self.evidence_list.addItem(item)
        self.remove_button.setEnabled(bool(spans))
        self._paint()

    def _paint(self) -> None:
        selections = []
        for start, end, colour, bold in [
            *((m.start, m.end, MARKER_COLOUR, True) for m in self._markers),
            *((s.start, s.end, EVIDENCE_COLOUR, False) for s in self._evidence),
        ]:
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(index_to_utf16(self._post_text, start))
            cursor.setPosition(
                index_to_utf16(self._post_text, end), QTextCursor.MoveMode.KeepAnchor
            )
            fmt = QTextCharFormat()
            fmt.setBackground(colour)
            if bold:
                fmt.setFontWeight(700)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.text.setExtraSelections(selections)

    # ----- reading the selection ----------------------------------------------------------------

    def selected_span(self) -> EvidenceSpan | None:
        """The selected words as a span of the post's own text, or None."""
        cursor = self.text.textCursor()
        if not cursor.hasSelection() or not self._post_text:
            return None
        shown = self.text.toPlainText()
        start = utf16_to_index(shown, cursor.selectionStart())
        end = utf16_to_index(shown, cursor.selectionEnd())
        quote = shown[start:end]
        if shown != self._post_text:
            # Line endings differ (\r\n shown as one break): find the quote in the post.
            found = self._post_text.find(quote, max(0, start - 8))
            found = found if found >= 0 else self._post_text.find(quote)
            if found < 0:
                return None
            start, end = found, found + len(quote)
        quote = self._post_text[start:end]
        stripped = quote.strip()
        if not stripped:
            return None
        start += len(quote) - len(quote.lstrip())
        return EvidenceSpan(start=start, end=start + len(stripped), quote=stripped)

    def select(self, start: int, end: int) -> None:
        """Select code points [start, end) of the post (for keyboard users and tests)."""
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(index_to_utf16(self._post_text, start))
        cursor.setPosition(index_to_utf16(self._post_text, end), QTextCursor.MoveMode.KeepAnchor)
        self.text.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.text.textCursor()
        cursor.clearSelection()
        self.text.setTextCursor(cursor)

    def _remove_selected(self) -> None:
        row = self.evidence_list.currentRow()
        if row < 0 and self.evidence_list.count():
            row = self.evidence_list.count() - 1
        if row >= 0:
            self.remove_evidence.emit(row)
