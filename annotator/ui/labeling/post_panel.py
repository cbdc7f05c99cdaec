"""Shows one post: plain text (never HTML) with markers and evidence highlighted, metadata,
the marker suggestion, and the list of evidence spans.

Long posts must not freeze the window: Qt lays out one paragraph as a whole, and a 5 MB
post on one line took minutes (a line without spaces grows quadratically: 400,000
characters took 11 s). So a post shows its first ``SHOWN_LIMIT`` characters until the user
asks for the whole text, and any line longer than ``BLOCK_LIMIT`` is shown as several
paragraphs (broken at a space where one is near); QPlainTextEdit then lays out only what
is on screen, and 5 MB shows in a tenth of a second. Offsets stay those of the post's own
text: the breaks added for display are mapped out of every position.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QTextCharFormat, QTextCursor
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
from annotator.domain.search_terms import search_hits
from annotator.domain.text_offsets import index_to_utf16, utf16_to_index
from annotator.ui.elided_label import ElidedLabel
from annotator.ui.focus import return_keys_to_window
from annotator.ui.look import EVIDENCE_COLOUR, MARKER_COLOUR, with_emoji_fallback

#: Words and phrases of the search that found the post, on a pale blue.
SEARCH_COLOUR = QColor("#cfe3ff")

#: Characters of a post shown until "Show whole text" is pressed.
SHOWN_LIMIT = 20_000
#: Longest line shown as one paragraph; longer ones are broken for display only.
BLOCK_LIMIT = 10_000
#: How far back from BLOCK_LIMIT a space is looked for to break at.
_BREAK_SEARCH = 200


def display_breaks(text: str) -> list[int]:
    """Indexes of ``text`` before which a line break is shown (never stored): every line
    longer than ``BLOCK_LIMIT`` is cut, after a space when one is near the limit."""
    breaks: list[int] = []
    line_start = 0
    length = len(text)
    while line_start < length:
        newline = text.find("\n", line_start)
        line_end = length if newline < 0 else newline
        position = line_start
        while line_end - position > BLOCK_LIMIT:
            cut = position + BLOCK_LIMIT
            space = text.rfind(" ", cut - _BREAK_SEARCH, cut)
            cut = space + 1 if space > position else cut
            breaks.append(cut)
            position = cut
        line_start = line_end + 1
    return breaks


def _overlaps(start: int, end: int, spans: list[tuple[int, int, QColor, bool]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end, *_ in spans)


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


#: Keys that move the caret in the post text (with or without Shift and Ctrl). While the
#: text has the keys they move the caret instead of going to another post.
_CARET_KEYS = frozenset(
    {
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_Home,
        Qt.Key.Key_End,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
    }
)


class PostTextView(QPlainTextEdit):
    """The read-only post text with a keyboard caret: arrows move it, Shift+Ctrl+arrows
    select by word, E (a window key) quotes the selection, Esc hands the keys back.

    A drag selects exactly what it covers, partial words included (a hashtag inside a
    longer one can be the evidence). A drag that starts with a double click extends by
    whole words and never drops one: Qt's own word-wise drag left out a word whose middle
    the pointer had not passed ("r that filters" became "filters")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        #: The word a double click selected while the button is held, else None.
        self._word: tuple[int, int] | None = None
        # Tab and T reach it; a click does not, so the window's keys stay after selecting.
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setTabChangesFocus(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and Qt.Key(event.key()) in _CARET_KEYS
        ):
            event.accept()  # the caret's, not Next / Previous post
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            return_keys_to_window(self)
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._word = None
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        super().mouseDoubleClickEvent(event)  # selects the word under the pointer
        cursor = self.textCursor()
        self._word = (cursor.selectionStart(), cursor.selectionEnd())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        word = self._word
        if word is None or not event.buttons() & Qt.MouseButton.LeftButton:
            super().mouseMoveEvent(event)
            return
        self.setTextCursor(_whole_words(self.cursorForPosition(event.position().toPoint()), word))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._word = None
        super().mouseReleaseEvent(event)


