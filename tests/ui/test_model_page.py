"""Review > Model and training in the background, driven with real keys; the database is
the judge of what was trained and saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QInputDialog
from pytestqt.qtbot import QtBot

from annotator.services.imports.importing import import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.labeling.annotating import current_annotation
from annotator.services.model.stored_predictions import has_predictions, latest_report
from annotator.services.project.project_settings import (
    retrain_after_labels,
    set_retrain_after_labels,
)
from annotator.services.project.projects import init_project
from annotator.ui.help_overlay import shortcut_rows
from annotator.ui.main_window import REVIEW_TAB, MainWindow
from annotator.ui.review.model_page import ModelPage
from annotator.ui.review.review_panel import MODEL_PAGE
from tests.services.model_data import generate
from tests.ui.keys import press
from tests.ui.test_fits_1024 import elided_headers
from tests.ui.test_review_panel import reopened

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
TRAINING_S = 60_000


def labeled_project(folder: Path, *, posts: int, labeled: int, retrain_after: int = 0) -> str:
    """Generated posts, the first ``labeled`` labeled by ana (6% flipped, so the scores
    are not all perfect)."""
    made = generate(folder, posts=posts, labeled=labeled, flip=0.06)
    project = init_project(folder / "model.annotator")
    try:
        import_dataset(project, made.posts_csv)
        import_labels(project, made.labels_csv)
        set_retrain_after_labels(project, retrain_after)
        return str(project.location)
    finally:
        project.close()


@pytest.fixture
def lead_window(tmp_path: Path, make_window: Callable[..., MainWindow]) -> MainWindow:
    return make_window(labeled_project(tmp_path, posts=400, labeled=250), annotator="lead")


def open_model_page(qtbot: QtBot, window: MainWindow) -> ModelPage:
    """Ctrl+R, then Review > Model page (Ctrl+Shift+M): keys only."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert window.tabs.currentIndex() == REVIEW_TAB
    press(qtbot, window, Qt.Key.Key_M, CTRL | SHIFT)
    assert window.review.pages.currentIndex() == MODEL_PAGE
    page = window.review.model_page
    qtbot.waitUntil(lambda: not page.loader.busy, timeout=10_000)
    return page


def location_of(window: MainWindow) -> str:
    assert window.project is not None
    return str(window.project.location)


def test_train_now_by_its_key_shows_the_run_and_stores_it(
    qtbot: QtBot, lead_window: MainWindow, errors: list[str]
) -> None:
    window = lead_window
    page = open_model_page(qtbot, window)
    assert page.report is None and page.empty.isVisible()
    assert "No model has been trained" in page.empty.text()

    press(qtbot, window, Qt.Key.Key_T, CTRL | SHIFT)  # Review > Train the model now
    assert window.model_training.running and window.training_status.isVisible()
    qtbot.waitUntil(lambda: page.report is not None, timeout=TRAINING_S)

    report = page.report
    assert report is not None and errors == []
    assert page.figures.isVisible() and not page.empty.isVisible()
    assert page.summary.macro_f1.text() == f"{report.macro_f1:.3f}"
    assert report.macro_f1 > report.baseline_macro_f1
    assert f"majority baseline {report.baseline_macro_f1:.3f}" == page.summary.baseline.text()
    assert "on 250 labels" in page.summary.run.text()
    assert len(page.chart.points()) >= 4
    assert page.labels.rowCount() == 3 and page.confusion.rowCount() == 3
    qtbot.waitUntil(lambda: not window.training_status.isVisible())
    with reopened(location_of(window)) as project:
        stored = latest_report(project)
        assert stored is not None and stored.macro_f1 == report.macro_f1
        assert has_predictions(project)


def test_train_now_is_in_the_menus_and_the_keys_overlay(lead_window: MainWindow) -> None:
    rows = shortcut_rows(lead_window.menuBar())
    assert ("Review", "Train the model now", "Ctrl+Shift+T", "Everywhere") in rows
    assert ("Review", "Model page", "Ctrl+Shift+M", "Review") in rows
    assert ("Review", "Cancel training", "", "Everywhere") in rows


