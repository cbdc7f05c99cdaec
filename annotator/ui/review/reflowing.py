"""Sections in as many columns as the width allows, so a page scrolls down inside itself
and never makes the window wider (issue 18: Review at 1024 x 700)."""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QWidget

#: Where a section goes: widget, row, column, rows and columns spanned.
Spot = tuple[QWidget, int, int, int, int]


class ReflowingSections(QWidget):
    """Lays ``sections`` out again whenever the width crosses one of ``BREAKPOINTS``;
    subclasses say where each section goes for a number of columns."""

    #: Widths from which 2, 3, … columns fit without a horizontal scroll bar.
    BREAKPOINTS: tuple[int, ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(8, 8, 8, 8)
        self.sections: list[QWidget] = []
        self.columns = 0

    def set_sections(self, sections: list[QWidget]) -> None:
        self.sections = sections
        self._place(1)

    def spots(self, columns: int) -> list[Spot]:
        """Left to right, then down: one cell each."""
        return [
            (widget, *divmod(index, columns), 1, 1) for index, widget in enumerate(self.sections)
        ]

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = event.size().width()
        wanted = 1 + sum(width >= breakpoint for breakpoint in self.BREAKPOINTS)
        if wanted != self.columns:
            self._place(wanted)

    def _place(self, columns: int) -> None:
        self.columns = columns
        for placed in self.sections:
            self.grid.removeWidget(placed)
        for column in range(len(self.BREAKPOINTS) + 1):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        for widget, row, column, rows, span in self.spots(columns):
            self.grid.addWidget(widget, row, column, rows, span)