def _whole_words(pointer: QTextCursor, word: tuple[int, int]) -> QTextCursor:
    """The double-clicked ``word`` joined with the whole word under ``pointer``."""
    start, end = word
    edge, cursor = QTextCursor(pointer), QTextCursor(pointer)
    if pointer.position() < start:
        edge.movePosition(QTextCursor.MoveOperation.StartOfWord)
        cursor.setPosition(end)
        cursor.setPosition(edge.position(), QTextCursor.MoveMode.KeepAnchor)
    else:
        edge.movePosition(QTextCursor.MoveOperation.EndOfWord)
        cursor.setPosition(start)
        cursor.setPosition(max(edge.position(), end), QTextCursor.MoveMode.KeepAnchor)
    return cursor


class PostPanel(QWidget):
    """Post text in a read-only plain-text view, metadata above, evidence below."""

    remove_evidence = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meta = _plain_label("postMeta")
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta.setAccessibleName("Post details")
        self.link = ElidedLabel()
        self.link.setObjectName("postLink")
        self.link.setAccessibleName("Post link")
        self.text = PostTextView()
        self.text.setObjectName("postText")
        self.text.setFont(with_emoji_fallback(self.text.font()))
        self.text.setAccessibleName("Post text")
        self.text.setAccessibleDescription(
            "T puts a caret here; Shift+Ctrl+arrows select words; E adds them as evidence"
        )
        self.more_button = QPushButton()
        self.more_button.setObjectName("showWholeText")
        self.more_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.more_button.clicked.connect(self.show_whole_text)
        self.more_button.hide()
        self.suggestion = _plain_label("markerSuggestion")
        self.empty = _plain_label("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.evidence_list = EvidenceList()
        self.evidence_list.setObjectName("evidenceList")
        self.evidence_list.setMaximumHeight(96)
        self.evidence_list.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.evidence_list.setAccessibleName("Evidence spans")
        self.evidence_list.setAccessibleDescription("Delete removes the selected span")
        self.evidence_list.remove_requested.connect(self.remove_evidence)
        self.remove_button = QPushButton("Remove span")
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.remove_button.setAccessibleName("Remove evidence span")
        self.remove_button.clicked.connect(self._remove_selected)
        self.evidence_title = QLabel("Evidence (select words in the post, press E)")
        self.evidence_title.setObjectName("evidenceTitle")
        # Wraps rather than widening the window when the system font is large.
        self.evidence_title.setWordWrap(True)
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
        layout.addWidget(self.link)
        #: The text, and beside it whatever the view adds there (the post's pictures).
        self.body = QHBoxLayout()
        self.body.addWidget(self.text, stretch=1)
        layout.addLayout(self.body, stretch=1)
        layout.addWidget(self.more_button)
        layout.addWidget(self.suggestion)
        layout.addWidget(self.evidence_box)
        layout.addWidget(self.empty, stretch=1)
        self._post_text = ""
        self._shown_end = 0
        self._shown = ""
        self._breaks: list[int] = []
        self._break_positions: list[int] = []
        self._markers: list[MarkerMatch] = []
        self._search = ""
        self._hits: list[tuple[int, int]] = []
        self._evidence: tuple[EvidenceSpan, ...] = ()
        #: The metadata lines of the post shown, without its position in the view.
        self._meta_lines: list[str] = []
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
        search: str = "",
    ) -> None:
        """Show a post; ``search`` is the query that found it, its words highlighted."""
        parts = [f"dataset {post.dataset}", f"id {post.external_id}"]
        if not blind and post.author:
            parts.append(f"by {post.author}")
        for label, value in (("on", post.platform), ("at", post.created_at)):
            if value:
                parts.append(f"{label} {value}")
        lines = ["  ·  ".join(parts)]
        link = post.url if post.url and not blind else ""
        self.link.set_full_text(link)
        extras = [
            f"{column}: {post.extra[column]}" for column in extra_columns if column in post.extra
        ]
        if extras:
            lines.append("  ·  ".join(extras))
        self._meta_lines = lines
        self.show_position(position, total)
        self._post_text = post.text
        self._markers = markers
        self._search = search
        self._show_text(min(len(post.text), SHOWN_LIMIT))
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
        self.link.setVisible(bool(link))

    def show_position(self, position: int, total: int) -> None:
        """ "Post 3 of 120" before the metadata; called again alone when someone else's
        import changes the count, so the text and its selection stay."""
        head, *rest = self._meta_lines or [""]
        self.meta.setText("\n".join([f"Post {position:,} of {total:,}  ·  {head}", *rest]))

    def show_whole_text(self) -> None:
        """Show the rest of a long post, with its highlights."""
        if self._shown_end < len(self._post_text):
            self._show_text(len(self._post_text))
            self.set_evidence(self._evidence)

    def _show_text(self, end: int) -> None:
        """Show the post's first ``end`` characters, long lines broken for display."""
        part = self._post_text[:end]
        self._shown_end = end
        self._breaks = display_breaks(part)
        self._break_positions = [index + count for count, index in enumerate(self._breaks)]
        pieces = []
        previous = 0
        for index in self._breaks:
            pieces.append(part[previous:index])
            previous = index
        pieces.append(part[previous:])
        self._shown = "\n".join(pieces)
        self.text.setPlainText(self._shown)
        self._hits = search_hits(part, self._search) if self._search else []
        rest = len(self._post_text) - end
        self.more_button.setText(f"… {rest:,} more characters — Show whole text")
        self.more_button.setVisible(rest > 0)

    def _to_shown(self, index: int) -> int:
        """UTF-16 position in the view of code point ``index`` of the post."""
        return index_to_utf16(self._shown, index + bisect_right(self._breaks, index))

    def _from_shown(self, position: int) -> int:
        """Code point of the post at UTF-16 ``position`` of the view."""
        shown = utf16_to_index(self._shown, position)
        return shown - bisect_left(self._break_positions, shown)

    def show_message(self, message: str) -> None:
        for widget in (
            self.meta,
            self.link,
            self.text,
            self.more_button,
            self.suggestion,
            self.evidence_box,
        ):
            widget.hide()
        self.text.clear()
        self._post_text = ""
        self._shown = ""
        self._shown_end = 0
        self._breaks = []
        self._break_positions = []
        self._hits = []
        self.empty.setText(message)
        self.empty.show()

    def set_evidence(self, spans: tuple[EvidenceSpan, ...]) -> None:
        """List the spans and repaint the highlights (markers under evidence)."""
        self._evidence = spans
        self.evidence_list.clear()
        for span in spans:
            beyond = "  (in the text not shown yet)" if span.start >= self._shown_end else ""
            item = QListWidgetItem(f"“{span.quote}”  [{span.start}–{span.end}]{beyond}")
            item.setToolTip(span.quote)
            self.evidence_list.addItem(item)
        self.remove_button.setEnabled(bool(spans))
        self._paint()

    def _paint(self) -> None:
        """Markers and evidence on their colours; search hits on theirs, or (where a marker
        or evidence already colours the words) underlined only, so both stay visible."""
        coloured = [
            *((m.start, m.end, MARKER_COLOUR, True) for m in self._markers),
            *((s.start, s.end, EVIDENCE_COLOUR, False) for s in self._evidence),
        ]
        hits = [
            (start, end, None if _overlaps(start, end, coloured) else SEARCH_COLOUR, None)
            for start, end in self._hits
        ]
        selections = []
        for start, end, colour, bold in [*coloured, *hits]:
            if start >= self._shown_end:
                continue  # listed, highlighted once the whole text is shown
            end = min(end, self._shown_end)
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(self._to_shown(start))
            cursor.setPosition(self._to_shown(end), QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            if colour is not None:
                fmt.setBackground(colour)
            if bold is None:  # a search hit
                fmt.setFontUnderline(True)
            elif bold:
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
        if shown == self._shown:
            start = self._from_shown(cursor.selectionStart())
            end = self._from_shown(cursor.selectionEnd())
            quote = self._post_text[start:end]
        else:
            # Line endings differ (\r\n shown as one break): find the quote in the post.
            start = utf16_to_index(shown, cursor.selectionStart())
            end = utf16_to_index(shown, cursor.selectionEnd())
            quote = shown[start:end]
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
        if end > self._shown_end:
            self.show_whole_text()
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(self._to_shown(start))
        cursor.setPosition(self._to_shown(end), QTextCursor.MoveMode.KeepAnchor)
        self.text.setTextCursor(cursor)

    def take_caret(self) -> None:
        """Give the post text the keys, the caret where it was (the start at first)."""
        if self.text.isVisible():
            self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_chain(self) -> tuple[QWidget, ...]:
        """The panel's controls in Tab order, for the view to chain with its other ones."""
        return (self.text, self.more_button, self.evidence_list, self.remove_button)

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