def test_too_few_labels_are_said_in_a_sentence(
    qtbot: QtBot, tmp_path: Path, make_window: Callable[..., MainWindow], errors: list[str]
) -> None:
    window = make_window(labeled_project(tmp_path, posts=60, labeled=12), annotator="lead")
    page = open_model_page(qtbot, window)

    press(qtbot, window, Qt.Key.Key_T, CTRL | SHIFT)
    qtbot.waitUntil(lambda: not window.model_training.running, timeout=TRAINING_S)

    assert errors == []  # a sentence on the page, no dialog, no traceback
    assert "the model needs at least 20, so label 8 more" in page.empty.text()
    assert page.status.text().startswith("Could not train the model:")
    assert page.report is None
    with reopened(location_of(window)) as project:
        assert latest_report(project) is None


def test_cancel_stops_the_run_and_stores_nothing(
    qtbot: QtBot, lead_window: MainWindow, errors: list[str]
) -> None:
    window = lead_window
    page = open_model_page(qtbot, window)

    press(qtbot, window, Qt.Key.Key_T, CTRL | SHIFT)
    assert page.cancel_button.isEnabled()
    qtbot.mouseClick(window.training_status.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.model_training.running, timeout=TRAINING_S)

    assert errors == [] and page.report is None
    assert not window.training_status.isVisible() and not page.cancel_button.isEnabled()
    with reopened(location_of(window)) as project:
        assert latest_report(project) is None
        assert not has_predictions(project)


def test_labels_start_training_in_the_background_and_keep_saving(
    qtbot: QtBot, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    """After every 3 new labels a training starts; the labels typed while it runs are in
    the database at once, and triggers during a run are coalesced into one more run."""
    location = labeled_project(tmp_path, posts=1500, labeled=700, retrain_after=3)
    window = make_window(location, annotator="ben")
    training = window.model_training
    starts: list[bool] = []
    training.started.connect(lambda: starts.append(True))
    trained: list[object] = []
    training.trained.connect(trained.append)

    labeled: list[int] = []
    for _ in range(2):
        labeled.append(window.labeling.current_post_id or 0)
        press(qtbot, window, Qt.Key.Key_1)
    assert not training.running
    labeled.append(window.labeling.current_post_id or 0)
    press(qtbot, window, Qt.Key.Key_1)  # the third new label
    assert training.running and len(starts) == 1

    for _ in range(6):  # two more triggers while it runs: one run follows
        labeled.append(window.labeling.current_post_id or 0)
        press(qtbot, window, Qt.Key.Key_2)
    with reopened(location) as project:
        saved = [current_annotation(project, post_id=p, annotator="ben") for p in labeled]
    assert training.running  # the labels above were saved while it ran
    assert [a.label_key if a else None for a in saved] == ["not_sponsored"] * 3 + [
        "sponsored_disclosed"
    ] * 6
    assert len(set(labeled)) == 9

    qtbot.waitUntil(lambda: len(trained) == 2 and not training.running, timeout=2 * TRAINING_S)
    assert len(starts) == 2
    with reopened(location) as project:
        assert latest_report(project) is not None


def test_model_page_fits_1024_by_700(
    qtbot: QtBot, lead_window: MainWindow, errors: list[str]
) -> None:
    window = lead_window
    small = QSize(1024, 700)
    window.resize(small)
    dock = window.first_run.codebook_dock
    if not dock.isVisible():
        window.first_run.toggle_dock(dock)
    page = open_model_page(qtbot, window)
    press(qtbot, window, Qt.Key.Key_T, CTRL | SHIFT)
    qtbot.waitUntil(lambda: page.report is not None, timeout=TRAINING_S)
    qtbot.wait(150)

    assert window.size() == small
    assert elided_headers(window) == []
    # The page scrolls inside rather than widening the window.
    assert page.scroll_area.widget().width() <= page.scroll_area.viewport().width()


def test_the_lead_sets_n_in_the_project_menu(
    qtbot: QtBot, lead_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = lead_window
    asked: list[int] = []

    def answer(*args: object, **_kwargs: object) -> tuple[int, bool]:
        asked.append(int(args[3]))  # type: ignore[call-overload]
        return 3, True

    monkeypatch.setattr(QInputDialog, "getInt", answer)
    menu = window.menus["P&roject"]
    action = next(a for a in menu.actions() if a.text() == "&Retrain the model after…")
    action.trigger()

    assert asked == [0]  # the project's setting was offered
    with reopened(location_of(window)) as project:
        assert retrain_after_labels(project) == 3
    assert window.model_training.retrain_after == 3
