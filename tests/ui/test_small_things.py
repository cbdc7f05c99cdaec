"""Small things people notice: the skip message, choosing extra columns, opening a data
file as a project, the export dialog's memory and suffix, emoji in the post view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from annotator.services.project.project_settings import shown_extra_columns
from annotator.services.project.projects import open_project
from annotator.ui.look import EMOJI_FAMILIES
from annotator.ui.main_window import MainWindow
from annotator.ui.project.columns_dialog import ColumnsDialog
from annotator.ui.project.export_dialog import ExportDialog
from annotator.ui.project.import_dialog import ImportDialog
from tests.ui.keys import external_id, press

pytestmark = pytest.mark.gui


def test_the_skip_message_names_the_show_bar(qtbot: QtBot, small_window: MainWindow) -> None:
    press(qtbot, small_window, Qt.Key.Key_S)
    message = small_window.statusBar().currentMessage()
    assert "Show: Skipped by me" in message
    assert "View:" not in message


def test_extra_columns_are_ticked_from_the_real_ones_and_the_post_stays(
    qtbot: QtBot, small_window: MainWindow
) -> None:
    window = small_window
    press(qtbot, window, Qt.Key.Key_Right)
    here = external_id(window)
    window.actions_by_id["project.columns"].trigger()
    dialog = window.project_menu.columns_dialog
    assert isinstance(dialog, ColumnsDialog) and dialog.isVisible()
    names = [dialog.list.item(row).text() for row in range(dialog.list.count())]
    assert names == ["likes"]
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Space)
    assert dialog.chosen() == ["likes"]
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert window.project is not None
    project = open_project(window.project.location)
    try:
        assert shown_extra_columns(project) == ["likes"]
    finally:
        project.close()
    assert external_id(window) == here
    assert "likes: 17" in window.labeling.post_panel.meta.text()


def _answer_open(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))

    def yes(_parent: object, _title: str, text: str, *_args: object) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    return asked


def test_opening_a_csv_as_a_project_offers_to_import_it(
    qtbot: QtBot, small_window: MainWindow, small_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _answer_open(monkeypatch, small_csv)
    small_window.file_jobs.choose_project()
    assert asked == [
        "small.csv is a data file, not an annotator project. Import it into the open project?"
    ]
    dialogs = [d for d in small_window.findChildren(ImportDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialogs[0].reject()


def test_opening_a_csv_with_no_project_makes_a_new_one(
    qtbot: QtBot,
    make_window: Any,
    small_csv: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window: MainWindow = make_window(None)
    asked = _answer_open(monkeypatch, small_csv)
    target = tmp_path / "fresh.annotator"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    window.file_jobs.choose_project()
    assert asked and asked[0].endswith("Import it into a new project?")
    assert window.project is not None and Path(window.project.location) == target
    dialogs = [d for d in window.findChildren(ImportDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialogs[0].reject()


def _open_export(qtbot: QtBot, window: MainWindow) -> ExportDialog:
    window.actions_by_id["file.export"].trigger()
    dialogs = [d for d in window.findChildren(ExportDialog) if d.isVisible()]
    assert len(dialogs) == 1
    qtbot.waitExposed(dialogs[0])
    return dialogs[0]


def test_export_remembers_format_and_folder_and_a_typed_suffix_wins(
    qtbot: QtBot, small_window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    dialog = _open_export(qtbot, small_window)
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData(".xlsx"))
    dialog.path_edit.setFocus()
    qtbot.keyClicks(dialog.path_edit, str(folder / "labels.jsonl"))
    # The typed suffix wins over the box, and the box follows it before editing ends.
    assert dialog.format_combo.currentData() == ".jsonl"
    assert dialog.out_path() == folder / "labels.jsonl"
    with qtbot.waitSignal(small_window.tasks.finished, timeout=30_000):
        qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    assert (folder / "labels.jsonl").is_file()

    again = _open_export(qtbot, small_window)
    assert again.format_combo.currentData() == ".jsonl"
    assert again.folder == folder
    again.reject()


def test_the_post_view_falls_back_to_a_colour_emoji_font(small_window: MainWindow) -> None:
    text = small_window.labeling.post_panel.text
    families = text.font().families()
    # The installed family Qt draws the text with comes first, not a generic alias such
    # as "Sans Serif": behind an alias, the emoji font drew digits and blanks.
    assert families[0] == QFontInfo(QApplication.font()).family()
    assert QApplication.font().family() in families
    assert [f for f in families if f in EMOJI_FAMILIES] == list(EMOJI_FAMILIES)
    assert text.document().defaultFont().families()[-len(EMOJI_FAMILIES) :] == list(EMOJI_FAMILIES)
