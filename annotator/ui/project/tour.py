"""A short illustrated tour of the labeling keys: a few pages with painted key caps.

Right or Enter goes on, Left goes back, Escape closes. The keys shown are the ones the
window really uses (the project's label keys and the actions' current shortcuts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QLinearGradient,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook, default_codebook
from annotator.ui.look import EVIDENCE_COLOUR

#: How the arrow keys are written on the caps.
_KEY_NAMES = {"Right": "→", "Left": "←", "Up": "↑", "Down": "↓", "Esc": "Esc"}


@dataclass(frozen=True)
class KeyHint:
    """Keys pressed together (``("Ctrl", "Z")``) and what they do."""

    keys: tuple[str, ...]
    does: str


@dataclass(frozen=True)
class TourPage:
    title: str
    hints: tuple[KeyHint, ...]
    text: str
    sketch: bool = False


def split_keys(text: str) -> tuple[str, ...]:
    """``"Ctrl+Right"`` as the caps to draw: ``("Ctrl", "→")``."""
    if not text:
        return ()
    if text == "+":
        return ("+",)
    return tuple(_KEY_NAMES.get(part, part) for part in text.split("+"))


def tour_pages(codebook: Codebook, key: Mapping[str, str]) -> list[TourPage]:
    """The tour's pages for this codebook; ``key`` maps an action id to its shortcut."""
    labels = tuple(
        KeyHint(split_keys(label.shortcut), label.display_name)
        for label in codebook.labels[:5]
        if label.shortcut
    )

    def hint(action_id: str, does: str) -> KeyHint:
        return KeyHint(split_keys(key.get(action_id, "")) or ("—",), does)

    return [
        TourPage(
            "Label with one key",
            labels,
            "Press a label's key. The label is saved at once, with your notes, sponsor and "
            "evidence, and the next post opens. A key held down labels only one post.",
        ),
        TourPage(
            "Quote the evidence",
            (hint("post.evidence", "keep the selected words as evidence"),),
            "Select the words that decided your label with the mouse, then press the key. "
            "They are highlighted in the post and kept with your label; select one in the "
            "list and press Delete to remove it.",
            sketch=True,
        ),
        TourPage(
            "Notes and sponsor",
            (
                hint("post.notes", "write notes"),
                hint("post.sponsor", "enter the sponsor"),
                KeyHint(("Esc",), "back to the label keys"),
            ),
            "While you type in the notes or the sponsor field, keys are just text: typing "
            "a 2 there never labels a post. Escape gives the keys back to labeling.",
        ),
        TourPage(
            "Skip or flag",
            (hint("post.skip", "skip: come back later"), hint("post.flag", "flag for the lead")),
            "Skip a post you want to think about; it waits under “Skipped by me”. Flag a "
            "post the guidelines do not settle, and say why in the notes.",
        ),
        TourPage(
            "Move and undo",
            (
                hint("go.previous", "previous post"),
                hint("go.next", "next post"),
                hint("go.next_unlabeled", "next unlabeled"),
                hint("edit.undo", "undo a label"),
                hint("help.keys", "every key"),
            ),
            "Undo works after you have moved on, too. The Codebook panel (View menu) shows "
            "each label's definition and examples beside the post.",
        ),
    ]


def _cap_font() -> QFont:
    font = QFont()
    font.setPixelSize(17)
    font.setBold(True)
    return font


