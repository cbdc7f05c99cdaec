"""Project > Assign posts… driven like a lead would; the database is the judge."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QWidget
from pytestqt.qtbot import QtBot

from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.project.projects import Project
from annotator.store.navigation import QueueMode
from annotator.ui.main_window import MainWindow
from annotator.ui.project.assign_dialog import AssignDialog, AssignRequest
from tests.conftest import write_csv

pytestmark = pytest.mark.gui

SUMMARY = re.compile(r"Assigned ([\d,]+) posts \(([\d,]+) to more than one annotator\)")


def open_assign(qtbot: QtBot, window: MainWindow) -> AssignDialog:
    """Project > Assign posts…, as the menu opens it: window-modal over the main window."""
    action = window.actions_by_id["project.assign"]
    menus = {menu.title(): menu for menu in window.menuBar().findChildren(QMenu)}
    project_menu = menus["P&roject"]
    assert action in project_menu.actions()
    assert action.isEnabled()
    action.trigger()
    dialog = window.findChild(AssignDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitExposed(dialog)
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    return dialog


def listed(dialog: AssignDialog) -> dict[str, bool]:
    """Annotator in the team list -> checked."""
    items = (dialog.team.item(row) for row in range(dialog.team.count()))
    return {item.text(): item.checkState() == Qt.CheckState.Checked for item in items}


def toggle(qtbot: QtBot, dialog: AssignDialog, name: str) -> None:
    """Select the annotator in the list and press Space, as a keyboard user checks a box."""
    item = next(
        dialog.team.item(r)
        for r in range(dialog.team.count())
        if dialog.team.item(r).text() == name
    )
    dialog.team.setFocus()
    dialog.team.setCurrentItem(item)
    qtbot.keyClick(dialog.team, Qt.Key.Key_Space)


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def click_assign(qtbot: QtBot, dialog: AssignDialog) -> None:
    assert dialog.assign_button.isEnabled(), dialog.problem()
    qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)


def assigned(project: Project, annotator: str) -> int:
    """How many posts the annotator's "My assigned posts" queue walks."""
    return len(LabelingQueue(project, annotator, QueueMode("assigned")))


def in_assigned_mode(window: MainWindow) -> bool:
    queue = window.labeling.queue
    return (
        window.queue_bar.modes.currentText() == "My assigned posts"
        and window.queue_bar.current_mode() == QueueMode("assigned")
        and queue is not None
        and queue.mode == QueueMode("assigned")
    )


