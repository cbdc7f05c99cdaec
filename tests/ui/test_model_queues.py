"""Issue 19 in the app: the model's queues walked with the keys in the model's order, and
its suggestion on the Label tab, off until the lead turns it on and never applied."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from annotator.domain.queue_modes import QueueMode
from annotator.services.imports.importing import import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.labeling.annotating import current_annotation
from annotator.services.model.report import ModelSettings
from annotator.services.model.suggestions import find_suspects, model_suggestion
from annotator.services.model.training import train_model
from annotator.services.project.project_settings import show_model_suggestion
from annotator.services.project.projects import init_project, open_project
from annotator.ui.labeling.labeling_view import NO_MODEL_MESSAGE
from annotator.ui.labeling.queue_bar import NO_MODEL
from annotator.ui.main_window import REVIEW_TAB, MainWindow
from annotator.ui.review.review_panel import MODEL_PAGE
from tests.services.model_data import generate
from tests.ui.keys import press

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
INFORMATIVE = "Most informative first (model)"
SUSPECTS = "Possible label errors (model)"


def build(tmp_path: Path, *, trained: bool = True) -> str:
    """90 posts, the first 60 labeled by "ana" (a few flipped), with campaigns; trained."""
    made = generate(tmp_path, posts=90, labeled=60, campaigns=4, copies=5, flip=0.1)
    project = init_project(tmp_path / "m.annotator")
    import_dataset(project, made.posts_csv)
    import_labels(project, made.labels_csv)
    if trained:
        train_model(project, ModelSettings(folds=3, seed=1))
    location = project.location
    project.close()
    return location


def rows(location: str, sql: str) -> list[int]:
    project = open_project(location)
    try:
        with project.engine.connect() as connection:
            return [int(r[0]) for r in connection.execute(text(sql))]
    finally:
        project.close()


def labeled_by(location: str, name: str) -> set[int]:
    return set(
        rows(
            location,
            "SELECT a.post_id FROM annotation a JOIN annotator n ON n.id = a.annotator_id"
            f" WHERE n.name = '{name}'",
        )
    )


def choose_by_keys(qtbot: QtBot, window: MainWindow, wanted: str) -> None:
    """Go > Show… (Ctrl+Shift+S), Home, arrows down to ``wanted``, Enter."""
    press(qtbot, window, Qt.Key.Key_S, CTRL | SHIFT)
    modes = window.queue_bar.modes
    qtbot.waitUntil(modes.view().isVisible)
    qtbot.keyClick(modes.view(), Qt.Key.Key_Home)
    for _ in range(modes.count()):
        if modes.view().currentIndex().data() == wanted:
            break
        qtbot.keyClick(modes.view(), Qt.Key.Key_Down)
    qtbot.keyClick(modes.view(), Qt.Key.Key_Return)
    assert modes.currentText() == wanted


def walk(qtbot: QtBot, window: MainWindow) -> list[int]:
    """Every post from the one shown, with the right arrow, until it stops moving."""
    seen: list[int] = []
    while window.labeling.current_post_id is not None and (
        not seen or seen[-1] != window.labeling.current_post_id
    ):
        seen.append(window.labeling.current_post_id)
        press(qtbot, window, Qt.Key.Key_Right)
    return seen


def test_most_informative_first_walks_by_margin_and_skips_my_labels(
    qtbot: QtBot, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    location = build(tmp_path)
    window = make_window(location, "ana")
    choose_by_keys(qtbot, window, INFORMATIVE)
    assert window.workspace.mode == QueueMode("informative")
    assert not window.queue_bar.model_state.isVisible()
    mine = labeled_by(location, "ana")
    expected = [
        p
        for p in rows(
            location, "SELECT post_id FROM post_prediction ORDER BY spread_round, margin, post_id"
        )
        if p not in mine
    ]
    assert len(expected) == 30
    seen = walk(qtbot, window)
    assert seen == expected
    assert window.labeling.post_panel.meta.text().startswith("Post 30 of 30")
    # Back to the top by keys, label it: it leaves the queue, the next one is shown.
    choose_by_keys(qtbot, window, "All posts")
    choose_by_keys(qtbot, window, INFORMATIVE)
    assert window.labeling.current_post_id == expected[0]
    press(qtbot, window, Qt.Key.Key_1)
    assert expected[0] in labeled_by(location, "ana")
    assert window.labeling.current_post_id == expected[1]
    assert window.labeling.post_panel.meta.text().startswith("Post 1 of 29")
    press(qtbot, window, Qt.Key.Key_Left)
    assert window.labeling.current_post_id == expected[1]
    mine = labeled_by(location, "ana")
    assert not mine & set(walk(qtbot, window))


def test_possible_label_errors_walk_least_likely_own_label_first(
    qtbot: QtBot, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    location = build(tmp_path)
    window = make_window(location, "lee")
    choose_by_keys(qtbot, window, SUSPECTS)
    expected = rows(
        location,
        "SELECT post_id FROM post_prediction WHERE own_label_probability IS NOT NULL"
        " ORDER BY own_label_probability, post_id",
    )
    assert len(expected) == 60
    seen = walk(qtbot, window)
    assert seen == expected
    project = open_project(location)
    try:
        assert seen[:5] == [s.database_id for s in find_suspects(project, 5)]
    finally:
        project.close()
    press(qtbot, window, Qt.Key.Key_Left)
    assert window.labeling.current_post_id == expected[-2]


def test_a_model_queue_without_a_model_says_how_to_train_one(
    qtbot: QtBot, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(build(tmp_path, trained=False), "ana")
    for wanted in (INFORMATIVE, SUSPECTS):
        choose_by_keys(qtbot, window, wanted)
        assert window.labeling.current_post_id is None
        assert window.queue_bar.model_state.isVisible()
        assert window.queue_bar.model_state.text() == NO_MODEL
        assert window.labeling.post_panel.empty.text() == NO_MODEL_MESSAGE
    choose_by_keys(qtbot, window, "All posts")
    assert not window.queue_bar.model_state.isVisible()


def test_the_suggestion_is_off_until_the_lead_turns_it_on_and_never_applied(
    qtbot: QtBot, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    location = build(tmp_path)
    window = make_window(location, "bo")
    panel = window.labeling.label_panel
    project = open_project(location)
    try:
        # A post the model would label otherwise than key 1 ("Not sponsored").
        while (found := model_suggestion(project, window.labeling.current_post_id or 0)) and (
            found.label == "not_sponsored"
        ):
            press(qtbot, window, Qt.Key.Key_Right)
        assert found is not None
        post_id = window.labeling.current_post_id or 0
        assert not panel.suggestion.isVisible() and panel.suggestion.text() == ""
        assert "Model" not in " ".join(w.text() for w in panel.findChildren(type(panel.status)))

        toggle = window.actions_by_id["project.suggestion"]
        assert toggle in window.menus["P&roject"].actions() and not toggle.isChecked()
        toggle.trigger()
        assert show_model_suggestion(project) is True
        assert window.labeling.current_post_id == post_id
        name = window.workspace.codebook.get(found.label).display_name  # type: ignore[union-attr]
        assert panel.suggestion.isVisible()
        assert panel.suggestion.text() == f"Model suggests: {name} ({found.confidence:.0%})"
        assert not any(panel.button(key).property("current") for key in panel._buttons)

        press(qtbot, window, Qt.Key.Key_1)
        saved = current_annotation(project, post_id=post_id, annotator="bo")
        assert saved is not None and saved.label_key == "not_sponsored"
        assert labeled_by(location, "bo") == {post_id}

        toggle.trigger()
        assert show_model_suggestion(project) is False
        assert not panel.suggestion.isVisible()
    finally:
        project.close()


def test_a_training_in_the_window_fills_the_waiting_queue(
    qtbot: QtBot, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    """Chosen before any model: the queue says so; Train now (Ctrl+Shift+T) and, when
    the run ends, the queue shows its first post without choosing it again."""
    window = make_window(build(tmp_path, trained=False), "ana")
    choose_by_keys(qtbot, window, INFORMATIVE)
    assert window.labeling.current_post_id is None
    press(qtbot, window, Qt.Key.Key_T, CTRL | SHIFT)
    qtbot.waitUntil(lambda: window.labeling.current_post_id is not None, timeout=60_000)
    assert not window.queue_bar.model_state.isVisible()
    assert window.queue_bar.modes.currentText() == INFORMATIVE
    assert window.labeling.current_post_id not in labeled_by(window.project.location, "ana")


def test_a_training_by_the_cli_reaches_the_open_window(
    qtbot: QtBot,
    tmp_path: Path,
    make_window: Callable[..., MainWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`annotator model` run while the window is open: the polling sees the new run, the
    waiting queue fills and the Model page shows the run."""
    from annotator.ui.change_watcher import ChangeWatcher

    monkeypatch.setattr(ChangeWatcher, "POLL_MS", 100)
    location = build(tmp_path, trained=False)
    window = make_window(location, "ana")
    choose_by_keys(qtbot, window, SUSPECTS)
    assert window.labeling.current_post_id is None
    qtbot.wait(300)  # the watcher has read the version before the run
    elsewhere = open_project(location)
    try:
        train_model(elsewhere, ModelSettings(folds=3, seed=1))
        expected = find_suspects(elsewhere, limit=1)[0]
    finally:
        elsewhere.close()
    qtbot.waitUntil(lambda: window.labeling.current_post_id is not None, timeout=10_000)
    external = expected.post_id.split("/", 1)[1]
    assert f"id {external}  ·" in window.labeling.post_panel.meta.text()
    page = window.review.model_page
    window.tabs.setCurrentIndex(REVIEW_TAB)
    window.review.show_page(MODEL_PAGE)
    qtbot.waitUntil(lambda: page.report is not None, timeout=10_000)
    assert page.report is not None and page.report.labels_used == 60
