"""The window is readable at 1024 x 700: no tab widens it, no table header is elided, and the
side panels leave room for what they hold. Real widgets on the sample project."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHeaderView, QScrollArea, QStyle, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from annotator.domain.codebook import default_codebook
from annotator.domain.records import AuthorPost
from annotator.services.project.sample_project import build_sample_project
from annotator.ui.labeling.author_panel import AuthorPanel
from annotator.ui.main_window import BROWSE_TAB, CLUSTERS_TAB, LABEL_TAB, REVIEW_TAB, MainWindow
from annotator.ui.review.review_figures import SMALL_N
from annotator.ui.review.review_panel import AGREEMENT_PAGE, DISAGREEMENTS_PAGE, MODEL_PAGE

pytestmark = pytest.mark.gui

SMALL = QSize(1024, 700)
#: Room an icon takes beside a header's text (the label chips in the confusion matrix).
ICON_ROOM = 20


def elided_headers(root: QWidget) -> list[str]:
    """Every visible header section whose text is wider than the section shows it."""
    found = []
    for header in root.findChildren(QHeaderView):
        model = header.model()
        if not header.isVisible() or model is None:
            continue
        metrics = QFontMetrics(header.font())
        margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        horizontal = header.orientation() == Qt.Orientation.Horizontal
        for section in range(header.count()):
            text = model.headerData(section, header.orientation(), Qt.ItemDataRole.DisplayRole)
            if header.isSectionHidden(section) or not text:
                continue
            needed = max(metrics.horizontalAdvance(line) for line in str(text).split("\n"))
            needed += margin
            if model.headerData(section, header.orientation(), Qt.ItemDataRole.DecorationRole):
                needed += ICON_ROOM
            shown = header.sectionSize(section) if horizontal else header.width()
            if needed > shown:
                owner = header.parent().objectName() if header.parent() else "?"
                found.append(f"{owner}: {text!r} needs {needed} px, has {shown}")
    return found


@pytest.fixture
def sample_window(tmp_path: Path, make_window: Callable[..., MainWindow]) -> MainWindow:
    project = build_sample_project(tmp_path / "sample.annotator")
    location = project.location
    project.close()
    window = make_window(location)
    window.resize(SMALL)
    return window


def settle(qtbot: QtBot) -> None:
    qtbot.wait(150)  # layouts and the reflowing figures follow the resize


def show_tab(qtbot: QtBot, window: MainWindow, tab: int, page: int | None = None) -> str:
    """Open a tab (and a Review page) and wait for what it loads in the background."""
    window.tabs.setCurrentIndex(tab)
    if tab == REVIEW_TAB:
        review = window.review
        qtbot.waitUntil(lambda: review.report is not None and not review.computing, timeout=20000)
        assert page is not None
        review.pages.setCurrentIndex(page)
        if page == DISAGREEMENTS_PAGE:
            review.open_disagreement(review.disagreements.model.post_id(0))
    if tab == CLUSTERS_TAB:
        clusters = window.clusters
        qtbot.waitUntil(lambda: clusters.model.rowCount() > 1, timeout=20000)
        clusters.view.selectRow(1)  # its details (chart, buttons, shares) show too
    settle(qtbot)
    return f"tab {window.tabs.tabText(tab)}" + (f", page {page}" if page is not None else "")


EVERY_TAB = [
    (LABEL_TAB, None),
    (BROWSE_TAB, None),
    (REVIEW_TAB, AGREEMENT_PAGE),
    (REVIEW_TAB, DISAGREEMENTS_PAGE),
    (REVIEW_TAB, MODEL_PAGE),
    (CLUSTERS_TAB, None),
]


@pytest.mark.parametrize("codebook_open", [True, False], ids=["codebook open", "codebook closed"])
def test_every_tab_fits_1024_by_700_without_eliding_a_header(
    qtbot: QtBot, sample_window: MainWindow, codebook_open: bool
) -> None:
    window = sample_window
    dock = window.first_run.codebook_dock
    if dock.isVisible() != codebook_open:
        window.first_run.toggle_dock(dock)
    settle(qtbot)
    assert window.size() == SMALL
    assert dock.isVisible() == codebook_open

    problems = []
    for tab, page in EVERY_TAB:
        where = show_tab(qtbot, window, tab, page)
        if window.size() != SMALL:
            problems.append(f"{where}: the window grew to {window.width()} x {window.height()}")
            window.resize(SMALL)
            settle(qtbot)
        problems += [f"{where}: {text}" for text in elided_headers(window)]

    assert problems == []


def test_the_elision_check_finds_a_cut_header(qtbot: QtBot) -> None:
    """The check above can fail: a header too wide for its column is reported."""
    table = QTableWidget(2, 2)
    qtbot.addWidget(table)
    table.setHorizontalHeaderLabels(["Specific agreement", "n"])
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.setColumnWidth(0, 40)
    table.setColumnWidth(1, 80)
    table.show()
    qtbot.waitExposed(table)

    found = elided_headers(table)

    assert len(found) == 1
    assert "'Specific agreement' needs" in found[0]


def test_gold_column_and_label_chips_show_at_1024(qtbot: QtBot, sample_window: MainWindow) -> None:
    window = sample_window
    show_tab(qtbot, window, REVIEW_TAB, DISAGREEMENTS_PAGE)
    view = window.review.disagreements.view
    model = window.review.disagreements.model
    gold = view.visualRect(model.index(0, model.gold_column))

    assert view.viewport().rect().contains(gold)  # no scrolling needed to see gold
    shown = {model.index(0, c).data() for c in range(2, model.gold_column)} - {"—"}
    assert shown <= {"NS", "SD", "SU"}


def test_kappa_cells_show_n_and_only_small_n_is_hatched(
    qtbot: QtBot, sample_window: MainWindow
) -> None:
    window = sample_window
    show_tab(qtbot, window, REVIEW_TAB, AGREEMENT_PAGE)
    report, heatmap = window.review.report, window.review.heatmap
    assert report is not None

    names = report.annotators
    for row, first in enumerate(names):
        for column, second in enumerate(names):
            if row == column:
                continue
            kappa = report.cohen.get((first, second)) or report.cohen[(second, first)]
            cell = heatmap.item(row, column)
            assert cell.text().endswith(f"n = {kappa.n:,}")
            hatched = cell.background().style() == Qt.BrushStyle.BDiagPattern
            assert hatched == ((kappa.n or 0) < SMALL_N)
    # The sample's pairs share 80 posts: shaded by kappa, not hatched.
    assert all(
        heatmap.item(0, c).background().style() == Qt.BrushStyle.SolidPattern
        for c in range(1, len(names))
    )


def author_posts(count: int) -> list[AuthorPost]:
    return [
        AuthorPost(
            post_id=i,
            text=f"Post number {i}: a long day at the kettle and crumb, with coffee and cake",
            created_at="2020-01-01",
            labels={"ana": "not_sponsored"} if i % 2 else {},
        )
        for i in range(count)
    ]


def test_more_from_this_author_shows_entries_apart(qtbot: QtBot) -> None:
    panel = AuthorPanel()
    qtbot.addWidget(panel)
    panel.resize(240, panel.minimumSizeHint().height())
    panel.show_author("kofi", author_posts(6), 7, default_codebook())
    panel.show()
    qtbot.waitExposed(panel)

    posts = panel.posts
    rects = [posts.visualItemRect(posts.item(i)) for i in range(posts.count())]
    # Even at its smallest the list shows two entries whole, each on its own lines ...
    assert rects[1].bottom() <= posts.viewport().height()
    assert all(rect.height() >= 3 * posts.fontMetrics().lineSpacing() for rect in rects)
    # ... with a gap between them and every other entry shaded.
    assert all(a.bottom() < b.top() for a, b in pairwise(rects))
    assert posts.alternatingRowColors()
    assert posts.item(0).text().endswith("not labeled yet")
    assert "ana: Not sponsored" in posts.item(1).text()


def test_review_agreement_needs_no_sideways_scroll_with_the_font_at_150_percent(
    qtbot: QtBot, large_font: None, sample_window: MainWindow
) -> None:
    """The bands wrap under a large font, so the alpha interval stays in sight."""
    window = sample_window
    show_tab(qtbot, window, REVIEW_TAB, AGREEMENT_PAGE)
    scroll = window.review.findChild(QScrollArea, "reviewScroll")
    assert scroll is not None and scroll.isVisible()
    assert scroll.horizontalScrollBar().maximum() == 0
    interval = window.review.headline.alpha_ci
    assert interval.text().startswith("95% CI [")
    assert interval.visibleRegion().boundingRect().width() == interval.width()
