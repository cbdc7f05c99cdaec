"""A one-line label that elides in the middle instead of wrapping or widening.

A post's link can be 300 characters without a space (TikTok, tracking parameters):
wrapped, it took three lines of the post's header at a 150 % font and pushed the
window past 700 px. Qt has no eliding label (QFontMetrics.elidedText only elides a
string), so this small subclass re-elides on every resize.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QLabel, QMenu, QWidget


class ElidedLabel(QLabel):
    """Shows ``full_text`` on one line, "…" in the middle when it does not fit; the whole
    text is in the tooltip and the right-click menu copies it whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.full_text = ""

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text)
        self.setAccessibleDescription(text)
        self._elide()

    def minimumSizeHint(self) -> QSize:
        """As narrow as one "…", so a long link never widens the window."""
        hint = super().minimumSizeHint()
        return QSize(self.fontMetrics().horizontalAdvance("…"), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        menu.addAction("Copy link", self.copy_full_text)
        menu.exec(event.globalPos())

    def copy_full_text(self) -> None:
        QGuiApplication.clipboard().setText(self.full_text)

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self.full_text, Qt.TextElideMode.ElideMiddle, max(self.width(), 1)
        )
        if shown != self.text():
            self.setText(shown)
