"""The import dialog driven like a user would: preview, mapping, sheets, errors, cancel."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

import annotator.services.imports.importing as importing
from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.domain.records import PostRecord
from annotator.services.imports.importing import ImportOptions
from annotator.services.project.projects import Project, open_project
from annotator.store.queries import count_posts, iter_posts, list_datasets
from annotator.ui.main_window import MainWindow
from annotator.ui.project.import_dialog import NONE_ITEM, ImportDialog
from annotator.ui.project.preview_model import RAW_ROLE, PreviewTableModel
from annotator.ui.tasks import PROGRESS_STEPS, TaskRunner
from tests.conftest import SMALL_CSV, write_csv

pytestmark = pytest.mark.gui

SERUM = "Loving my new serum! #ad\nPaid partnership with GlowCo 👩‍👩‍👧"


def open_dialog(qtbot: QtBot, path: Path) -> ImportDialog:
    """A shown dialog whose background read of ``path`` has finished."""
    dialog = ImportDialog(path, tasks=TaskRunner())
    qtbot.addWidget(dialog)
    # Results arrive through queued signals, so nothing is delivered before we wait.
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def window_dialog(qtbot: QtBot, window: MainWindow, path: Path) -> ImportDialog:
    """The dialog as File > Import opens it over the main window, read and ready."""
    dialog = window.file_jobs.open_import_dialog(path)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        pass
    qtbot.waitExposed(dialog)
    return dialog


def click_import(qtbot: QtBot, window: MainWindow, dialog: ImportDialog) -> None:
    with qtbot.waitSignal(window.tasks.finished, timeout=30_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)


def project_window(project: Project, make_window: Callable[..., MainWindow]) -> MainWindow:
    location = project.location
    project.close()
    return make_window(location)


def stored_posts(location: str) -> list[PostRecord]:
    project = open_project(location)
    try:
        with project.session() as session:
            return list(iter_posts(session))
    finally:
        project.close()


def column_of(dialog: ImportDialog, name: str) -> int:
    return dialog.model.columns.index(name)


def header(model: PreviewTableModel, section: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return model.headerData(section, Qt.Orientation.Horizontal, role)


# ----- preview ---------------------------------------------------------------------------------


def test_preview_shows_first_rows_columns_and_row_count(
    qtbot: QtBot, tmp_path: Path, qtmodeltester: Any
) -> None:
    dialog = open_dialog(qtbot, write_csv(tmp_path / "small.csv", SMALL_CSV))
    model = dialog.model
    assert model.columns == ["id", "text", "author", "created_at", "platform", "url", "likes"]
    assert model.rowCount() == 4
    text = column_of(dialog, "text")
    # The cell is read exactly (quoted line break, emoji ZWJ sequence) ...
    assert model.index(1, text).data(RAW_ROLE) == SERUM
    # ... and shown on one line, as plain text, never interpreted as HTML.
    shown = model.index(1, text).data()
    assert "\n" not in shown and "⏎" in shown and shown.endswith("👩‍👩‍👧")
    assert model.index(3, text).data() == "<b>not bold</b> &amp; just my lunch"
    assert model.index(0, column_of(dialog, "id")).data() == "00123"
    assert model.headerData(0, Qt.Orientation.Vertical) == "2"  # the header is row 1
    assert "small.csv" in dialog.file_label.text()
    assert "UTF-8" in dialog.encoding_label.text()
    assert not dialog.sheet_combo.isVisibleTo(dialog)
    qtbot.waitUntil(lambda: dialog.count_label.text() == "4 rows", timeout=10_000)
    assert dialog.row_count == 4
    qtmodeltester.check(model)


def test_clicking_a_cell_shows_its_full_text(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, write_csv(tmp_path / "small.csv", SMALL_CSV))
    rect = dialog.table.visualRect(dialog.model.index(1, column_of(dialog, "text")))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.cell_view.toPlainText() == SERUM


def test_row_count_covers_the_whole_file_not_the_preview(qtbot: QtBot, tmp_path: Path) -> None:
    lines = ["id,text"] + [f"{i},post number {i}" for i in range(1, 1235)]
    dialog = open_dialog(qtbot, write_csv(tmp_path / "many.csv", "\n".join(lines) + "\n"))
    assert dialog.model.rowCount() == 50
    qtbot.waitUntil(lambda: dialog.count_label.text() == "1,234 rows", timeout=10_000)


# ----- mapping ---------------------------------------------------------------------------------

MAPPING_CSV = (
    "id,text,summary,author,platform\n"
    "p1,The long original text of post one,Short one,ann,instagram\n"
    "p2,The long original text of post two,,bob,instagram\n"
    "p3,The long original text of post three,Short three,cam,tiktok\n"
)


def test_detected_mapping_is_preselected(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, write_csv(tmp_path / "posts.csv", MAPPING_CSV))
    combos = dialog.field_combos
    assert {field: combo.currentText() for field, combo in combos.items()} == {
        "text": "text",
        "id": "id",
        "author": "author",
        "created_at": NONE_ITEM,
        "platform": "platform",
        "url": NONE_ITEM,
    }
    # The text field cannot be left empty; the others can.
    assert combos["text"].findText(NONE_ITEM) == -1
    assert combos["url"].itemText(0) == NONE_ITEM
    text = column_of(dialog, "text")
    assert header(dialog.model, text, Qt.ItemDataRole.FontRole).bold()
    assert header(dialog.model, column_of(dialog, "summary"), Qt.ItemDataRole.FontRole) is None
    # A text column left as detected stays None, so the importer's tweet repairs apply.
    options = dialog.options()
    assert options.text_col is None
    assert (options.id_col, options.author_col, options.platform_col) == (
        "id",
        "author",
        "platform",
    )
    assert options.dataset == "posts"
    assert dialog.import_button.isEnabled()


def test_changing_the_text_column_marks_it_and_imports_from_it(
    qtbot: QtBot,
    tmp_path: Path,
    project: Project,
    make_window: Callable[..., MainWindow],
    messages: list[str],
) -> None:
    window = project_window(project, make_window)
    source = write_csv(tmp_path / "posts.csv", MAPPING_CSV)
    dialog = window_dialog(qtbot, window, source)
    summary = column_of(dialog, "summary")
    assert header(dialog.model, summary) == "summary"

    dialog.field_combos["text"].setCurrentText("summary")

    assert header(dialog.model, summary) == "text ← summary"
    assert header(dialog.model, summary, Qt.ItemDataRole.FontRole).bold()
    assert header(dialog.model, column_of(dialog, "text"), Qt.ItemDataRole.FontRole) is None
    assert dialog.options().text_col == "summary"
    dialog.dataset_edit.clear()
    assert not dialog.import_button.isEnabled()
    qtbot.keyClicks(dialog.dataset_edit, "short texts")
    assert dialog.import_button.isEnabled()

    click_import(qtbot, window, dialog)

    posts = stored_posts(window.project.location if window.project else "")
    assert [(p.external_id, p.text, p.dataset) for p in posts] == [
        ("p1", "Short one", "short texts"),
        ("p3", "Short three", "short texts"),
    ]
    # The column that was not chosen is kept with the post, not lost.
    assert posts[0].extra["text"] == "The long original text of post one"
    # The message box gives the summary and the details (the row with no text).
    assert "imported 2" in messages[-1]
    assert "Rows with empty text, not imported: 3." in messages[-1]


def test_choosing_the_detected_text_column_again_keeps_detection(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, write_csv(tmp_path / "posts.csv", MAPPING_CSV))
    combo = dialog.field_combos["text"]
    combo.setCurrentText("summary")
    assert dialog.options().text_col == "summary"
    combo.setCurrentText("text")
    assert dialog.options().text_col is None


def test_optional_field_set_to_none_is_not_imported(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, write_csv(tmp_path / "posts.csv", MAPPING_CSV))
    dialog.field_combos["id"].setCurrentText("summary")
    dialog.field_combos["platform"].setCurrentText(NONE_ITEM)
    options = dialog.options()
    assert options.id_col == "summary"
    assert options.platform_col == ""
    assert header(dialog.model, column_of(dialog, "summary")) == "id ← summary"
    # (none) really means none: the importer does not find "platform" by its name.
    assert "platform" not in dialog.effective_mapping()


def test_file_without_a_recognisable_text_column_asks_for_one(qtbot: QtBot, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "odd.csv", "ref,words\nr1,hello there\nr2,good night\n")
    dialog = open_dialog(qtbot, source)
    assert dialog.model.rowCount() == 2
    assert not dialog.import_button.isEnabled()
    assert "post text" in dialog.error_label.text()
    dialog.field_combos["text"].setCurrentText("words")
    assert dialog.import_button.isEnabled()
    assert not dialog.error_label.isVisibleTo(dialog)
    assert dialog.options().text_col == "words"


# ----- spreadsheets ----------------------------------------------------------------------------


def write_titled_workbook(path: Path) -> Path:
    """A sheet with a title and a blank row above the header, and a second sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Posts"
    sheet.append(["Campaign export, March 2020"])
    sheet.append([])
    sheet.append(["post_id", "full_text", "handle"])
    sheet.append(["A1", "First post #ad", "ann"])
    sheet.append(["A2", "Second post\nwith two lines ✨", "bob"])
    sheet.append(["A3", "Third post", "cam"])
    notes = book.create_sheet("Notes")
    notes.append(["what", "why"])
    notes.append(["nothing", "to import"])
    book.save(path)
    return path


