"""A tab widget that does not repaint its whole page when a label inside changes text.

Qt's ``QTabWidget`` answers every layout request from inside its pages by laying its
tab bar out again and repainting everything it holds. A label key changes a dozen labels
in the Label tab, and each text change asks the layouts above it to look again (Qt's
``QLayout::activate`` passes the request up "ideally only if the size hint changed", in
its own words, but always does). That repaint of the whole tab was 2 ms of every label
key (a 1200 x 760 window, measured with the workspace benchmark).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QTabWidget, QWidget


class QuietTabWidget(QTabWidget):
    """Lays itself out again only when what it holds wants another size; resizing the
    window and adding or removing tabs lay it out as ever (Qt does that outside this
    event)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hints: tuple[QSize, QSize] | None = None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            hints = (self.sizeHint(), self.minimumSizeHint())
            if hints == self._hints:
                event.accept()
                return True
            self._hints = hints
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)  # lays the tab out for its new size
        self._hints = (self.sizeHint(), self.minimumSizeHint())
