"""The Browse tab driven with real clicks and keys; the database is set up through services."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QLocale, QPoint, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QStyledItemDelegate
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

import annotator.ui.browse.browse_model as browse_model
from annotator.domain.records import AnnotationChange
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import save_annotation
from annotator.services.labeling.browsing import browse_rows
from annotator.services.labeling.marks import SKIP, set_mark
from annotator.services.project.projects import Project
from annotator.store.browse import BrowseRow
from annotator.store.navigation import QueueMode
from annotator.store.queries import external_id_index
from annotator.ui.browse.browse_model import (
    AUTHOR_COLUMN,
    COUNT_COLUMN,
    ID_COLUMN,
    LABEL_COLUMN,
    NOTES_COLUMN,
    TEXT_COLUMN,
    BrowseTableModel,
)
from annotator.ui.browse.browse_panel import BrowsePanel
from tests.conftest import write_csv

pytestmark = pytest.mark.gui

ALL = QueueMode("all")
#: External ids of the SMALL_CSV posts, in import (post id) order.
SERUM, VOTE, HTML_POST = "1229871234567890123", "1229871234567890124", "42"


def post_ids(project: Project) -> dict[str, int]:
    """External id -> post id, for a project whose external ids are unique."""
    with project.session() as session:
        return {external: ids[0] for external, ids in external_id_index(session).items()}


def label(project: Project, post_id: int, annotator: str, key: str, notes: str = "") -> None:
    change = AnnotationChange(post_id=post_id, annotator=annotator, label_key=key, notes=notes)
    save_annotation(project, change)


def cell(panel: BrowsePanel, row: int, column: int) -> str:
    return str(panel.model.index(row, column).data())


def column_of(panel: BrowsePanel, column: int) -> list[str]:
    return [cell(panel, row, column) for row in range(panel.model.rowCount())]


def row_of(panel: BrowsePanel, external_id: str) -> int:
    return column_of(panel, ID_COLUMN).index(external_id)


def click_header(qtbot: QtBot, panel: BrowsePanel, column: int) -> None:
    header = panel.view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


class MakePanel(Protocol):
    def __call__(
        self,
        project: Project | None,
        annotator: str | None = "ana",
        mode: QueueMode = ALL,
        *,
        blind: bool = False,
    ) -> BrowsePanel: ...


@pytest.fixture
def make_panel(qtbot: QtBot) -> MakePanel:
    """A shown panel of window size, loaded for a project, annotator and mode."""

    def make(
        project: Project | None,
        annotator: str | None = "ana",
        mode: QueueMode = ALL,
        *,
        blind: bool = False,
    ) -> BrowsePanel:
        panel = BrowsePanel()
        qtbot.addWidget(panel)
        panel.resize(1100, 650)
        panel.set_context(project, annotator, mode, blind=blind)
        panel.show()
        qtbot.waitExposed(panel)
        return panel

    return make


@pytest.fixture
def thousand_project(project: Project, tmp_path: Path) -> Project:
    lines = ["id,text,author,created_at"]
    lines += [
        f"p{n:04d},post number {n} about nothing,author{n % 37:02d},2021-01-01T00:00:{n % 60:02d}Z"
        for n in range(1000)
    ]
    import_dataset(project, write_csv(tmp_path / "thousand.csv", "\n".join(lines) + "\n"))
    return project


def test_shows_my_label_and_my_notes_not_anyone_elses(
    small_project: Project, make_panel: MakePanel
) -> None:
    ids = post_ids(small_project)
    label(small_project, ids[SERUM], "ana", "sponsored_disclosed", notes="says #ad\nin line one")
    label(small_project, ids[SERUM], "ben", "not_sponsored", notes="ben thinks it is fine")
    label(small_project, ids[VOTE], "ben", "sponsored_undisclosed", notes="ben only")

    panel = make_panel(small_project, "ana")

    row = row_of(panel, SERUM)
    assert cell(panel, row, LABEL_COLUMN) == "Sponsored, disclosed"
    assert cell(panel, row, NOTES_COLUMN) == "says #ad⏎ in line one"
    assert cell(panel, row, COUNT_COLUMN) == "2"
    vote = row_of(panel, VOTE)
    assert (cell(panel, vote, LABEL_COLUMN), cell(panel, vote, NOTES_COLUMN)) == ("", "")
    assert cell(panel, vote, COUNT_COLUMN) == "1"
    everything = [cell(panel, r, c) for r in range(4) for c in range(panel.model.columnCount())]
    assert not any("ben" in text for text in everything)
    assert panel.count.text() == "4 posts"

    panel.set_context(small_project, "ben", ALL, blind=False)
    assert cell(panel, row_of(panel, SERUM), NOTES_COLUMN) == "ben thinks it is fine"
    assert cell(panel, row_of(panel, VOTE), LABEL_COLUMN) == "Sponsored, undisclosed"


def test_text_is_one_line_with_the_whole_text_in_the_tool_tip(
    small_project: Project, make_panel: MakePanel
) -> None:
    panel = make_panel(small_project)
    index = panel.model.index(row_of(panel, SERUM), TEXT_COLUMN)

    assert index.data() == "Loving my new serum! #ad⏎ Paid partnership with GlowCo 👩‍👩‍👧"
    tip = QTextDocument()
    tip.setHtml(index.data(Qt.ItemDataRole.ToolTipRole))
    assert tip.toPlainText() == "Loving my new serum! #ad\nPaid partnership with GlowCo 👩‍👩‍👧"


def test_html_in_a_post_is_shown_literally(small_project: Project, make_panel: MakePanel) -> None:
    panel = make_panel(small_project)
    index = panel.model.index(row_of(panel, HTML_POST), TEXT_COLUMN)
    literal = "<b>not bold</b> &amp; just my lunch"

    delegate = panel.view.itemDelegateForIndex(index)
    assert type(delegate) is QStyledItemDelegate  # draws DisplayRole as plain text
    assert delegate.displayText(index.data(), QLocale()) == literal
    # A tool tip is shown as rich text when Qt guesses it is; whatever it guesses, the
    # reader must see the tags, not bold text.
    tip_text = index.data(Qt.ItemDataRole.ToolTipRole)
    tip = QTextDocument()
    if QtGui.Qt.mightBeRichText(tip_text):
        tip.setHtml(tip_text)
    else:
        tip.setPlainText(tip_text)
    assert tip.toPlainText() == literal


def test_loads_a_page_at_a_time_as_the_view_scrolls(
    thousand_project: Project, make_panel: MakePanel, qtbot: QtBot
) -> None:
    panel = make_panel(thousand_project)
    model = panel.model

    assert model.rowCount() == browse_model.PAGE_SIZE == 200
    assert model.canFetchMore()
    assert panel.count.text() == "1,000 posts"

    panel.view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 400)
    for _ in range(10):
        panel.view.scrollToBottom()
        qtbot.wait(10)
    qtbot.waitUntil(lambda: not model.canFetchMore())
    assert model.rowCount() == 1000
    assert len({model.post_id(row) for row in range(1000)}) == 1000
    assert cell(panel, 999, ID_COLUMN) == "p0999"
    assert panel.count.text() == "1,000 posts"


def test_opening_a_project_asks_for_one_page_only(
    thousand_project: Project, make_panel: MakePanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, int, int]] = []

    def counting(
        project: Project,
        mode: QueueMode,
        annotator: str | None,
        *,
        sort: str,
        descending: bool,
        offset: int,
        limit: int,
    ) -> list[BrowseRow]:
        calls.append((sort, offset, limit))
        return browse_rows(
            project, mode, annotator, sort=sort, descending=descending, offset=offset, limit=limit
        )

    monkeypatch.setattr(browse_model, "browse_rows", counting)
    make_panel(thousand_project)

    assert calls == [("id", 0, 200)]


def test_clicking_the_author_header_sorts_and_clicking_again_reverses(
    small_project: Project, make_panel: MakePanel, qtbot: QtBot
) -> None:
    panel = make_panel(small_project)
    assert column_of(panel, AUTHOR_COLUMN) == ["bob", "ann", "cam", "dee"]  # import order

    click_header(qtbot, panel, AUTHOR_COLUMN)
    assert column_of(panel, AUTHOR_COLUMN) == ["ann", "bob", "cam", "dee"]
    assert panel.view.horizontalHeader().sortIndicatorSection() == AUTHOR_COLUMN

    click_header(qtbot, panel, AUTHOR_COLUMN)
    assert column_of(panel, AUTHOR_COLUMN) == ["dee", "cam", "bob", "ann"]
    assert panel.view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_sorting_applies_to_every_page_not_just_the_loaded_one(
    thousand_project: Project, make_panel: MakePanel, qtbot: QtBot
) -> None:
    panel = make_panel(thousand_project)
    panel.view.sortByColumn(ID_COLUMN, Qt.SortOrder.DescendingOrder)

    assert panel.model.rowCount() == 200
    assert cell(panel, 0, ID_COLUMN) == "p0999"  # not p0199: the database sorted all 1,000


def test_the_labels_column_sorts_by_how_many_labeled(
    small_project: Project, make_panel: MakePanel, qtbot: QtBot
) -> None:
    ids = post_ids(small_project)
    for name in ("ana", "ben", "chloe"):
        label(small_project, ids[SERUM], name, "not_sponsored")
    for name in ("ana", "ben"):
        label(small_project, ids[HTML_POST], name, "not_sponsored")
    label(small_project, ids[VOTE], "ben", "not_sponsored")
    panel = make_panel(small_project)

    click_header(qtbot, panel, COUNT_COLUMN)
    assert column_of(panel, COUNT_COLUMN) == ["0", "1", "2", "3"]
    assert panel.view.horizontalHeader().sortIndicatorSection() == COUNT_COLUMN
    click_header(qtbot, panel, COUNT_COLUMN)
    assert column_of(panel, COUNT_COLUMN) == ["3", "2", "1", "0"]
    assert column_of(panel, ID_COLUMN)[0] == SERUM


def test_double_click_opens_that_post(
    small_project: Project, make_panel: MakePanel, qtbot: QtBot
) -> None:
    panel = make_panel(small_project)
    row = row_of(panel, VOTE)
    center = panel.view.visualRect(panel.model.index(row, TEXT_COLUMN)).center()

    with qtbot.waitSignal(panel.post_activated, timeout=1000) as signal:
        # A person's double-click is a click and then QTest's press-double-click-release.
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=center)
        qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=center)

    assert signal.args == [post_ids(small_project)[VOTE]]


def test_enter_opens_the_current_post(
    small_project: Project, make_panel: MakePanel, qtbot: QtBot
) -> None:
    panel = make_panel(small_project)
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(row_of(panel, HTML_POST), 0))

    with qtbot.waitSignal(panel.post_activated, timeout=1000) as signal:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)

    assert signal.args == [post_ids(small_project)[HTML_POST]]


def test_a_single_click_only_selects_the_whole_row(
    small_project: Project, make_panel: MakePanel, qtbot: QtBot
) -> None:
    panel = make_panel(small_project)
    seen: list[int] = []
    panel.post_activated.connect(seen.append)
    center = panel.view.visualRect(panel.model.index(2, TEXT_COLUMN)).center()

    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=center)

    assert seen == []
    selected = panel.view.selectionModel().selectedIndexes()
    assert {i.row() for i in selected} == {2}
    assert len(selected) == panel.model.columnCount()


def test_blind_mode_hides_the_author(
    small_project: Project, make_panel: MakePanel, qtbot: QtBot
) -> None:
    panel = make_panel(small_project)
    assert not panel.view.isColumnHidden(AUTHOR_COLUMN)
    click_header(qtbot, panel, AUTHOR_COLUMN)
    assert column_of(panel, AUTHOR_COLUMN) == ["ann", "bob", "cam", "dee"]

    panel.set_context(small_project, "ana", ALL, blind=True)

    assert panel.view.isColumnHidden(AUTHOR_COLUMN)
    # Sorting by a hidden author would still group each author's posts together.
    assert column_of(panel, AUTHOR_COLUMN) == ["bob", "ann", "cam", "dee"]
    assert panel.view.horizontalHeader().sortIndicatorSection() == -1

    panel.set_context(small_project, "ana", ALL, blind=False)
    assert not panel.view.isColumnHidden(AUTHOR_COLUMN)


def test_search_mode_shows_only_matching_posts(
    small_project: Project, make_panel: MakePanel
) -> None:
    panel = make_panel(small_project, mode=QueueMode("search", "serum"))

    assert column_of(panel, ID_COLUMN) == [SERUM]
    assert panel.count.text() == "1 post"

    panel.set_context(small_project, "ana", QueueMode("search", "nothing-like-this"), blind=False)
    assert panel.model.rowCount() == 0
    assert panel.count.text() == "No posts match"


def test_label_mode_shows_only_posts_i_gave_that_label(
    small_project: Project, make_panel: MakePanel
) -> None:
    ids = post_ids(small_project)
    label(small_project, ids[VOTE], "ana", "not_sponsored")
    label(small_project, ids[HTML_POST], "ana", "not_sponsored")
    label(small_project, ids[SERUM], "ana", "sponsored_disclosed")
    label(small_project, ids["00123"], "ben", "not_sponsored")

    panel = make_panel(small_project, mode=QueueMode("label", "not_sponsored"))

    assert column_of(panel, ID_COLUMN) == [VOTE, HTML_POST]
    assert column_of(panel, LABEL_COLUMN) == ["Not sponsored", "Not sponsored"]
    assert panel.count.text() == "2 posts"


def test_unlabeled_mode_browses_only_what_i_have_not_labeled_or_skipped(
    small_project: Project, make_panel: MakePanel
) -> None:
    ids = post_ids(small_project)
    label(small_project, ids[VOTE], "ana", "not_sponsored")
    label(small_project, ids[SERUM], "ben", "not_sponsored")  # someone else's label
    set_mark(small_project, post_id=ids[HTML_POST], annotator="ana", kind=SKIP, on=True)

    panel = make_panel(small_project, mode=QueueMode("unlabeled"))

    assert sorted(column_of(panel, ID_COLUMN)) == sorted(["00123", SERUM])
    assert panel.count.text() == "2 posts"


def test_refresh_shows_new_labels_and_keeps_sort_and_selection(
    small_project: Project, make_panel: MakePanel, qtbot: QtBot
) -> None:
    panel = make_panel(small_project)
    click_header(qtbot, panel, AUTHOR_COLUMN)
    click_header(qtbot, panel, AUTHOR_COLUMN)  # dee, cam, bob, ann
    panel.view.setCurrentIndex(panel.model.index(row_of(panel, VOTE), 0))
    label(small_project, post_ids(small_project)[VOTE], "ana", "sponsored_undisclosed", "new")

    panel.refresh()

    assert column_of(panel, AUTHOR_COLUMN) == ["dee", "cam", "bob", "ann"]
    row = row_of(panel, VOTE)
    assert cell(panel, row, LABEL_COLUMN) == "Sponsored, undisclosed"
    assert cell(panel, row, NOTES_COLUMN) == "new"
    assert panel.view.currentIndex().row() == row


def test_no_project_shows_an_empty_table(make_panel: MakePanel) -> None:
    panel = make_panel(None, None)

    assert panel.model.rowCount() == 0
    assert not panel.model.canFetchMore()
    assert panel.count.text() == "No project open"


def test_model_passes_the_qt_model_tester_while_fetching_sorting_and_reloading(
    thousand_project: Project, qtmodeltester: ModelTester
) -> None:
    label(thousand_project, post_ids(thousand_project)["p0005"], "ana", "not_sponsored", "a\nb")
    model = BrowseTableModel()
    model.set_context(thousand_project, "ana", ALL)

    # Qt's own QAbstractItemModelTester; its complaints fail the test. It stays connected,
    # so every change below is checked too.
    qtmodeltester.check(model)

    assert model.rowCount() > 200  # the tester fetches more on every change it sees
    model.fetchMore()
    model.sort(AUTHOR_COLUMN, Qt.SortOrder.DescendingOrder)
    authors = [model.index(row, AUTHOR_COLUMN).data() for row in range(model.rowCount())]
    assert authors[0] == "author36"
    assert authors == sorted(authors, reverse=True)
    model.fetchMore()
    loaded = model.rowCount()
    model.reload(keep_loaded=True)
    assert model.rowCount() >= loaded
    model.set_context(thousand_project, "ana", QueueMode("label", "not_sponsored"))
    assert model.rowCount() == 1
    assert not model.canFetchMore()


def test_model_passes_the_python_model_tester(
    thousand_project: Project, qtmodeltester: ModelTester
) -> None:
    model = BrowseTableModel()
    model.set_context(thousand_project, "ana", ALL)
    qtmodeltester.check(model, force_py=True)

    before = model.rowCount()
    model.fetchMore()  # re-entrant fetches from the tester's slots must be refused

    assert model.rowCount() == before + 200
    assert len({model.post_id(row) for row in range(model.rowCount())}) == model.rowCount()
    model.sort(ID_COLUMN, Qt.SortOrder.DescendingOrder)
    assert model.index(0, ID_COLUMN).data() == "p0999"


def test_refresh_while_hidden_waits_until_the_panel_is_shown(
    small_project: Project, make_panel: MakePanel, qtbot: QtBot
) -> None:
    panel = make_panel(small_project)
    panel.hide()
    label(small_project, post_ids(small_project)[VOTE], "ana", "not_sponsored")

    panel.refresh()
    assert cell(panel, row_of(panel, VOTE), LABEL_COLUMN) == ""  # labeling paid nothing

    panel.show()
    qtbot.waitExposed(panel)
    assert cell(panel, row_of(panel, VOTE), LABEL_COLUMN) == "Not sponsored"


def test_sorting_does_not_count_the_posts_again(
    small_project: Project, make_panel: MakePanel, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[QueueMode] = []
    real = browse_model.count_rows

    def counting(project: Project, mode: QueueMode, annotator: str | None) -> int:
        counted.append(mode)
        return real(project, mode, annotator)

    monkeypatch.setattr(browse_model, "count_rows", counting)
    panel = make_panel(small_project)
    assert counted == [ALL]

    click_header(qtbot, panel, AUTHOR_COLUMN)
    click_header(qtbot, panel, AUTHOR_COLUMN)

    assert column_of(panel, AUTHOR_COLUMN) == ["dee", "cam", "bob", "ann"]
    assert counted == [ALL]
    assert panel.count.text() == "4 posts"
