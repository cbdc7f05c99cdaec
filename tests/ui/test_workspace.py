"""The workspace is the one place that says what changed; panels follow it alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.domain.changes import Change, Changes, changes
from annotator.domain.queue_modes import QueueMode
from annotator.domain.records import AnnotationChange
from annotator.services.labeling.annotating import SetAnnotationCommand, save_annotation
from annotator.services.project.projects import Project
from annotator.ui.browse.browse_model import COLUMNS
from annotator.ui.labeling.labeling_view import LabelingView
from annotator.ui.main_window import BROWSE_TAB, MainWindow
from tests.ui.keys import press

pytestmark = pytest.mark.gui


@pytest.fixture
def window(small_project: Project, make_window: Callable[..., MainWindow]) -> MainWindow:
    location = small_project.location
    small_project.close()
    return make_window(location)


def my_label_cell(window: MainWindow, post_id: int) -> str:
    model = window.browse.model
    row = model.row_of(post_id)
    assert row is not None
    column = [c.title for c in COLUMNS].index("My label")
    return str(model.index(row, column).data())


def test_changes_join_kinds_and_posts() -> None:
    one = changes(Change.LABELS, 1)
    assert (one | changes(Change.GOLD, 2)) == Changes(
        Change.LABELS | Change.GOLD, frozenset({1, 2})
    )
    # Unknown posts stay unknown: a listener must assume any post.
    assert (one | changes(Change.DATASETS)).post_ids == frozenset()
    assert one.touches_post(1) and not one.touches_post(2)
    assert changes(Change.DATASETS).touches_post(7)
    assert not one.touches(Change.GOLD | Change.MARKS)


def test_one_label_key_renders_the_post_once(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders: list[int | None] = []
    original = LabelingView.show_current

    def counted(view: LabelingView) -> None:
        renders.append(view.current_post_id)
        original(view)

    monkeypatch.setattr(LabelingView, "show_current", counted)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    first = window.labeling.current_post_id
    press(qtbot, window, Qt.Key.Key_1)
    assert window.labeling.current_post_id != first
    assert renders == [window.labeling.current_post_id]


def test_the_browse_table_follows_a_label_made_anywhere_through_changed_alone(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A change performed through the workspace, with no call into the main window or
    the panel, shows in the Browse tab and the labeling view's count."""
    window.workspace.set_mode(QueueMode("all"))  # labeled posts stay listed
    window.tabs.setCurrentIndex(BROWSE_TAB)
    qtbot.waitUntil(lambda: window.browse.model.total == 4)
    post_id = window.browse.model.post_id(0)
    assert my_label_cell(window, post_id) in ("", "None")
    project = window.workspace.project
    assert project is not None
    change = AnnotationChange(post_id=post_id, annotator="ana", label_key="sponsored_disclosed")
    window.workspace.perform(SetAnnotationCommand(project, change))
    assert my_label_cell(window, post_id) == "Sponsored, disclosed"
    assert window.progress_label.text().startswith("1 of 4 labeled by me")


def test_in_next_unlabeled_a_post_i_label_leaves_the_browse_table(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.tabs.setCurrentIndex(BROWSE_TAB)
    qtbot.waitUntil(lambda: window.browse.model.total == 4)
    post_id = window.browse.model.post_id(0)
    project = window.workspace.project
    assert project is not None and window.workspace.mode.kind == "unlabeled"
    change = AnnotationChange(post_id=post_id, annotator="ana", label_key="sponsored_disclosed")
    window.workspace.perform(SetAnnotationCommand(project, change))
    assert window.browse.model.total == 3
    assert window.browse.model.row_of(post_id) is None


def test_a_write_from_elsewhere_shows_once_announced(qtbot: QtBot, window: MainWindow) -> None:
    """Another part of the app writes through services and announces it: the labeling
    view shows the new label on the post it is showing."""
    post_id = window.labeling.current_post_id
    project = window.workspace.project
    assert post_id is not None and project is not None
    save_annotation(
        project, AnnotationChange(post_id=post_id, annotator="ana", label_key="not_sponsored")
    )
    button = window.labeling.label_panel.button("not_sponsored")
    assert not button.property("current")
    window.workspace.notify(changes(Change.LABELS, post_id))
    assert button.property("current")
