"""Column headers: the shared helper, and what the static tables' headers answer through it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.ui.browse.browse_model import COUNT_COLUMN, TEXT_COLUMN, BrowseTableModel
from annotator.ui.clusters.clusters_model import (
    ACCOUNTS_COLUMN,
    FIRST_COLUMN,
    SIZE_COLUMN,
    ClusterTableModel,
)
from annotator.ui.table_headers import horizontal_header, is_column_header

H, V = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
DISPLAY, TIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole
FIRST_ORDER = Qt.ItemDataRole.InitialSortOrderRole
TITLES, TIPS = ("ID", "Text"), ("The post's id", "What it says")


def test_horizontal_header_gives_titles_and_tooltips() -> None:
    assert horizontal_header(TITLES, 1, H, DISPLAY, tooltips=TIPS) == "Text"
    assert horizontal_header(TITLES, 0, H, TIP, tooltips=TIPS) == "The post's id"
    assert horizontal_header(TITLES, 0, H, TIP) is None  # no tool tips given


@pytest.mark.parametrize(
    ("section", "orientation", "role"),
    [(0, V, DISPLAY), (-1, H, DISPLAY), (2, H, DISPLAY), (2, H, TIP), (0, H, FIRST_ORDER)],
)
def test_horizontal_header_answers_none_elsewhere(
    section: int, orientation: Qt.Orientation, role: int
) -> None:
    assert horizontal_header(TITLES, section, orientation, role, tooltips=TIPS) is None


def test_is_column_header_only_for_columns_in_range() -> None:
    assert is_column_header(0, H, 2) and is_column_header(1, H, 2)
    assert not is_column_header(2, H, 2)
    assert not is_column_header(-1, H, 2)
    assert not is_column_header(0, V, 2)


def test_browse_headers_titles_tips_alignment_and_first_click_order() -> None:
    model = BrowseTableModel()
    titles = [model.headerData(c, H) for c in range(model.columnCount())]
    assert titles == [
        "ID", "Dataset", "Author", "Time", "Text", "My label", "My notes", "Labels", "Picture"
    ]  # fmt: skip
    assert "hover a cell" in str(model.headerData(TEXT_COLUMN, H, TIP))
    centre = int(Qt.AlignmentFlag.AlignCenter)
    assert model.headerData(COUNT_COLUMN, H, Qt.ItemDataRole.TextAlignmentRole) == centre
    assert model.headerData(TEXT_COLUMN, H, Qt.ItemDataRole.TextAlignmentRole) is None
    ascending = Qt.SortOrder.AscendingOrder.value
    assert all(model.headerData(c, H, FIRST_ORDER) == ascending for c in range(model.columnCount()))
    assert model.headerData(model.columnCount(), H, FIRST_ORDER) is None
    assert model.headerData(0, V) is None


def test_cluster_headers_sort_counts_biggest_first_on_the_first_click() -> None:
    model = ClusterTableModel()
    titles = [model.headerData(c, H) for c in range(model.columnCount())]
    assert titles == ["Posts", "Accounts", "First", "Last", "Labels", "Shared image", "Text"]
    assert model.headerData(ACCOUNTS_COLUMN, H, TIP) == "How many different accounts posted it"
    descending, ascending = Qt.SortOrder.DescendingOrder.value, Qt.SortOrder.AscendingOrder.value
    assert model.headerData(SIZE_COLUMN, H, FIRST_ORDER) == descending
    assert model.headerData(ACCOUNTS_COLUMN, H, FIRST_ORDER) == descending
    assert model.headerData(FIRST_COLUMN, H, FIRST_ORDER) == ascending
    assert model.headerData(model.columnCount(), H, FIRST_ORDER) is None
    assert model.headerData(SIZE_COLUMN, V, FIRST_ORDER) is None