def test_xlsx_header_below_a_title_is_found_and_imported(
    qtbot: QtBot,
    tmp_path: Path,
    project: Project,
    make_window: Callable[..., MainWindow],
    messages: list[str],
) -> None:
    window = project_window(project, make_window)
    dialog = window_dialog(qtbot, window, write_titled_workbook(tmp_path / "campaign.xlsx"))
    assert dialog.header_spin.isVisibleTo(dialog)
    assert dialog.header_spin.value() == 3
    assert [dialog.sheet_combo.itemText(i) for i in range(dialog.sheet_combo.count())] == [
        "Posts",
        "Notes",
    ]
    model = dialog.model
    assert model.columns == ["post_id", "full_text", "handle"]
    assert model.rowCount() == 3
    assert model.headerData(0, Qt.Orientation.Vertical) == "4"  # sheet row of the first post
    assert model.index(1, 1).data(RAW_ROLE) == "Second post\nwith two lines ✨"
    assert header(model, 1) == "text ← full_text"
    assert dialog.field_combos["id"].currentText() == "post_id"
    assert dialog.field_combos["author"].currentText() == "handle"
    qtbot.waitUntil(lambda: dialog.count_label.text() == "3 rows", timeout=10_000)
    options = dialog.options()
    assert (options.sheet, options.header_row) == ("Posts", 3)

    click_import(qtbot, window, dialog)

    posts = stored_posts(window.project.location if window.project else "")
    assert [(p.external_id, p.text, p.author) for p in posts] == [
        ("A1", "First post #ad", "ann"),
        ("A2", "Second post\nwith two lines ✨", "bob"),
        ("A3", "Third post", "cam"),
    ]
    assert messages and "imported 3" in messages[-1]