class KeyCaps(QWidget):
    """Painted key caps for one combination, joined by "+"."""

    CAP_HEIGHT = 46
    DEPTH = 4

    def __init__(self, keys: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keys = keys
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def _cap_width(self, text: str) -> int:
        return max(self.CAP_HEIGHT, QFontMetrics(_cap_font()).horizontalAdvance(text) + 24)

    def sizeHint(self) -> QSize:
        plus = QFontMetrics(_cap_font()).horizontalAdvance("+") + 12
        width = sum(self._cap_width(k) for k in self.keys) + plus * max(0, len(self.keys) - 1)
        return QSize(width + 2, self.CAP_HEIGHT + self.DEPTH + 2)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(_cap_font())
        plus = QFontMetrics(_cap_font()).horizontalAdvance("+") + 12
        x = 1.0
        for index, key in enumerate(self.keys):
            if index:
                painter.setPen(QColor("#666666"))
                painter.drawText(
                    QRectF(x, 0, plus, self.CAP_HEIGHT), Qt.AlignmentFlag.AlignCenter, "+"
                )
                x += plus
            width = self._cap_width(key)
            self._paint_cap(painter, QRectF(x, 1, width, self.CAP_HEIGHT), key)
            x += width

    def _paint_cap(self, painter: QPainter, rect: QRectF, key: str) -> None:
        """A key seen from above: a darker skirt below a lighter face."""
        painter.setPen(QPen(QColor("#8a94a3"), 1))
        painter.setBrush(QColor("#c9d0da"))
        painter.drawRoundedRect(rect.translated(0, self.DEPTH), 7, 7)
        face = QLinearGradient(QPointF(rect.topLeft()), QPointF(rect.bottomLeft()))
        face.setColorAt(0, QColor("#ffffff"))
        face.setColorAt(1, QColor("#e9edf2"))
        painter.setBrush(face)
        painter.drawRoundedRect(rect, 7, 7)
        painter.setPen(QColor("#1f3a5f"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, key)


class SelectionSketch(QWidget):
    """A line of a post with words selected, as they look before pressing E."""

    BEFORE = "Loving my new serum! #ad "
    SELECTED = "Paid partnership with GlowCo"

    @staticmethod
    def _font() -> QFont:
        font = QFont()
        font.setPixelSize(16)
        return font

    def sizeHint(self) -> QSize:
        width = QFontMetrics(self._font()).horizontalAdvance(self.BEFORE + self.SELECTED)
        return QSize(width + 32, 56)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.setPen(QColor("#d8d2c4"))
        painter.setBrush(QColor("#fffdf8"))
        painter.drawRoundedRect(box, 6, 6)
        font = self._font()
        painter.setFont(font)
        metrics = QFontMetrics(font)
        x = box.left() + 14
        baseline = box.center().y() + metrics.ascent() / 2 - 2
        painter.setPen(QColor("#1d1d1d"))
        painter.drawText(QPointF(x, baseline), self.BEFORE)
        x += metrics.horizontalAdvance(self.BEFORE)
        width = metrics.horizontalAdvance(self.SELECTED)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(EVIDENCE_COLOUR)
        painter.drawRect(QRectF(x - 1, baseline - metrics.ascent(), width + 2, metrics.height()))
        painter.setPen(QColor("#1d1d1d"))
        painter.drawText(QPointF(x, baseline), self.SELECTED)


class TourDialog(QDialog):
    """The pages with Back and Next; Right, Left, Enter and Escape drive it."""

    def __init__(
        self,
        codebook: Codebook | None = None,
        actions: Mapping[str, QAction] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tour of the labeling keys")
        self.setObjectName("tourDialog")
        keys = {
            action_id: action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            for action_id, action in (actions or {}).items()
        }
        shown = codebook if codebook and codebook.labels else default_codebook()
        self.pages = tour_pages(shown, {**_DEFAULT_KEYS, **{k: v for k, v in keys.items() if v}})
        self.stack = QStackedWidget()
        for page in self.pages:
            self.stack.addWidget(self._page_widget(page))
        self.counter = QLabel()
        self.counter.setObjectName("tourCounter")
        self.back_button = QPushButton("Back")
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton("Next")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.counter, stretch=1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(self.stack, stretch=1)
        layout.addLayout(buttons)
        for shortcut, slot in (("Right", self.next), ("Left", self.back)):
            action = QAction(self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            self.addAction(action)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(640, 360)
        self._show(0)

    @property
    def index(self) -> int:
        return self.stack.currentIndex()

    def next(self) -> None:
        if self.index + 1 >= self.stack.count():
            self.accept()
        else:
            self._show(self.index + 1)

    def back(self) -> None:
        self._show(max(0, self.index - 1))

    def _show(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        last = index + 1 == self.stack.count()
        self.counter.setText(f"{index + 1} of {self.stack.count()}   ← → to move, Esc to close")
        self.back_button.setEnabled(index > 0)
        self.next_button.setText("Done" if last else "Next")

    def _page_widget(self, page: TourPage) -> QWidget:
        widget = QWidget()
        layout = QVBoxLayout(widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        title = QLabel(page.title)
        title.setObjectName("tourTitle")
        layout.addWidget(title)
        if page.sketch:
            layout.addWidget(SelectionSketch(), alignment=Qt.AlignmentFlag.AlignHCenter)
        grid = QGridLayout()
        grid.setHorizontalSpacing(22)
        grid.setVerticalSpacing(6)
        columns = 3 if len(page.hints) > 3 else max(1, len(page.hints))
        for number, hint in enumerate(page.hints):
            row, column = divmod(number, columns)
            grid.addWidget(KeyCaps(hint.keys), row * 2, column, Qt.AlignmentFlag.AlignHCenter)
            does = QLabel(hint.does)
            does.setObjectName("tourKeyCaption")
            does.setTextFormat(Qt.TextFormat.PlainText)
            does.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            does.setWordWrap(True)
            grid.addWidget(does, row * 2 + 1, column)
        caps = QHBoxLayout()
        caps.addStretch(1)
        caps.addLayout(grid)
        caps.addStretch(1)
        layout.addLayout(caps)
        text = QLabel(page.text)
        text.setObjectName("tourText")
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addStretch(1)
        return widget


#: The keys the tour shows when it is opened without the window's actions.
_DEFAULT_KEYS = {
    "post.evidence": "E",
    "post.notes": "N",
    "post.sponsor": "P",
    "post.skip": "S",
    "post.flag": "F",
    "go.previous": "Left",
    "go.next": "Right",
    "go.next_unlabeled": "Ctrl+Right",
    "edit.undo": "Ctrl+Z",
    "help.keys": "F1",
}
