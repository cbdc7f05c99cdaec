"""The labeling window driven with real key presses; the database is the judge."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from annotator.services.labeling.annotating import current_annotation
from annotator.services.project.projects import Project, open_project
from annotator.store.queries import get_post, iter_annotations
from annotator.ui.main_window import MainWindow
from annotator.ui.project.export_dialog import ExportDialog
from annotator.ui.project.import_dialog import ImportDialog
from tests.conftest import SMALL_CSV, write_csv
from tests.ui.keys import press

pytestmark = pytest.mark.gui


def _labels(location: str) -> dict[tuple[str, str], str]:
    """(external id, annotator) -> label, read through a fresh connection."""
    project = open_project(location)
    try:
        with project.session() as session:
            return {
                (get_post(session, a.post_id).external_id, a.annotator): a.label_key
                for a in iter_annotations(session)
            }
    finally:
        project.close()


def _current_external_id(window: MainWindow) -> str:
    assert window.labeling.queue is not None
    post = window.labeling.queue.current_post()
    assert post is not None
    return post.external_id


def test_number_keys_label_save_and_advance(qtbot: QtBot, small_window: MainWindow) -> None:
    window = small_window
    location = window.project.location if window.project else ""
    assert window.progress_label.text() == "0 of 4 labeled by me"
    assert window.labeling.post_panel.text.toPlainText().startswith("=HYPERLINK")
    order = []
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3):
        order.append(_current_external_id(window))
        press(qtbot, window, key)
    assert _labels(location) == {
        (order[0], "ana"): "not_sponsored",
        (order[1], "ana"): "sponsored_disclosed",
        (order[2], "ana"): "sponsored_undisclosed",
    }
    assert order == ["00123", "1229871234567890123", "1229871234567890124"]
    assert _current_external_id(window) == "42"
    assert window.progress_label.text() == "3 of 4 labeled by me"


def test_arrows_move_back_and_forth(qtbot: QtBot, small_window: MainWindow) -> None:
    window = small_window
    assert _current_external_id(window) == "00123"
    press(qtbot, window, Qt.Key.Key_Right)
    press(qtbot, window, Qt.Key.Key_Right)
    assert _current_external_id(window) == "1229871234567890124"
    press(qtbot, window, Qt.Key.Key_Left)
    assert _current_external_id(window) == "1229871234567890123"
    assert "Post 2 of 4" in window.labeling.post_panel.meta.text()
    press(qtbot, window, Qt.Key.Key_Left)
    press(qtbot, window, Qt.Key.Key_Left)
    assert _current_external_id(window) == "00123"


def test_relabel_after_going_back_updates_not_duplicates(
    qtbot: QtBot, small_window: MainWindow
) -> None:
    window = small_window
    location = window.project.location if window.project else ""
    press(qtbot, window, Qt.Key.Key_1)
    press(qtbot, window, Qt.Key.Key_Left)
    assert _current_external_id(window) == "00123"
    assert window.labeling.label_panel.button("not_sponsored").property("current") is True
    press(qtbot, window, Qt.Key.Key_3)
    assert _labels(location) == {("00123", "ana"): "sponsored_undisclosed"}


def test_keys_label_from_the_start_without_clicking_anywhere(
    qtbot: QtBot, small_window: MainWindow
) -> None:
    window = small_window
    assert QApplication.focusWidget() is not window.labeling.label_panel.notes
    press(qtbot, window, Qt.Key.Key_2)
    assert window.labeling.label_panel.notes.toPlainText() == ""
    assert window.progress_label.text() == "1 of 4 labeled by me"


def test_typing_digits_in_notes_does_not_label(qtbot: QtBot, small_window: MainWindow) -> None:
    window = small_window
    location = window.project.location if window.project else ""
    notes = window.labeling.label_panel.notes
    qtbot.mouseClick(notes.viewport(), Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is notes
    qtbot.keyClicks(QApplication.focusWidget(), "code GLOW20, 3 posts alike")
    press(qtbot, window, Qt.Key.Key_Left)
    assert _labels(location) == {}
    assert notes.toPlainText() == "code GLOW20, 3 posts alike"
    assert _current_external_id(window) == "00123"
    press(qtbot, window, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is not notes
    press(qtbot, window, Qt.Key.Key_3)
    project = open_project(location)
    with project.session() as session:
        saved = list(iter_annotations(session))
    project.close()
    assert [(a.label_key, a.notes) for a in saved] == [
        ("sponsored_undisclosed", "code GLOW20, 3 posts alike")
    ]
    assert saved[0].seconds_spent >= 0


def test_undo_and_redo_follow_the_post(qtbot: QtBot, small_window: MainWindow) -> None:
    window = small_window
    location = window.project.location if window.project else ""
    press(qtbot, window, Qt.Key.Key_2)
    assert _current_external_id(window) == "1229871234567890123"
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _labels(location) == {}
    assert _current_external_id(window) == "00123"
    assert window.progress_label.text() == "0 of 4 labeled by me"
    press(
        qtbot,
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert _labels(location) == {("00123", "ana"): "sponsored_disclosed"}
    assert window.progress_label.text() == "1 of 4 labeled by me"


def test_clicking_a_label_button_labels(qtbot: QtBot, small_window: MainWindow) -> None:
    window = small_window
    location = window.project.location if window.project else ""
    qtbot.mouseClick(
        window.labeling.label_panel.button("sponsored_disclosed"), Qt.MouseButton.LeftButton
    )
    assert _labels(location) == {("00123", "ana"): "sponsored_disclosed"}


def test_post_text_is_plain_never_html(small_project: Project, make_window: Callable) -> None:
    location = small_project.location
    small_project.close()
    window = make_window(location)
    for _ in range(3):
        window.labeling.go("next")
    assert window.labeling.post_panel.text.toPlainText() == "<b>not bold</b> &amp; just my lunch"
    assert window.labeling.post_panel.meta.textFormat() == Qt.TextFormat.PlainText


def test_menus_list_actions_with_shortcuts(small_window: MainWindow) -> None:
    menus = {a.text().replace("&", ""): a.menu() for a in small_window.menuBar().actions()}
    file_items = [a.text().replace("&", "") for a in menus["File"].actions() if a.text()]
    assert file_items[:4] == ["New project…", "Open project…", "Import dataset…", "Export…"]
    assert "Quit" in file_items
    labels = {a.text(): a.shortcut().toString() for a in menus["Label"].actions()}
    assert labels == {
        "Not sponsored": "1",
        "Sponsored, disclosed": "2",
        "Sponsored, undisclosed": "3",
    }
    assert all(not a.autoRepeat() for a in menus["Label"].actions())


def test_annotator_is_asked_once_and_remembered(
    small_project: Project, make_window: Callable, ask_name: list[str]
) -> None:
    location = small_project.location
    small_project.close()
    first = make_window(location, annotator=None)
    assert first.annotator_name == "chloe"
    assert "chloe" in first.windowTitle()
    first.close()
    second = make_window(location, annotator=None)
    assert second.annotator_name == "chloe"
    assert ask_name == ["asked"]


def test_opening_a_non_project_shows_a_sentence(
    tmp_path: Path, make_window: Callable, errors: list[str]
) -> None:
    bogus = write_csv(tmp_path / "posts.csv", SMALL_CSV)
    window = make_window(bogus)
    assert window.project is None
    assert errors and "not an annotator project" in errors[0]
    assert "Open or create a project" in window.labeling.post_panel.empty.text()


def test_new_project_then_import_runs_off_the_gui_thread(
    qtbot: QtBot,
    tmp_path: Path,
    make_window: Callable,
    monkeypatch: pytest.MonkeyPatch,
    messages: list[str],
) -> None:
    window = make_window(None)
    target = tmp_path / "fresh"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "annotator projects")
    )
    window.actions_by_id["file.new"].trigger()
    assert window.project is not None
    assert window.project.location.endswith("fresh.annotator")
    assert "no posts yet" in window.labeling.post_panel.empty.text()
    source = write_csv(tmp_path / "posts.csv", SMALL_CSV)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    window.actions_by_id["file.import"].trigger()
    dialog = window.findChild(ImportDialog)
    assert dialog is not None and dialog.isModal()
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10000)
    with qtbot.waitSignal(window.tasks.finished, timeout=20000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert messages and "imported 4" in messages[-1]
    assert window.progress_label.text() == "0 of 4 labeled by me"
    assert _current_external_id(window) == "00123"


def test_export_from_the_menu_writes_labels(
    qtbot: QtBot, small_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = small_window
    press(qtbot, window, Qt.Key.Key_2)
    out = tmp_path / "export"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "Excel workbook (*.xlsx)")
    )
    window.actions_by_id["file.export"].trigger()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.tasks.finished, timeout=20000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    frame = pd.read_excel(tmp_path / "export.xlsx", dtype=str, engine="calamine")
    assert frame.loc[0, "label_ana"] == "sponsored_disclosed"
    assert frame.loc[0, "id"] == "00123"


def test_import_error_is_shown_and_changes_nothing(
    qtbot: QtBot, small_window: MainWindow, tmp_path: Path, errors: list[str]
) -> None:
    window = small_window
    bad = write_csv(tmp_path / "bad.csv", "id,text\n1,a\n1,b\n")
    with qtbot.waitSignal(window.tasks.finished, timeout=20000):
        window.file_jobs.start_import(bad)
    assert errors and "bad.csv, row 3" in errors[-1]
    assert window.labeling.queue is not None and len(window.labeling.queue) == 4


def test_label_saved_is_visible_to_another_connection_at_once(
    qtbot: QtBot, small_window: MainWindow
) -> None:
    window = small_window
    location = window.project.location if window.project else ""
    reader = open_project(location)
    press(qtbot, window, Qt.Key.Key_1)
    found = current_annotation(reader, post_id=1, annotator="ana")
    reader.close()
    assert found is not None and found.label_key == "not_sponsored"


def test_clusters_are_found_in_the_background_after_an_import(
    qtbot: QtBot, small_window: MainWindow, tmp_path: Path
) -> None:
    from annotator.services.clusters.clustering import list_clusters

    window = small_window
    script = "Dana Rivera is the only candidate with a real plan for jobs in the Midwest"
    rows = "".join(f"c{i},{script} {'!' * i},organiser{i}\n" for i in range(6))
    source = write_csv(tmp_path / "campaign.csv", "id,text,author\n" + rows)
    with (
        qtbot.waitSignal(window.file_jobs.clustering_finished, timeout=20000),
        qtbot.waitSignal(window.tasks.finished, timeout=20000),
    ):
        window.file_jobs.start_import(source)
    assert window.project is not None
    [cluster] = list_clusters(window.project)
    assert (cluster.size, cluster.authors) == (6, 6)
    assert "clusters of near-identical posts" in window.statusBar().currentMessage()