def test_xlsx_header_row_and_sheet_can_be_changed(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, write_titled_workbook(tmp_path / "campaign.xlsx"))
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.header_spin.setValue(1)
    assert dialog.model.columns[0] == "Campaign export, March 2020"
    assert dialog.options().header_row == 1
    assert not dialog.import_button.isEnabled()  # no column looks like post text now
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.sheet_combo.setCurrentText("Notes")
    assert dialog.model.columns == ["what", "why"]
    assert dialog.options().sheet == "Notes"
    assert dialog.header_spin.value() == 1


# ----- errors ----------------------------------------------------------------------------------


def test_unreadable_file_shows_the_error_and_disables_import(
    qtbot: QtBot, tmp_path: Path, errors: list[str]
) -> None:
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)) * 64)
    dialog = open_dialog(qtbot, garbage)
    assert dialog.error_label.isVisibleTo(dialog)
    assert dialog.error_label.text().startswith("garbage.csv")
    assert "NUL" in dialog.error_label.text()
    assert dialog.error_label.textFormat() == Qt.TextFormat.PlainText
    assert not dialog.import_button.isEnabled()
    assert dialog.model.rowCount() == 0
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert errors == []  # shown in the dialog, not in a second message box


def test_reading_as_another_format_reports_in_the_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, write_csv(tmp_path / "small.csv", SMALL_CSV))
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("xlsx"))
    assert "spreadsheet" in dialog.error_label.text()
    assert not dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.format_combo.setCurrentIndex(0)
    assert not dialog.error_label.isVisibleTo(dialog)
    assert dialog.model.rowCount() == 4


# ----- running and cancelling ------------------------------------------------------------------


def test_cancelling_the_dialog_imports_nothing(
    qtbot: QtBot, tmp_path: Path, project: Project, make_window: Callable[..., MainWindow]
) -> None:
    window = project_window(project, make_window)
    dialog = window_dialog(qtbot, window, write_csv(tmp_path / "small.csv", SMALL_CSV))
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not window.tasks.busy
    assert stored_posts(window.project.location if window.project else "") == []


