"""The Clusters tab driven with real keys and clicks; the database is the judge."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.domain.records import AnnotationRecord
from annotator.services.clusters.summaries import DISAGREEMENT, UNLABELED, cluster_timeline
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import current_annotation
from annotator.services.project.projects import Project, open_project
from annotator.ui.clusters.clusters_model import ACCOUNTS_COLUMN, SIZE_COLUMN, ClusterTableModel
from annotator.ui.clusters.clusters_panel import EMPTY_PAGE, LIST_PAGE, ClustersPanel
from annotator.ui.main_window import CLUSTERS_TAB, LABEL_TAB, MainWindow
from tests.conftest import write_csv
from tests.services.test_cluster_summaries import CLUSTER_CSV, build_cluster_project, post_ids
from tests.ui.keys import external_id, go_to, press

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
UNDISCLOSED = "sponsored_undisclosed"


@pytest.fixture
def window(project: Project, tmp_path: Path, make_window: Callable[..., MainWindow]) -> MainWindow:
    build_cluster_project(project, tmp_path)
    location = project.location
    project.close()
    made: MainWindow = make_window(location)
    return made


def show_clusters(qtbot: QtBot, window: MainWindow, rows: int) -> ClustersPanel:
    """Ctrl+M, then wait for the background load."""
    press(qtbot, window, Qt.Key.Key_M, CTRL)
    assert window.tabs.currentIndex() == CLUSTERS_TAB
    panel = window.clusters
    qtbot.waitUntil(lambda: not panel.computing and panel.model.rowCount() == rows, timeout=10_000)
    return panel


def column(model: ClusterTableModel, number: int) -> list[str]:
    return [model.index(row, number).data() for row in range(model.rowCount())]


def click_header(qtbot: QtBot, panel: ClustersPanel, section: int) -> None:
    header = panel.view.horizontalHeader()
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def click_row(qtbot: QtBot, panel: ClustersPanel, row: int, *, double: bool = False) -> None:
    view = panel.view
    centre = view.visualRect(panel.model.index(row, 1)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    if double:  # a person's double-click: a click, then press-double-click-release
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def labels_by_ana(location: str) -> dict[str, AnnotationRecord | None]:
    """ana's annotation of every post, through a fresh connection, by external id."""
    project = open_project(location)
    try:
        return {
            external: current_annotation(project, post_id=post_id, annotator="ana")
            for external, post_id in post_ids(project).items()
        }
    finally:
        project.close()


def test_list_sorted_by_size_then_by_accounts_on_a_header_click(
    qtbot: QtBot, window: MainWindow, qtmodeltester: ModelTester
) -> None:
    panel = show_clusters(qtbot, window, rows=3)
    model = panel.model
    qtmodeltester.check(model)
    assert panel.pages.currentIndex() == LIST_PAGE
    assert column(model, SIZE_COLUMN) == ["6", "4", "3"]
    assert column(model, ACCOUNTS_COLUMN) == ["2", "4", "3"]
    assert "3 clusters of 2 or more posts, 13 posts in all" in panel.status.text()
    # Alpha: 3 undisclosed of 6, and the shares name the special resolved labels.
    assert model.index(0, 4).data().startswith("Sponsored, undisclosed 50% · ")
    click_header(qtbot, panel, ACCOUNTS_COLUMN)
    assert column(model, ACCOUNTS_COLUMN) == ["4", "3", "2"]  # most accounts first
    click_header(qtbot, panel, ACCOUNTS_COLUMN)
    assert column(model, ACCOUNTS_COLUMN) == ["2", "3", "4"]
    click_header(qtbot, panel, SIZE_COLUMN)
    assert column(model, SIZE_COLUMN) == ["6", "4", "3"]


def test_selecting_a_cluster_fills_the_timeline_and_the_shares(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = show_clusters(qtbot, window, rows=3)
    assert window.project is not None
    # The biggest cluster is selected first: hours, with two posts that have no time.
    alpha = panel.current_summary()
    assert alpha is not None and alpha.size == 6
    # Only labels with dated posts get bars; the undated ones are named below the chart.
    assert panel.chart.values() == {
        "Sponsored, undisclosed": [2.0, 1.0],
        "Disagreement": [0.0, 1.0],
    }
    assert panel.undated.text() == "2 posts have no readable time and are not in the chart."
    assert panel.shares.rows() == [
        ("Sponsored, undisclosed", 3, "50%"),
        ("Not sponsored", 1, "17%"),
        ("Disagreement", 1, "17%"),
        ("Unlabeled", 1, "17%"),
    ]

    click_row(qtbot, panel, 1)
    beta = panel.current_summary()
    assert beta is not None and beta.size == 4
    assert panel.title.text() == "Cluster 2: 4 posts by 4 accounts"
    expected = cluster_timeline(window.project, beta.id)
    assert expected.unit == "day" and len(expected.buckets) == 20
    values = panel.chart.values()
    assert values["Unlabeled"] == [float(b.counts.get(UNLABELED, 0)) for b in expected.buckets]
    assert values["Sponsored, disclosed"] == [
        float(b.counts.get("sponsored_disclosed", 0)) for b in expected.buckets
    ]
    assert sum(values["Unlabeled"]) == 3 and values["Unlabeled"][1] == 2.0
    assert panel.chart.chart().title().startswith("Posts per day, UTC: 01 Jun – 20 Jun 2021")
    assert panel.undated.isHidden()
    assert panel.shares.rows() == [("Unlabeled", 3, "75%"), ("Sponsored, disclosed", 1, "25%")]
    assert DISAGREEMENT not in beta.labels


def test_open_cluster_shortcut_from_the_labeling_view(qtbot: QtBot, window: MainWindow) -> None:
    view = window.labeling
    go_to(qtbot, window, "b2")
    window.setFocus()
    press(qtbot, window, Qt.Key.Key_K, CTRL)
    dialog = view.cluster_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Cluster 2: 4 posts"
    assert dialog.table.rowCount() == 4
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible())

    view.cluster_dialog = None
    go_to(qtbot, window, "o3")
    press(qtbot, window, Qt.Key.Key_K, CTRL)
    assert view.cluster_dialog is None
    assert (
        window.statusBar().currentMessage() == "This post is in no cluster of near-identical posts."
    )


