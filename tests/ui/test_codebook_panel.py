"""The Codebook and Guidelines docks and the About dialog, on a real window; the project
file is read back through a fresh connection to check what was saved."""

from __future__ import annotations

import sqlite3
import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QTextCursor
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from annotator import __version__
from annotator.domain.codebook import Codebook, default_codebook
from annotator.services.project.project_settings import guidelines
from annotator.services.project.projects import codebook_of, open_project
from annotator.ui.labeling.codebook_panel import LabelDefinitionDialog
from annotator.ui.main_window import MainWindow
from annotator.ui.project.about_dialog import LICENCE, AboutDialog
from tests.ui.keys import external_id, press

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[2]


def _stored(location: str) -> tuple[Codebook, str]:
    project = open_project(location)
    try:
        return codebook_of(project), guidelines(project)
    finally:
        project.close()


def _descriptions(window: MainWindow) -> list[QLabel]:
    """The definitions printed under the label buttons."""
    panel = window.labeling.label_panel
    found = [w for w in panel.findChildren(QLabel) if w.property("class") == "labelDescription"]
    assert len(found) == 3
    return found


def _location(window: MainWindow) -> str:
    assert window.project is not None
    return window.project.location


def test_panel_shows_each_definition_and_its_examples(
    qtbot: QtBot, small_window: MainWindow
) -> None:
    window = small_window
    dock, panel = window.first_run.codebook_dock, window.first_run.codebook_panel
    assert dock.isVisible() and window.actions_by_id["view.codebook"].isChecked()
    default = default_codebook()
    assert list(panel.cards) == list(default.keys)
    for label in default.labels:
        card = panel.cards[label.key]
        assert card.definition.text() == label.description
        assert [example.text() for example in card.examples] == list(label.examples)
        assert all(e.textFormat() == Qt.TextFormat.PlainText for e in card.examples)
    # The label buttons leave the definitions to the panel while it is shown.
    assert all(label.isHidden() for label in _descriptions(window))
    # The label given to the post on screen is outlined.
    assert not any(card.property("current") for card in panel.cards.values())
    press(qtbot, window, Qt.Key.Key_2)
    press(qtbot, window, Qt.Key.Key_Left)
    assert panel.cards["sponsored_disclosed"].property("current") is True
    assert panel.cards["not_sponsored"].property("current") is False