def test_cancel_during_import_stops_and_rolls_back(
    qtbot: QtBot,
    tmp_path: Path,
    project: Project,
    make_window: Callable[..., MainWindow],
    monkeypatch: pytest.MonkeyPatch,
    messages: list[str],
) -> None:
    rows = ["id,text"] + [f"{i},post number {i} #ad" for i in range(30_000)]
    source = write_csv(tmp_path / "big.csv", "\n".join(rows) + "\n")
    monkeypatch.setattr(importing, "CHUNK_ROWS", 1000)

    # After the first chunk is written (inside the transaction), the worker waits for
    # the user's Cancel to reach the token: the click below is then never a race.
    first_chunk = threading.Event()
    chunks_after_cancel: list[int] = []
    real_import = importing.import_dataset

    def import_holding_at_first_chunk(
        project: Project,
        path: Path,
        options: ImportOptions | None = None,
        *,
        progress: ProgressCallback,
        cancel: CancelToken,
    ) -> Any:
        def report(done: int, total: int, message: str) -> None:
            progress(done, total, message)
            if cancel.cancelled:
                chunks_after_cancel.append(done)
            if done > 0 and not first_chunk.is_set():
                first_chunk.set()
                deadline = time.monotonic() + 20
                while not cancel.cancelled and time.monotonic() < deadline:
                    time.sleep(0.005)

        return real_import(project, path, options, progress=report, cancel=cancel)

    monkeypatch.setattr(importing, "import_dataset", import_holding_at_first_chunk)
    window = project_window(project, make_window)
    location = window.project.location if window.project else ""
    dialog = window_dialog(qtbot, window, source)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert window.tasks.busy

    qtbot.waitUntil(first_chunk.is_set, timeout=20_000)
    [progress_dialog] = window.findChildren(QProgressDialog)
    # The bar shows real progress (a part of the file), then the dialog appears.
    qtbot.waitUntil(lambda: progress_dialog.value() > 0, timeout=10_000)
    assert progress_dialog.maximum() == PROGRESS_STEPS
    assert progress_dialog.value() < PROGRESS_STEPS
    assert "rows read" in progress_dialog.labelText()
    qtbot.waitUntil(progress_dialog.isVisible, timeout=10_000)
    cancel_button = progress_dialog.findChild(QPushButton)
    assert cancel_button is not None and cancel_button.text() == "Cancel"

    with qtbot.waitSignal(window.tasks.finished, timeout=30_000):
        qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)

    assert chunks_after_cancel == []  # it stopped at the next chunk, reading no further
    assert "Cancelled" in window.statusBar().currentMessage()
    assert not any("imported" in message for message in messages)
    assert not window.tasks.busy
    checker = open_project(location)
    try:
        with checker.session() as session:
            assert count_posts(session) == 0
            assert list_datasets(session) == []
    finally:
        checker.close()


# ----- pictures (issue 20) ----------------------------------------------------------------------


def test_picture_columns_are_ticked_when_detected_and_chosen_by_the_user(
    qtbot: QtBot,
    tmp_path: Path,
    project: Project,
    make_window: Callable[..., MainWindow],
    messages: list[str],
) -> None:
    from sqlalchemy import text as sql

    from tests.media_images import picture

    (tmp_path / "shirt.jpg").write_bytes(picture(80, 60, "red", "JPEG"))
    window = project_window(project, make_window)
    source = write_csv(
        tmp_path / "posts.csv",
        "id,Caption,Image Name,attachment\n"
        "1,Wearing @brand #ad,gone.jpg,shirt.jpg\n"
        "2,Just lunch,,\n",
    )
    dialog = window_dialog(qtbot, window, source)
    assert dialog.chosen_media() == ["Image Name"]
    assert header(dialog.model, column_of(dialog, "Image Name")) == "pictures ← Image Name"

    # The user ticks "attachment" with the keyboard and unticks "Image Name".
    media = dialog.media_list
    media.setFocus()
    for name in ("attachment", "Image Name"):
        [item] = media.findItems(name, Qt.MatchFlag.MatchExactly)
        media.setCurrentItem(item)
        qtbot.keyClick(media, Qt.Key.Key_Space)
    assert dialog.chosen_media() == ["attachment"]
    assert dialog.options().media_cols == ("attachment",)
    assert header(dialog.model, column_of(dialog, "attachment")) == "pictures ← attachment"
    assert header(dialog.model, column_of(dialog, "Image Name")) == "Image Name"

    click_import(qtbot, window, dialog)

    stored = open_project(window.project.location if window.project else "")
    try:
        with stored.engine.connect() as connection:
            rows = connection.execute(
                sql("SELECT source_column, source, status FROM post_media")
            ).all()
            images = connection.execute(sql("SELECT count(*) FROM media_image")).scalar()
    finally:
        stored.close()
    assert [tuple(r) for r in rows] == [("attachment", "shirt.jpg", "stored")]
    assert images == 1
    assert "Pictures: 1 stored" in messages[-1]
