"""The search box: phrases highlighted, clearing ends the search, "Show:" keeps the post."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolButton
from pytestqt.qtbot import QtBot

from annotator.services.imports.importing import import_dataset
from annotator.services.project.projects import Project
from annotator.ui.labeling.post_panel import SEARCH_COLOUR
from annotator.ui.main_window import MainWindow
from tests.conftest import write_csv
from tests.ui.keys import external_id, go_to, press

pytestmark = pytest.mark.gui

POSTS = (
    "id,text,author\n"
    "p1,Paid for by Rivera for America,cam\n"
    "p2,I paid for lunch; thanks by the way,dee\n"
    "p3,Nothing to see here,eve\n"
    "p4,Weekend walk. paid for by the committee,fay\n"
)


@pytest.fixture
def window(project: Project, tmp_path: Path, make_window: Callable[..., MainWindow]) -> MainWindow:
    import_dataset(project, write_csv(tmp_path / "posts.csv", POSTS))
    location = project.location
    project.close()
    made: MainWindow = make_window(location)
    return made


def _search(qtbot: QtBot, window: MainWindow, query: str) -> None:
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.queue_bar.search, query)
    qtbot.keyClick(window.queue_bar.search, Qt.Key.Key_Return)


def _highlighted(window: MainWindow) -> list[str]:
    """The search hits shown: underlined (on their own colour, or a marker's)."""
    return [
        s.cursor.selectedText()
        for s in window.labeling.post_panel.text.extraSelections()
        if s.format.fontUnderline()
    ]


def test_a_quoted_phrase_finds_the_phrase_and_is_highlighted(
    qtbot: QtBot, window: MainWindow
) -> None:
    _search(qtbot, window, '"paid for by"')
    queue = window.labeling.queue
    assert queue is not None and len(queue) == 2
    assert external_id(window) == "p1"
    assert _highlighted(window) == ["Paid for by"]
    state = window.queue_bar.search_state
    assert state.isVisible() and state.text() == 'Search: "paid for by" (2)'
    press(qtbot, window, Qt.Key.Key_Right)
    assert external_id(window) == "p4"
    assert _highlighted(window) == ["paid for by"]


def test_the_clear_button_ends_the_search(qtbot: QtBot, window: MainWindow) -> None:
    _search(qtbot, window, "paid for")
    queue = window.labeling.queue
    assert queue is not None and len(queue) == 3
    clear = window.queue_bar.search.findChild(QToolButton)
    assert clear is not None
    qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
    assert window.queue_bar.search.text() == ""
    assert window.workspace.mode.kind == "unlabeled"
    queue = window.labeling.queue
    assert queue is not None and len(queue) == 4
    assert not window.queue_bar.search_state.isVisible()
    assert _highlighted(window) == []


def test_escape_ends_the_search(qtbot: QtBot, window: MainWindow) -> None:
    _search(qtbot, window, "committee")
    assert window.workspace.mode.kind == "search"
    hits = [
        s for s in window.labeling.post_panel.text.extraSelections() if s.format.fontUnderline()
    ]
    assert [s.cursor.selectedText() for s in hits] == ["committee"]
    assert hits[0].format.background().color() == SEARCH_COLOUR
    window.queue_bar.search.setFocus()
    qtbot.keyClick(window.queue_bar.search, Qt.Key.Key_Escape)
    assert window.workspace.mode.kind == "unlabeled"
    assert not window.queue_bar.search_state.isVisible()


def test_changing_show_keeps_the_current_post(qtbot: QtBot, window: MainWindow) -> None:
    go_to(qtbot, window, "p3")
    modes = window.queue_bar.modes
    modes.setCurrentIndex(modes.findText("All posts"))
    modes.activated.emit(modes.currentIndex())
    assert window.workspace.mode.kind == "all"
    assert external_id(window) == "p3"
    # The Browse table of the new view has the same post selected, not its first row.
    browse = window.browse
    assert browse.view.currentIndex().isValid()
    assert browse.model.post_id(browse.view.currentIndex().row()) == window.labeling.current_post_id
    # Not in the new view (nothing flagged): the view's own start, here no post at all.
    modes.setCurrentIndex(modes.findText("Flagged for the lead"))
    modes.activated.emit(modes.currentIndex())
    assert window.labeling.current_post_id is None


def test_choosing_a_view_during_a_search_keeps_the_post(qtbot: QtBot, window: MainWindow) -> None:
    _search(qtbot, window, "committee")
    assert external_id(window) == "p4"
    modes = window.queue_bar.modes
    modes.setCurrentIndex(modes.findText("All posts"))
    modes.activated.emit(modes.currentIndex())
    assert window.workspace.mode.kind == "all"
    assert window.queue_bar.search.text() == ""
    assert external_id(window) == "p4"


def test_deleting_the_words_ends_the_search_and_keeps_typing_in_the_box(
    qtbot: QtBot, window: MainWindow
) -> None:
    _search(qtbot, window, "committee")
    assert window.workspace.mode.kind == "search"
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = window.queue_bar.search
    assert QApplication.focusWidget() is search
    qtbot.keyClick(search, Qt.Key.Key_Backspace)
    assert window.workspace.mode.kind == "unlabeled"
    assert QApplication.focusWidget() is search
    qtbot.keyClicks(search, "1")  # a label key, typed into the box, labels nothing
    assert search.text() == "1"
    assert window.labeling.annotation is None