def test_view_menu_key_hides_and_shows_the_codebook(qtbot: QtBot, small_window: MainWindow) -> None:
    window = small_window
    dock = window.first_run.codebook_dock
    action = window.actions_by_id["view.codebook"]
    assert action.shortcut().toString() == "Ctrl+Shift+B"
    press(
        qtbot,
        window,
        Qt.Key.Key_B,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert not dock.isVisible() and not action.isChecked()
    assert not any(label.isHidden() for label in _descriptions(window))
    press(
        qtbot,
        window,
        Qt.Key.Key_B,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert dock.isVisible() and action.isChecked()


def _open_editor(qtbot: QtBot, window: MainWindow, key: str) -> LabelDefinitionDialog:
    card = window.first_run.codebook_panel.cards[key]
    qtbot.mouseClick(card.edit_button, Qt.MouseButton.LeftButton)
    dialog = window.first_run.codebook_panel.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_editing_a_definition_saves_it_and_updates_the_panel(
    qtbot: QtBot, small_window: MainWindow
) -> None:
    window = small_window
    dialog = _open_editor(qtbot, window, "sponsored_undisclosed")
    assert dialog.definition.toPlainText() == default_codebook().labels[2].description
    dialog.definition.clear()
    qtbot.keyClicks(dialog.definition, "Paid or directed; the post hides it.")
    dialog.example_edits[0].clear()
    qtbot.keyClicks(dialog.example_edits[0], "<b>Use code RAE10</b> for 10% off")
    dialog.example_edits[1].clear()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    codebook, _ = _stored(_location(window))
    label = codebook.get("sponsored_undisclosed")
    assert label is not None
    assert label.description == "Paid or directed; the post hides it."
    assert label.examples == ("<b>Use code RAE10</b> for 10% off",)
    card = window.first_run.codebook_panel.cards["sponsored_undisclosed"]
    assert card.definition.text() == "Paid or directed; the post hides it."
    assert [e.text() for e in card.examples] == ["<b>Use code RAE10</b> for 10% off"]
    assert window.labeling.label_panel.button("sponsored_undisclosed").toolTip() == (
        "Paid or directed; the post hides it."
    )
    assert window.label_actions["label.sponsored_undisclosed"].toolTip() == (
        "Paid or directed; the post hides it."
    )
    # The label keys still label posts after the codebook changed.
    press(qtbot, window, Qt.Key.Key_3)
    assert window.progress_label.text() == "1 of 4 labeled by me"


def test_a_refused_edit_keeps_the_dialog_open_and_changes_nothing(
    qtbot: QtBot, small_window: MainWindow, errors: list[str]
) -> None:
    window = small_window
    dialog = _open_editor(qtbot, window, "not_sponsored")
    dialog.example_edits[0].setPlainText("x" * 1001)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert errors and "characters long" in errors[-1]
    assert dialog.isVisible()
    codebook, _ = _stored(_location(window))
    assert codebook.get("not_sponsored") == default_codebook().get("not_sponsored")
    dialog.reject()


def test_guidelines_render_markdown_without_html_and_edits_are_saved(
    qtbot: QtBot, small_window: MainWindow
) -> None:
    window = small_window
    panel = window.first_run.guidelines_panel
    assert not window.first_run.guidelines_dock.isVisible()
    press(
        qtbot,
        window,
        Qt.Key.Key_G,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.first_run.guidelines_dock.isVisible()
    assert panel.browser.toPlainText().startswith("Guidelines: sponsorship and disclosure")

    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    assert panel.editing and panel.editor.toPlainText() == default_codebook().guidelines
    panel.editor.clear()
    qtbot.keyClicks(panel.editor, "# Our rules")
    qtbot.keyClick(panel.editor, Qt.Key.Key_Return)
    qtbot.keyClick(panel.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(panel.editor, "Quote <b>x</b> and the **marker**. Skip 1 flag.")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert not panel.editing
    # Typing "s", "e" or "1" in the editor never skipped or labeled the post on screen.
    assert window.progress_label.text() == "0 of 4 labeled by me"
    assert external_id(window) == "00123"

    _, stored = _stored(_location(window))
    assert stored == "# Our rules\n\nQuote <b>x</b> and the **marker**. Skip 1 flag."
    shown = panel.browser.toPlainText()
    assert shown.splitlines() == ["Our rules", "Quote <b>x</b> and the marker. Skip 1 flag."]
    document = panel.browser.document()
    assert document.firstBlock().blockFormat().headingLevel() == 1
    # The raw tag is text: "x" between the tags is not bold, "marker" (Markdown) is.
    body = document.firstBlock().next()
    cursor = QTextCursor(body)
    cursor.setPosition(body.position() + body.text().index("x</b>") + 1)
    assert not cursor.charFormat().font().bold()
    cursor.setPosition(body.position() + body.text().index("marker") + 1)
    assert cursor.charFormat().font().bold()


def test_guidelines_edit_is_cancelled_with_escape(qtbot: QtBot, small_window: MainWindow) -> None:
    panel = small_window.first_run.guidelines_panel
    small_window.first_run.toggle_dock(small_window.first_run.guidelines_dock)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.editor, "typed, then abandoned")
    qtbot.keyClick(panel.editor, Qt.Key.Key_Escape)
    assert not panel.editing
    _, stored = _stored(_location(small_window))
    assert stored == default_codebook().guidelines


def test_guidelines_still_being_edited_are_saved_when_the_project_closes(
    qtbot: QtBot, small_window: MainWindow
) -> None:
    panel = small_window.first_run.guidelines_panel
    location = _location(small_window)
    small_window.first_run.toggle_dock(small_window.first_run.guidelines_dock)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    panel.editor.clear()
    qtbot.keyClicks(panel.editor, "Flag anything you are unsure of.")
    small_window.first_run.actions["file.welcome"].trigger()  # File > Close project
    assert small_window.project is None
    _, stored = _stored(location)
    assert stored == "Flag anything you are unsure of."


def test_only_web_links_in_the_guidelines_are_opened(
    small_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    panel = small_window.first_run.guidelines_panel
    for link in ("https://www.ftc.gov/influencers", "file:///etc/passwd", "javascript:alert(1)"):
        panel.browser.anchorClicked.emit(QUrl(link))
    assert opened == ["https://www.ftc.gov/influencers"]


def test_about_shows_version_licence_project_file_and_engine(
    qtbot: QtBot, small_window: MainWindow
) -> None:
    window = small_window
    window.actions_by_id["help.about"].trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None and dialog.isVisible()
    values = {name: label.text() for name, label in dialog.values.items()}
    assert values["Version"] == __version__
    assert values["Project file"] == str(Path(_location(window)).resolve())
    assert values["Database engine"] == f"SQLite {sqlite3.sqlite_version}"
    assert values["Licence"] == LICENCE
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert f"Version: {__version__}" in copied
    assert f"Project file: {values['Project file']}" in copied
    assert f"Database engine: SQLite {sqlite3.sqlite_version}" in copied


def test_about_licence_is_the_one_pyproject_declares() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["license"]
    assert (declared["text"] if isinstance(declared, dict) else declared) == LICENCE
