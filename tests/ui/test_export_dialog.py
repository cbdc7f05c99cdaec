"""The export dialog driven like a user would: kind, format, filters, split, file, cancel."""

from __future__ import annotations

import functools
import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFileDialog, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

import annotator.services.exports.export_any as export_any_module
import annotator.services.exports.exporting as exporting
from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.domain.records import AnnotationChange, EvidenceSpan
from annotator.services.exports.export_frames import split_of
from annotator.services.exports.exporting import EXPORT_FORMATS, ExportOptions
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import save_annotation
from annotator.services.project.projects import Project
from annotator.store.queries import iter_posts
from annotator.ui.main_window import MainWindow
from annotator.ui.project.export_dialog import TABLE_FORMATS, ExportDialog
from annotator.ui.tasks import PROGRESS_STEPS
from tests.conftest import write_csv

pytestmark = pytest.mark.gui

#: external id -> (ana's label, ben's label); the third post is a disagreement.
LABELS = {
    "00123": ("not_sponsored", "not_sponsored"),
    "1229871234567890123": ("sponsored_disclosed", "sponsored_disclosed"),
    "1229871234567890124": ("sponsored_undisclosed", "not_sponsored"),
    "42": ("not_sponsored", None),
}


@pytest.fixture
def labeled_window(small_project: Project, make_window: Callable[..., MainWindow]) -> MainWindow:
    """The small project labeled by ana and ben, open in the main window."""
    with small_project.session() as session:
        ids = {post.external_id: post.id for post in iter_posts(session)}
    for external_id, labels in LABELS.items():
        for annotator, key in zip(("ana", "ben"), labels, strict=True):
            if key is None:
                continue
            evidence = (EvidenceSpan(21, 24, "#ad"),) if key == "sponsored_disclosed" else ()
            change = AnnotationChange(
                post_id=ids[external_id], annotator=annotator, label_key=key, evidence=evidence
            )
            save_annotation(small_project, change)
    location = small_project.location
    small_project.close()
    return make_window(location)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An empty folder for the export, so every file written in it can be listed."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def open_export(qtbot: QtBot, window: MainWindow) -> ExportDialog:
    """File > Export, as the menu opens it: window-modal over the main window."""
    window.actions_by_id["file.export"].trigger()
    dialogs = [d for d in window.findChildren(ExportDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.waitExposed(dialog)
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    return dialog


def choose_file(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    dialog: ExportDialog,
    path: Path,
    chosen_filter: str | None = None,
) -> list[tuple[str, str]]:
    """Click Choose… with the save dialog answering ``path``; returns what it was offered."""
    offered: list[tuple[str, str]] = []

    def answer(_parent: object, _title: str, _start: str, filters: str, selected: str) -> Any:
        offered.append((filters, selected))
        return str(path), chosen_filter or selected

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    return offered


def pick(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)


def click_export(qtbot: QtBot, window: MainWindow, dialog: ExportDialog) -> None:
    assert dialog.export_button.isEnabled(), dialog.problem()
    with qtbot.waitSignal(window.tasks.finished, timeout=30_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)


def toggle(qtbot: QtBot, box: QCheckBox) -> None:
    """Click the check box's indicator (its middle may be empty space right of the text)."""
    qtbot.waitUntil(box.isVisible)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# ----- the formats -------------------------------------------------------------------------------


def test_the_dialog_offers_every_format_the_service_writes() -> None:
    assert set(TABLE_FORMATS) == set(EXPORT_FORMATS)


def test_posts_csv_with_a_label_filter(
    qtbot: QtBot, labeled_window: MainWindow, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = labeled_window
    dialog = open_export(qtbot, window)
    assert dialog.kind() == "posts"
    assert [dialog.label_combo.itemText(i) for i in range(dialog.label_combo.count())] == [
        "All labels",
        "Not sponsored",
        "Sponsored, disclosed",
        "Sponsored, undisclosed",
    ]
    pick(dialog.label_combo, "not_sponsored")
    offered = choose_file(qtbot, monkeypatch, dialog, out_dir / "posts.csv")
    assert offered[0][1] == "CSV (*.csv)"
    planned = {p.name for p in dialog.planned_files()}
    click_export(qtbot, window, dialog)

    frame = pd.read_csv(out_dir / "posts.csv", dtype=str, keep_default_na=False)
    assert sorted(frame["id"]) == ["00123", "42"]
    assert set(frame["resolved_label"]) == {"not_sponsored"}
    assert list(frame["label_ben"]) == ["not_sponsored", ""]
    manifest = json.loads((out_dir / "posts.csv.manifest.json").read_text(encoding="utf-8"))
    assert manifest["filters"]["label"] == "not_sponsored"
    assert manifest["rows"] == 2
    assert files_in(out_dir) == planned == {"posts.csv", "posts.csv.manifest.json"}
    assert "Wrote 2 rows" in window.statusBar().currentMessage()


def set_up_split(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, dialog: ExportDialog, out: Path
) -> None:
    """Training data, split 80/10/10 with seed 7, into ``out``."""
    assert dialog.split_box.isHidden()
    pick(dialog.kind_combo, "training")
    assert not dialog.split_box.isHidden()
    toggle(qtbot, dialog.split_check)
    assert dialog.split_check.isChecked()
    spins = (dialog.train_spin, dialog.dev_spin, dialog.test_spin)
    assert [spin.value() for spin in spins] == [80, 10, 10]
    dialog.seed_spin.setValue(7)
    choose_file(qtbot, monkeypatch, dialog, out)
    assert dialog.options().split == (0.8, 0.1, 0.1)


def test_training_split_80_10_10_writes_three_files(
    qtbot: QtBot, labeled_window: MainWindow, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = labeled_window
    dialog = open_export(qtbot, window)
    set_up_split(qtbot, monkeypatch, dialog, out_dir / "train_data.jsonl")
    planned = {p.name for p in dialog.planned_files()}
    click_export(qtbot, window, dialog)

    split_of_id: dict[str, str] = {}
    for name in ("train", "dev", "test"):
        lines = (out_dir / f"train_data.{name}.jsonl").read_text(encoding="utf-8").splitlines()
        for row in map(json.loads, lines):
            assert list(row) == ["id", "text", "label", "label_id", "evidence"]
            split_of_id[row["id"]] = name
    # The disagreement (…124) has no resolved label, so training data leaves it out.
    assert sorted(split_of_id) == ["00123", "1229871234567890123", "42"]
    # Each post is in the part its hash with seed 7 puts it in.
    for external_id, name in split_of_id.items():
        assert name == split_of(f"small\x1f{external_id}", 7, (0.8, 0.1, 0.1))
    assert not (out_dir / "train_data.jsonl").exists()
    manifest = json.loads((out_dir / "train_data.jsonl.manifest.json").read_text("utf-8"))
    assert manifest["split"] == [0.8, 0.1, 0.1] and manifest["seed"] == 7
    assert files_in(out_dir) == planned
    assert len(planned) == 4


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_split_csv_and_parquet_files_hold_the_training_columns(
    qtbot: QtBot,
    labeled_window: MainWindow,
    out_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[str],
    suffix: str,
) -> None:
    window = labeled_window
    dialog = open_export(qtbot, window)
    set_up_split(qtbot, monkeypatch, dialog, out_dir / f"train_data{suffix}")
    click_export(qtbot, window, dialog)
    assert errors == []
    train = out_dir / f"train_data.train{suffix}"
    frame = pd.read_csv(train) if suffix == ".csv" else pd.read_parquet(train)
    assert list(frame.columns) == ["id", "text", "label", "label_id", "evidence"]


def test_excel_workbook_has_posts_and_agreement_sheets(
    qtbot: QtBot, labeled_window: MainWindow, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = labeled_window
    dialog = open_export(qtbot, window)
    # A name without suffix takes the format of the filter chosen in the save dialog.
    choose_file(qtbot, monkeypatch, dialog, out_dir / "sheets", "Excel workbook (*.xlsx)")
    assert dialog.format_combo.currentData() == ".xlsx"
    assert dialog.out_path() == out_dir / "sheets.xlsx"
    toggle(qtbot, dialog.manifest_check)
    assert not dialog.options().manifest
    click_export(qtbot, window, dialog)

    workbook = load_workbook(out_dir / "sheets.xlsx", read_only=True)
    assert workbook.sheetnames[:2] == ["Posts", "Annotations"]
    assert "Agreement" in workbook.sheetnames
    posts = list(workbook["Posts"].values)
    assert len(posts) == 1 + 4
    header = list(posts[0])
    assert header[:3] == ["dataset", "id", "text"]
    assert "label_ana" in header and "label_ben" in header
    measures = [row[0] for row in workbook["Agreement"].values if row]
    assert "Krippendorff's alpha" in measures
    workbook.close()
    assert files_in(out_dir) == {"sheets.xlsx"}


def test_label_studio_writes_tasks_and_the_labeling_config(
    qtbot: QtBot, labeled_window: MainWindow, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = labeled_window
    dialog = open_export(qtbot, window)
    pick(dialog.kind_combo, "label-studio")
    assert dialog.format_combo.isHidden() and not dialog.fixed_format.isHidden()
    assert ".json" in dialog.fixed_format.text()
    assert not dialog.label_combo.isEnabled() and not dialog.annotator_combo.isEnabled()
    assert dialog.manifest_check.isHidden()
    offered = choose_file(qtbot, monkeypatch, dialog, out_dir / "tasks.csv")
    assert offered[0][0] == "Label Studio JSON (*.json)"
    assert dialog.out_path() == out_dir / "tasks.json"
    pick(dialog.dataset_combo, "small")
    click_export(qtbot, window, dialog)

    tasks = json.loads((out_dir / "tasks.json").read_text(encoding="utf-8"))
    assert len(tasks) == 4
    serum = next(t for t in tasks if t["data"]["external_id"] == "1229871234567890123")
    people = {a["completed_by"]["email"] for a in serum["annotations"]}
    assert people == {"ana@annotator.invalid", "ben@annotator.invalid"}
    config = ET.fromstring((out_dir / "tasks.label_config.xml").read_text(encoding="utf-8"))
    aliases = [choice.get("alias") for choice in config.iter("Choice")]
    assert aliases == ["not_sponsored", "sponsored_disclosed", "sponsored_undisclosed"]
    assert files_in(out_dir) == {"tasks.json", "tasks.label_config.xml", "tasks.users.csv"}
    assert "4 Label Studio tasks" in window.statusBar().currentMessage()


def test_doccano_with_one_annotators_labels(
    qtbot: QtBot, labeled_window: MainWindow, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = labeled_window
    dialog = open_export(qtbot, window)
    pick(dialog.kind_combo, "doccano")
    assert dialog.annotator_combo.isEnabled() and not dialog.label_combo.isEnabled()
    pick(dialog.annotator_combo, "ben")
    choose_file(qtbot, monkeypatch, dialog, out_dir / "for_doccano.jsonl")
    click_export(qtbot, window, dialog)

    lines = (out_dir / "for_doccano.jsonl").read_text(encoding="utf-8").splitlines()
    labels = {row["external_id"]: row["label"] for row in map(json.loads, lines)}
    assert labels == {
        "00123": ["not_sponsored"],
        "1229871234567890123": ["sponsored_disclosed"],
        "1229871234567890124": ["not_sponsored"],
        "42": [],
    }
    assert files_in(out_dir) == {"for_doccano.jsonl"}


# ----- what the dialog allows --------------------------------------------------------------------


def test_export_is_disabled_until_a_file_is_chosen_and_the_split_adds_up(
    qtbot: QtBot, labeled_window: MainWindow, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_export(qtbot, labeled_window)
    assert not dialog.export_button.isEnabled()
    assert dialog.files_label.text() == "Choose the file to write."
    pick(dialog.kind_combo, "training")
    choose_file(qtbot, monkeypatch, dialog, out_dir / "data.jsonl")
    assert dialog.export_button.isEnabled()
    toggle(qtbot, dialog.split_check)
    assert dialog.test_spin.isEnabled()
    dialog.test_spin.setValue(5)
    assert not dialog.export_button.isEnabled()
    assert dialog.problem_label.isVisible()
    assert "add up to 95 %" in dialog.problem_label.text()
    dialog.dev_spin.setValue(15)
    assert dialog.export_button.isEnabled()
    assert dialog.problem_label.isHidden()
    # Without a split the percentages do not matter.
    dialog.train_spin.setValue(10)
    assert not dialog.export_button.isEnabled()
    toggle(qtbot, dialog.split_check)
    assert dialog.export_button.isEnabled()
    assert dialog.options().split is None and not dialog.train_spin.isEnabled()


def test_a_folder_that_does_not_exist_is_refused_before_exporting(
    qtbot: QtBot, labeled_window: MainWindow, out_dir: Path
) -> None:
    dialog = open_export(qtbot, labeled_window)
    dialog.path_edit.setFocus()
    qtbot.keyClicks(dialog.path_edit, str(out_dir / "missing" / "posts.csv"))
    assert not dialog.export_button.isEnabled()
    assert "does not exist" in dialog.problem_label.text()


def test_the_file_suffix_follows_the_format(
    qtbot: QtBot, labeled_window: MainWindow, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_export(qtbot, labeled_window)
    choose_file(qtbot, monkeypatch, dialog, out_dir / "data.csv")
    pick(dialog.format_combo, ".parquet")
    assert dialog.path_edit.text() == str(out_dir / "data.parquet")
    pick(dialog.kind_combo, "label-studio")
    assert dialog.path_edit.text() == str(out_dir / "data.json")
    pick(dialog.kind_combo, "doccano")
    assert dialog.path_edit.text() == str(out_dir / "data.jsonl")
    pick(dialog.kind_combo, "annotations")
    assert dialog.path_edit.text() == str(out_dir / "data.parquet")
    # A typed table suffix chooses the format.
    dialog.path_edit.clear()
    dialog.path_edit.setFocus()
    qtbot.keyClicks(dialog.path_edit, str(out_dir / "typed.xlsx"))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    assert dialog.format_combo.currentData() == ".xlsx"
    assert dialog.out_path() == out_dir / "typed.xlsx"
    assert dialog.options().what == "annotations"


def test_cancelling_the_dialog_exports_nothing(
    qtbot: QtBot, labeled_window: MainWindow, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = labeled_window
    dialog = open_export(qtbot, window)
    choose_file(qtbot, monkeypatch, dialog, out_dir / "posts.csv")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert not window.tasks.busy
    assert files_in(out_dir) == set()


# ----- running it --------------------------------------------------------------------------------


def test_cancel_during_export_leaves_no_file(
    qtbot: QtBot,
    tmp_path: Path,
    project: Project,
    make_window: Callable[..., MainWindow],
    out_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = ["id,text"] + [f"{i},post number {i} #ad" for i in range(3000)]
    import_dataset(project, write_csv(tmp_path / "big.csv", "\n".join(rows) + "\n"))
    location = project.location
    project.close()
    monkeypatch.setattr(
        exporting, "ChunkSource", functools.partial(exporting.ChunkSource, size=100)
    )

    # At the first progress report the worker waits for the user's Cancel to reach the
    # token, so the click below never races the end of the export.
    first_chunk = threading.Event()
    real_export = export_any_module.export_data

    def export_holding_at_first_chunk(
        project: Project,
        out: Path,
        options: ExportOptions,
        *,
        progress: ProgressCallback,
        cancel: CancelToken,
    ) -> Any:
        def report(done: int, total: int, message: str) -> None:
            progress(done, total, message)
            if done > 0 and not first_chunk.is_set():
                first_chunk.set()
                deadline = time.monotonic() + 20
                while not cancel.cancelled and time.monotonic() < deadline:
                    time.sleep(0.005)

        return real_export(project, out, options, progress=report, cancel=cancel)

    monkeypatch.setattr(export_any_module, "export_data", export_holding_at_first_chunk)
    window = make_window(location)
    dialog = open_export(qtbot, window)
    choose_file(qtbot, monkeypatch, dialog, out_dir / "big_export.csv")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert window.tasks.busy

    qtbot.waitUntil(first_chunk.is_set, timeout=20_000)
    [progress_dialog] = window.findChildren(QProgressDialog)
    qtbot.waitUntil(lambda: progress_dialog.value() > 0, timeout=10_000)
    assert progress_dialog.maximum() == PROGRESS_STEPS
    assert progress_dialog.value() < PROGRESS_STEPS
    assert "big_export.csv" in progress_dialog.labelText()
    # A half-written temporary file sits beside the target while the export runs.
    assert any(name.startswith(".big_export.") for name in files_in(out_dir))
    qtbot.waitUntil(progress_dialog.isVisible, timeout=10_000)
    cancel_button = progress_dialog.findChild(QPushButton)
    assert cancel_button is not None and cancel_button.text() == "Cancel"
    with qtbot.waitSignal(window.tasks.finished, timeout=30_000):
        qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)

    assert files_in(out_dir) == set()
    assert "Cancelled" in window.statusBar().currentMessage()


def test_start_export_without_options_writes_posts_and_shows_warnings(
    qtbot: QtBot, labeled_window: MainWindow, out_dir: Path, messages: list[str]
) -> None:
    window = labeled_window
    with qtbot.waitSignal(window.tasks.finished, timeout=30_000):
        window.file_jobs.start_export(out_dir / "plain.csv")
    assert len(pd.read_csv(out_dir / "plain.csv")) == 4
    assert messages == []
    with qtbot.waitSignal(window.tasks.finished, timeout=30_000):
        window.file_jobs.start_export(
            out_dir / "tiny.xlsx", ExportOptions(xlsx_max_rows=3, manifest=False)
        )
    assert len(messages) == 1
    assert "continue on Posts (2)" in messages[0]
    assert messages[0].startswith("Wrote 4 rows")


def test_a_failed_tool_export_is_reported_and_writes_nothing(
    qtbot: QtBot, labeled_window: MainWindow, out_dir: Path, errors: list[str]
) -> None:
    window = labeled_window
    with qtbot.waitSignal(window.tasks.finished, timeout=30_000):
        window.file_jobs.start_export(
            out_dir / "tasks.jsonl", ExportOptions(what="doccano", annotator="nobody")
        )
    assert len(errors) == 1 and "no annotator 'nobody'" in errors[0]
    assert files_in(out_dir) == set()
