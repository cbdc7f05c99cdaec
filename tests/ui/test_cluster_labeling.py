"""Cluster badge and batch labeling: one undoable action labels a cluster's unlabeled posts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.domain.records import AnnotationRecord
from annotator.services.clusters.clustering import find_clusters
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import current_annotation
from annotator.services.project.projects import Project, open_project
from annotator.store.queries import get_post
from annotator.ui.clusters.cluster_badge import badge_text
from annotator.ui.main_window import MainWindow
from tests.conftest import write_csv
from tests.ui.keys import external_id, go_to, press

pytestmark = pytest.mark.gui

TALKING_POINT = "The new harbour bridge will cost every family in this town two thousand dollars"
CAMPAIGN_CSV = (
    "id,text,author,created_at,platform,url\n"
    "o1,Had the best pancakes this morning at the corner cafe,zoe,2021-05-01,twitter,\n"
    "o2,Anyone know a good plumber near the station? Asking for a friend,yan,2021-05-01,twitter,\n"
    f"c1,{TALKING_POINT}. Say no!,acc1,2021-05-02T10:00:00Z,twitter,\n"
    f"c2,{TALKING_POINT}. Say no!,acc2,2021-05-02T10:01:00Z,twitter,\n"
    f"c3,{TALKING_POINT}! Say no!,acc3,2021-05-02T10:02:00Z,twitter,\n"
    f"c4,{TALKING_POINT}. Vote no!,acc4,2021-05-02T10:03:00Z,twitter,\n"
    f"c5,{TALKING_POINT.replace('every', 'each')}. Say no!,acc5,2021-05-02T10:04:00Z,twitter,\n"
    f"c6,{TALKING_POINT}. Say no!!,acc6,2021-05-02T10:05:00Z,twitter,\n"
    "o3,Rain again. The garden is happy and so am I today,xia,2021-05-03,twitter,\n"
)
CAMPAIGN = ["c1", "c2", "c3", "c4", "c5", "c6"]


@pytest.fixture
def window(project: Project, tmp_path: Path, make_window: Callable[..., MainWindow]) -> MainWindow:
    import_dataset(project, write_csv(tmp_path / "campaign.csv", CAMPAIGN_CSV))
    assert find_clusters(project) == 1
    location = project.location
    project.close()
    made: MainWindow = make_window(location)
    return made


def labels(window: MainWindow) -> dict[str, AnnotationRecord | None]:
    """Every post's annotation by ana, read back from the database, by external id."""
    assert window.project is not None
    project = open_project(window.project.location)
    try:
        with project.session() as session:
            posts = [get_post(session, post_id) for post_id in range(1, 10)]
        return {
            p.external_id: current_annotation(project, post_id=p.id, annotator="ana") for p in posts
        }
    finally:
        project.close()


def test_badge_text_counts_singular_and_plural() -> None:
    assert badge_text(1, 1) == "Same text as 1 other post by 1 account"
    assert badge_text(38, 35) == "Same text as 38 other posts by 35 accounts"


def test_post_in_no_cluster_hides_the_badge(qtbot: QtBot, window: MainWindow) -> None:
    badge = window.labeling.cluster_badge
    go_to(qtbot, window, "o2")
    assert badge.isHidden()
    go_to(qtbot, window, "c2")
    assert badge.isVisible()
    assert badge.text() == "Same text as 5 other posts by 5 accounts"
    go_to(qtbot, window, "o3")
    assert badge.isHidden()


def test_cluster_labeled_in_one_undoable_action(qtbot: QtBot, window: MainWindow) -> None:
    view = window.labeling
    go_to(qtbot, window, "c3")
    assert "5 other posts" in view.cluster_badge.text()
    view.label_panel.notes.setPlainText("copy-paste talking point")
    view.label_panel.sponsor.setText("Bridge Watch")
    window.setFocus()
    press(qtbot, window, Qt.Key.Key_3)
    assert external_id(window) != "c3"
    press(qtbot, window, Qt.Key.Key_Left)
    assert external_id(window) == "c3"

    qtbot.mouseClick(view.cluster_badge, Qt.MouseButton.LeftButton)
    dialog = view.cluster_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == 6
    assert dialog.label_key() == "sponsored_undisclosed"
    assert dialog.label_button.text() == "Label 5 posts"
    assert dialog.label_button.isEnabled()
    assert [dialog.is_ticked(row) for row in range(6)].count(True) == 5
    qtbot.mouseClick(dialog.label_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    saved = labels(window)
    for external in CAMPAIGN:
        record = saved[external]
        assert record is not None, external
        assert record.label_key == "sponsored_undisclosed"
        assert record.notes == "copy-paste talking point"
        assert record.sponsor == "Bridge Watch"
    assert all(saved[o] is None for o in ("o1", "o2", "o3"))
    assert "Labeled 5 posts" in window.statusBar().currentMessage()

    # One Ctrl+Z takes back the whole batch; the post labeled by hand keeps its label.
    window.setFocus()
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    undone = labels(window)
    assert undone["c3"] is not None and undone["c3"].label_key == "sponsored_undisclosed"
    assert [e for e in CAMPAIGN if undone[e] is not None] == ["c3"]

    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    press(qtbot, window, Qt.Key.Key_Z, shift_ctrl)
    redone = labels(window)
    assert all(
        r is not None and r.notes == "copy-paste talking point"
        for r in (redone[e] for e in CAMPAIGN)
    )

    # A second look at the cluster: nothing is left to label.
    qtbot.mouseClick(view.cluster_badge, Qt.MouseButton.LeftButton)
    again = view.cluster_dialog
    assert again is not None
    assert again.label_button.text() == "Label 0 posts"
    assert not again.label_button.isEnabled()
    again.reject()
