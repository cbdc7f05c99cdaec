"""Safe batch labels: each member is checked, unticked ones stay unlabeled, markers that
contradict the label are named before anything is saved, and one undo takes it all back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.domain.records import AnnotationRecord
from annotator.services.clusters.clustering import find_clusters
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import current_annotation
from annotator.services.project.projects import Project, open_project
from annotator.ui.clusters.cluster_dialog import ClusterDialog
from annotator.ui.main_window import MainWindow
from tests.conftest import write_csv
from tests.ui.keys import external_id, go_to, press

pytestmark = pytest.mark.gui

POINT = "The new harbour bridge will cost every family in this town two thousand dollars"
POSTS = (
    "id,text,author,created_at\n"
    "o1,Had the best pancakes this morning at the corner cafe,zoe,2021-05-01\n"
    f"c1,{POINT}. Say no!,acc1,2021-05-02T10:00:00Z\n"
    f"c2,{POINT}. Say no!,acc2,2021-05-02T10:01:00Z\n"
    f"c3,{POINT}! Say no!,acc3,2021-05-02T10:02:00Z\n"
    f"c4,{POINT}. Say no! Paid for by Harbour Watch,acc4,2021-05-02T10:03:00Z\n"
    f"c5,{POINT}. Vote no!,acc5,2021-05-02T10:04:00Z\n"
)
CAMPAIGN = ["c1", "c2", "c3", "c4", "c5"]


@pytest.fixture
def window(project: Project, tmp_path: Path, make_window: Callable[..., MainWindow]) -> MainWindow:
    import_dataset(project, write_csv(tmp_path / "campaign.csv", POSTS))
    assert find_clusters(project) == 1
    location = project.location
    project.close()
    made: MainWindow = make_window(location)
    return made


def saved(window: MainWindow) -> dict[str, AnnotationRecord | None]:
    """ana's label on every post, read back from the database."""
    assert window.project is not None
    project = open_project(window.project.location)
    try:
        return {
            f"{'o' if i == 1 else 'c'}{1 if i == 1 else i - 1}": current_annotation(
                project, post_id=i, annotator="ana"
            )
            for i in range(1, 7)
        }
    finally:
        project.close()


def open_dialog(qtbot: QtBot, window: MainWindow) -> ClusterDialog:
    go_to(qtbot, window, "c1")
    view = window.labeling
    assert view.cluster_badge.isVisible()
    qtbot.mouseClick(view.cluster_badge, Qt.MouseButton.LeftButton)
    dialog = view.cluster_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    return dialog


def weight_at(dialog: ClusterDialog, position: int) -> QFont.Weight:
    """The font weight of the character before ``position`` in the member's text."""
    cursor = QTextCursor(dialog.preview.document())
    cursor.setPosition(position)
    return cursor.charFormat().fontWeight()


def row_of(dialog: ClusterDialog, external: str) -> int:
    return next(i for i, m in enumerate(dialog.members) if m.post.external_id == external)


def test_members_show_author_time_labels_and_markers(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    assert dialog.table.rowCount() == 5
    row = row_of(dialog, "c4")
    assert dialog.table.item(row, 1).text() == "acc4"
    assert dialog.table.item(row, 2).text() == "2021-05-02T10:03:00Z"
    assert dialog.table.item(row, 3).text() == "Paid for by"
    dialog.table.setCurrentCell(row, 0)
    assert dialog.preview.toPlainText().endswith("Paid for by Harbour Watch")
    shown = dialog.preview.toPlainText()
    bold = "".join(
        char for i, char in enumerate(shown) if weight_at(dialog, i + 1) == QFont.Weight.Bold
    )
    assert bold == "Paid for by"
    dialog.reject()


def test_keys_choose_the_label_and_the_warning_names_the_member(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = open_dialog(qtbot, window)
    assert dialog.label_key() is None
    assert not dialog.label_button.isEnabled()
    qtbot.keyClick(dialog.table, Qt.Key.Key_2)
    assert dialog.label_key() == "sponsored_disclosed"
    assert dialog.warning.isHidden()
    qtbot.keyClick(dialog.table, Qt.Key.Key_3)
    assert dialog.label_key() == "sponsored_undisclosed"
    assert dialog.warning.isVisibleTo(dialog)
    assert "acc4, post c4" in dialog.warning.text()
    assert "Paid for by" in dialog.warning.text()
    assert "acc1" not in dialog.warning.text()
    qtbot.keyClick(dialog.table, Qt.Key.Key_1)
    assert dialog.label_key() == "not_sponsored"
    assert dialog.warning.isVisibleTo(dialog)
    # Digits typed in the note stay in the note.
    dialog.notes_edit.setFocus()
    qtbot.keyClicks(dialog.notes_edit, "2x")
    assert dialog.notes_edit.text() == "2x"
    assert dialog.label_key() == "not_sponsored"
    dialog.reject()


def test_the_warning_comes_before_anything_is_saved(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def refuse(*args: object, **_kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", refuse)
    dialog = open_dialog(qtbot, window)
    qtbot.keyClick(dialog.table, Qt.Key.Key_3)
    qtbot.mouseClick(dialog.label_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "acc4, post c4" in asked[0]
    assert dialog.isVisible()
    assert all(record is None for record in saved(window).values())


def test_unticked_members_stay_unlabeled_and_one_undo_removes_the_batch(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: pytest.fail("asked"))
    dialog = open_dialog(qtbot, window)
    qtbot.keyClick(dialog.table, Qt.Key.Key_3)
    # Untick the variant that discloses, by keyboard: select its row and press Space.
    dialog.table.setCurrentCell(row_of(dialog, "c4"), 0)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert not dialog.is_ticked(row_of(dialog, "c4"))
    assert dialog.warning.isHidden()
    dialog.notes_edit.setText("copy-paste talking point")
    dialog.sponsor_edit.setText("Bridge Watch")
    assert dialog.label_button.text() == "Label 4 posts"
    qtbot.mouseClick(dialog.label_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    after = saved(window)
    assert after["c4"] is None and after["o1"] is None
    for external in ("c1", "c2", "c3", "c5"):
        record = after[external]
        assert record is not None, external
        assert (record.label_key, record.notes, record.sponsor) == (
            "sponsored_undisclosed",
            "copy-paste talking point",
            "Bridge Watch",
        )

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.setFocus()
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert all(record is None for record in saved(window).values())
    assert external_id(window)  # still showing a post
