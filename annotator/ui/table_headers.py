"""Column headers shared by the table models: a title to show and a tool tip per column."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt


def is_column_header(section: int, orientation: Qt.Orientation, count: int) -> bool:
    """Whether ``section`` is one of the ``count`` columns of the horizontal header."""
    return orientation == Qt.Orientation.Horizontal and 0 <= section < count


def horizontal_header(
    titles: Sequence[str],
    section: int,
    orientation: Qt.Orientation,
    role: int,
    *,
    tooltips: Sequence[str] | None = None,
) -> str | None:
    """What ``headerData`` answers for a column: its title, or its tool tip if given; None for
    the vertical header, a section out of range and every other role."""
    if not is_column_header(section, orientation, len(titles)):
        return None
    if role == Qt.ItemDataRole.DisplayRole:
        return titles[section]
    if role == Qt.ItemDataRole.ToolTipRole and tooltips is not None:
        return tooltips[section]
    return None