def test_labeling_a_cluster_from_the_tab_is_saved_and_undone(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.project is not None
    location = window.project.location
    panel = show_clusters(qtbot, window, rows=3)
    click_row(qtbot, panel, 2)
    gamma = panel.current_summary()
    assert gamma is not None and gamma.labels == {UNLABELED: 3}
    qtbot.mouseClick(panel.label_button, Qt.MouseButton.LeftButton)
    dialog = panel.cluster_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.label_key() is None  # nothing in the cluster is labeled yet
    dialog.label_combo.setCurrentIndex(dialog.label_combo.findData(UNDISCLOSED))
    assert dialog.label_button.text() == "Label 3 posts"
    qtbot.mouseClick(dialog.label_button, Qt.MouseButton.LeftButton)

    saved = labels_by_ana(location)
    assert [saved[e].label_key if saved[e] else None for e in ("g1", "g2", "g3")] == [
        UNDISCLOSED
    ] * 3
    assert saved["a6"] is None and saved["b2"] is None
    qtbot.waitUntil(lambda: panel.shares.rows() == [("Sponsored, undisclosed", 3, "100%")])
    assert panel.status.text().startswith("Labeled 3 posts of the cluster.")
    assert window.tabs.currentIndex() == CLUSTERS_TAB

    # Offscreen, closing the dialog leaves no window active; a desktop gives it back.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.setFocus()
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    undone = labels_by_ana(location)
    assert [undone[e] for e in ("g1", "g2", "g3")] == [None, None, None]
    assert undone["a1"] is not None  # labels given before stay
    qtbot.waitUntil(lambda: panel.shares.rows() == [("Unlabeled", 3, "100%")])
    assert panel.current_summary() is not None
    assert panel.current_summary().id == gamma.id  # the selection survives the reload


def test_double_click_opens_the_dialog_and_open_shows_the_post(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = show_clusters(qtbot, window, rows=3)
    click_row(qtbot, panel, 1, double=True)
    dialog = panel.cluster_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == 4
    assert dialog.label_key() == "sponsored_disclosed"  # the cluster's labeled post
    dialog.reject()
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentIndex() == LABEL_TAB
    assert external_id(window) == "b1"


def test_no_clusters_says_so_and_find_clusters_runs_the_search(
    qtbot: QtBot, project: Project, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    import_dataset(project, write_csv(tmp_path / "campaigns.csv", CLUSTER_CSV))
    location = project.location
    project.close()
    window = make_window(location)
    panel = show_clusters(qtbot, window, rows=0)
    assert panel.pages.currentIndex() == EMPTY_PAGE
    assert panel.empty.text().startswith("No clusters found")
    assert panel.empty_find.isVisible()
    with qtbot.waitSignal(window.file_jobs.clustering_finished, timeout=30_000):
        qtbot.mouseClick(panel.empty_find, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3 and not panel.computing, timeout=10_000)
    assert panel.pages.currentIndex() == LIST_PAGE
    assert column(panel.model, SIZE_COLUMN) == ["6", "4", "3"]


def test_a_second_find_while_one_runs_waits_for_it(
    qtbot: QtBot, project: Project, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    import_dataset(project, write_csv(tmp_path / "campaigns.csv", CLUSTER_CSV))
    location = project.location
    project.close()
    window = make_window(location)
    with qtbot.waitSignal(window.file_jobs.clustering_finished, timeout=30_000):
        first = window.file_jobs.start_clustering()
        second = window.file_jobs.start_clustering()
        assert first is not None and second is first
        assert "Still looking" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.file_jobs.clustering_finished, timeout=30_000):
        third = window.file_jobs.start_clustering()
    assert third is not None and third is not first


def test_smallest_size_filters_the_list(qtbot: QtBot, window: MainWindow) -> None:
    panel = show_clusters(qtbot, window, rows=3)
    panel.min_size.setValue(4)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2 and not panel.computing)
    panel.min_size.setValue(7)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0 and not panel.computing)
    assert panel.pages.currentIndex() == EMPTY_PAGE
    assert panel.empty.text() == "No cluster has 7 posts or more."


def test_similarity_typed_in_the_tab_is_kept_in_the_project(
    qtbot: QtBot, window: MainWindow
) -> None:
    from annotator.services.project.project_settings import (
        DEFAULT_CLUSTER_THRESHOLD,
        cluster_threshold,
    )

    panel = show_clusters(qtbot, window, rows=3)
    box = panel.threshold
    assert box.value() == pytest.approx(DEFAULT_CLUSTER_THRESHOLD)
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box.lineEdit(), "0.85")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    location = window.project.location if window.project else ""
    project = open_project(location)
    try:
        assert cluster_threshold(project) == pytest.approx(0.85)
    finally:
        project.close()
