"""The welcome page and the tour, driven with clicks and keys; the project files judge."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from annotator.app import ensure_application
from annotator.services.project.codebook_editing import set_label_shortcuts
from annotator.services.project.projects import Project, open_project
from annotator.store.queries import count_posts
from annotator.ui.main_window import MainWindow
from annotator.ui.project import file_jobs, welcome
from annotator.ui.project.import_dialog import ImportDialog
from annotator.ui.project.tour import KeyCaps, TourDialog
from annotator.ui.settings import Preferences
from tests.conftest import SMALL_CSV, write_csv
from tests.ui.keys import press

pytestmark = pytest.mark.gui


def _posts_in(location: str | Path) -> int:
    project = open_project(location)
    try:
        with project.session() as session:
            return count_posts(session)
    finally:
        project.close()


def _remember(*locations: str | Path) -> None:
    """Recent projects as earlier sessions left them (oldest first)."""
    ensure_application()  # QSettings' file is named after the application
    preferences = Preferences()
    for location in locations:
        preferences.add_recent_project(str(location))


@pytest.fixture
def closed_project(small_project: Project) -> str:
    location = small_project.location
    small_project.close()
    return location


def test_welcome_lists_recent_projects_and_greys_a_missing_one(
    make_window: Callable[..., MainWindow], closed_project: str, tmp_path: Path
) -> None:
    gone = tmp_path / "moved away" / "old-study.annotator"
    _remember(gone, closed_project)
    window = make_window(None)
    page = window.first_run.welcome
    assert window.first_run.stack.currentWidget() is page
    assert not window.first_run.codebook_dock.isVisible()
    recent = page.recent
    assert recent.count() == 2
    here, missing = recent.item(0), recent.item(1)
    assert here.text().splitlines()[0] == "test"
    assert here.flags() & Qt.ItemFlag.ItemIsEnabled
    assert missing.text().splitlines()[0] == "old-study  (missing)"
    assert not missing.flags() & Qt.ItemFlag.ItemIsEnabled
    assert window.windowTitle() == "annotator"


def test_enter_on_a_recent_project_opens_it(
    qtbot: QtBot, make_window: Callable[..., MainWindow], closed_project: str, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    write_csv(other / "x.csv", "id,text\n1,just lunch\n")
    from annotator.services.imports.importing import import_dataset
    from annotator.services.project.projects import init_project

    second = init_project(other / "second.annotator")
    import_dataset(second, other / "x.csv")
    second.close()
    _remember(closed_project, other / "second.annotator")
    window = make_window(None)
    recent = window.first_run.welcome.recent
    assert QApplication.focusWidget() is recent
    assert recent.currentRow() == 0  # the newest: second.annotator
    qtbot.keyClick(recent, Qt.Key.Key_Down)
    qtbot.keyClick(recent, Qt.Key.Key_Return)
    assert window.project is not None
    assert window.project.location == closed_project
    assert window.first_run.stack.currentWidget() is window.first_run.work_area
    assert window.progress_label.text() == "0 of 4 labeled by me"
    assert window.windowTitle() == "test — ana — annotator"
    # The keys label posts in the project that was opened.
    press(qtbot, window, Qt.Key.Key_1)
    project = open_project(closed_project)
    from annotator.store.queries import iter_annotations

    with project.session() as session:
        assert [a.label_key for a in iter_annotations(session)] == ["not_sponsored"]
    project.close()


def test_open_the_sample_project_builds_it_once_and_opens_it(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "app data" / "sample.annotator"
    monkeypatch.setattr(file_jobs, "sample_project_path", lambda: target)
    window = make_window(None)
    qtbot.mouseClick(window.first_run.welcome.sample_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.project is not None, timeout=60_000)
    assert window.project is not None
    assert Path(window.project.location) == target
    assert _posts_in(target) == 381
    assert window.progress_label.text().endswith("of 381 labeled by me")
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".sample-")]

    # Close (File > Close project and show welcome screen) and open it again: no rebuild.
    assert window.first_run.codebook_dock.isVisible()
    window.actions_by_id["file.welcome"].trigger()
    assert window.project is None
    assert window.first_run.stack.currentWidget() is window.first_run.welcome
    assert not window.first_run.codebook_dock.isVisible()
    assert window.first_run.welcome.recent.item(0).text().startswith("sample")
    monkeypatch.setattr(welcome, "build_sample_once", lambda *_a: pytest.fail("rebuilt"))
    qtbot.mouseClick(window.first_run.welcome.sample_button, Qt.MouseButton.LeftButton)
    assert window.project is not None and Path(window.project.location) == target
    assert window.first_run.codebook_dock.isVisible()
    assert _posts_in(target) == 381


def test_new_project_from_a_file_goes_through_the_import_dialog(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: list[str],
) -> None:
    source = write_csv(tmp_path / "posts.csv", SMALL_CSV)
    (tmp_path / "posts.annotator").write_bytes(b"")  # taken: the default must not clash
    suggested: list[str] = []

    def save_as(_parent: object, _title: str, default: str, _filter: str) -> tuple[str, str]:
        suggested.append(default)
        return default, "annotator projects"

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    window = make_window(None)
    qtbot.mouseClick(window.first_run.welcome.new_button, Qt.MouseButton.LeftButton)
    assert suggested == [str(tmp_path / "posts-2.annotator")]
    assert window.project is not None
    assert window.project.location == str(tmp_path / "posts-2.annotator")
    dialog = window.findChild(ImportDialog)
    assert dialog is not None and dialog.isVisible() and dialog.path == source
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(window.tasks.finished, timeout=20_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert messages and "imported 4" in messages[-1]
    assert _posts_in(tmp_path / "posts-2.annotator") == 4


def test_cancelling_the_file_choice_creates_nothing(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    window = make_window(None)
    qtbot.mouseClick(window.first_run.welcome.new_button, Qt.MouseButton.LeftButton)
    assert window.project is None
    assert list(tmp_path.glob("*.annotator")) == []


def _caps(dialog: TourDialog) -> list[tuple[str, ...]]:
    page = dialog.stack.currentWidget()
    return [caps.keys for caps in page.findChildren(KeyCaps)]


def test_tour_pages_advance_with_right_and_close_with_escape(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(None)
    qtbot.mouseClick(window.first_run.welcome.tour_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(TourDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    assert _caps(dialog) == [("1",), ("2",), ("3",)]
    assert dialog.counter.text().startswith("1 of 5")
    press(qtbot, dialog, Qt.Key.Key_Right)
    assert dialog.index == 1 and _caps(dialog) == [("E",)]
    press(qtbot, dialog, Qt.Key.Key_Right)
    press(qtbot, dialog, Qt.Key.Key_Left)
    assert dialog.index == 1
    for _ in range(3):
        press(qtbot, dialog, Qt.Key.Key_Right)
    assert dialog.index == 4 and dialog.next_button.text() == "Done"
    assert ("Ctrl", "Z") in _caps(dialog) and ("Ctrl", "→") in _caps(dialog)
    press(qtbot, dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_tour_shows_the_projects_own_label_keys(
    qtbot: QtBot, small_project: Project, make_window: Callable[..., MainWindow]
) -> None:
    set_label_shortcuts(small_project, {"not_sponsored": "Q", "sponsored_disclosed": "W"})
    location = small_project.location
    small_project.close()
    window = make_window(location)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    tour_action = window.actions_by_id["help.tour"]
    assert tour_action in help_menu.actions()
    tour_action.trigger()
    dialog = window.findChild(TourDialog)
    assert dialog is not None
    assert _caps(dialog) == [("Q",), ("W",), ("3",)]
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.index == 1
    dialog.reject()