def test_assign_each_post_to_two_of_three(
    qtbot: QtBot, small_window: MainWindow, messages: list[str], errors: list[str]
) -> None:
    window = small_window
    assert window.project is not None
    assert not in_assigned_mode(window)
    dialog = open_assign(qtbot, window)
    # The current annotator is offered, unchecked; nobody chosen means no Assign.
    assert listed(dialog) == {"ana": False}
    assert not dialog.assign_button.isEnabled()
    assert dialog.preview.text() == "Check or add at least one annotator."

    # Enter in the names field adds them to the list, checked, and does not assign yet.
    type_into(qtbot, dialog.new_names, "ben, chloe")
    qtbot.keyClick(dialog.new_names, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert listed(dialog) == {"ana": False, "ben": True, "chloe": True}
    assert dialog.new_names.text() == ""
    toggle(qtbot, dialog, "ana")
    assert listed(dialog) == {"ana": True, "ben": True, "chloe": True}
    dialog.per_post.setFocus()
    qtbot.keyClick(dialog.per_post, Qt.Key.Key_Up)
    assert dialog.per_post.value() == 2
    assert dialog.preview.text() == "Each new post goes to 2 of 3 annotators."
    assert dialog.request() == AssignRequest(["ana", "ben", "chloe"], per_post=2)

    click_assign(qtbot, dialog)
    assert errors == []
    assert len(messages) == 1
    assert messages[0].startswith("Assigned 4 posts (4 to more than one annotator)")
    counts = {name: assigned(window.project, name) for name in ("ana", "ben", "chloe")}
    # 4 posts x 2 annotators, balanced: nobody has more than one post over another.
    assert sum(counts.values()) == 8
    assert max(counts.values()) - min(counts.values()) <= 1
    assert in_assigned_mode(window)
    assert window.labeling.queue is not None
    assert len(window.labeling.queue) == counts["ana"]


def test_per_post_above_the_team_disables_assign(
    qtbot: QtBot, small_window: MainWindow, messages: list[str]
) -> None:
    window = small_window
    assert window.project is not None
    dialog = open_assign(qtbot, window)
    type_into(qtbot, dialog.new_names, "ben")
    toggle(qtbot, dialog, "ana")
    assert dialog.chosen_annotators() == ["ana", "ben"]
    dialog.per_post.setFocus()
    qtbot.keyClick(dialog.per_post, Qt.Key.Key_Up)
    assert dialog.assign_button.isEnabled()
    # Unchecking ana leaves one annotator for two per post: the number stays, Assign goes off.
    toggle(qtbot, dialog, "ana")
    assert dialog.per_post.value() == 2
    assert not dialog.assign_button.isEnabled()
    assert dialog.preview.text().startswith("Choose at least 2 annotators")
    qtbot.keyClick(dialog.per_post, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert messages == []
    assert assigned(window.project, "ben") == 0


def test_overlap_sends_a_share_of_posts_to_several(
    qtbot: QtBot,
    project: Project,
    tmp_path: Path,
    make_window: Callable[..., MainWindow],
    messages: list[str],
) -> None:
    rows = "".join(f"{n},post number {n} about lunch\n" for n in range(1, 201))
    import_dataset(project, write_csv(tmp_path / "many.csv", "id,text\n" + rows))
    location = project.location
    project.close()
    window = make_window(location)
    assert window.project is not None
    dialog = open_assign(qtbot, window)
    type_into(qtbot, dialog.new_names, "ana, ben, chloe")
    dialog.per_post.setFocus()
    qtbot.keyClick(dialog.per_post, Qt.Key.Key_Up)
    assert not dialog.overlap.isEnabled()
    dialog.overlap_box.click()
    assert dialog.overlap.isEnabled()
    type_into(qtbot, dialog.overlap, "25")
    assert dialog.preview.text() == "25% of new posts go to 2 of 3 annotators, the rest to one."
    assert dialog.request().overlap == pytest.approx(0.25)

    click_assign(qtbot, dialog)
    found = SUMMARY.search(messages[0])
    assert found is not None, messages
    posts, doubled = (int(n.replace(",", "")) for n in found.groups())
    assert posts == 200
    # About a quarter (the seeded draw is fixed), far from none and far from all.
    assert 30 <= doubled <= 70
    total = sum(assigned(window.project, name) for name in ("ana", "ben", "chloe"))
    assert total == posts + doubled
    assert in_assigned_mode(window)


def test_dataset_choice_and_a_team_without_me(
    qtbot: QtBot,
    project: Project,
    tmp_path: Path,
    small_csv: Path,
    make_window: Callable[..., MainWindow],
    messages: list[str],
) -> None:
    import_dataset(project, small_csv, ImportOptions(dataset="week1"))
    other = write_csv(tmp_path / "other.csv", "id,text\n501,first\n502,second\n503,third\n")
    import_dataset(project, other, ImportOptions(dataset="week2"))
    location = project.location
    project.close()
    window = make_window(location)
    assert window.project is not None
    start_mode = window.queue_bar.current_mode()
    dialog = open_assign(qtbot, window)
    assert [dialog.dataset.itemText(i) for i in range(dialog.dataset.count())] == [
        "All datasets",
        "week1",
        "week2",
    ]
    dialog.dataset.setCurrentIndex(dialog.dataset.findData("week2"))
    type_into(qtbot, dialog.new_names, "ben")
    assert dialog.preview.text() == "Every new post goes to ben."
    click_assign(qtbot, dialog)
    assert messages[0].startswith("Assigned 3 posts (0 to more than one annotator): ben 3.")
    assert assigned(window.project, "ben") == 3
    # ana was not in the team, so her queue stays where it was.
    assert not in_assigned_mode(window)
    assert window.queue_bar.current_mode() == start_mode


def test_a_refused_assignment_is_a_sentence(
    small_window: MainWindow, messages: list[str], errors: list[str]
) -> None:
    small_window.project_menu.assign(AssignRequest(["ana"], per_post=3))
    assert errors == ["--per-post must be between 1 and the 1 annotators named"]
    assert messages == []
    assert not in_assigned_mode(small_window)
