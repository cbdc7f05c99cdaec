"""What an annotator types on a post is a draft in the project: saved while typing, shown
again whenever the post is, never a label. Driven with real keys; the database judges."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.domain.records import Draft, EvidenceSpan
from annotator.services.labeling.annotating import current_annotation
from annotator.services.labeling.drafts import draft_of
from annotator.services.project.projects import Project, open_project
from annotator.ui.labeling.labeling_view import DRAFT_SAVE_MS
from annotator.ui.main_window import MainWindow
from tests.ui.keys import press

pytestmark = pytest.mark.gui

NOTE = "paid? check the bio"
CTRL = Qt.KeyboardModifier.ControlModifier


def stored_draft(location: str, post_id: int, who: str = "ana") -> Draft | None:
    project = open_project(location)
    try:
        return draft_of(project, post_id=post_id, annotator=who)
    finally:
        project.close()


def type_note(qtbot: QtBot, window: MainWindow, text: str = NOTE) -> None:
    """N, the words, Esc: as the keys overlay says."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press(qtbot, window, Qt.Key.Key_N)
    assert QApplication.focusWidget() is window.labeling.label_panel.notes
    qtbot.keyClicks(window.labeling.label_panel.notes, text)
    press(qtbot, window, Qt.Key.Key_Escape)


def mark_evidence(qtbot: QtBot, window: MainWindow, words: str) -> EvidenceSpan:
    panel = window.labeling.post_panel
    start = panel.text.toPlainText().index(words)
    panel.select(start, start + len(words))
    press(qtbot, window, Qt.Key.Key_E)
    return EvidenceSpan(start, start + len(words), words)


@pytest.fixture
def window(small_project: Project, make_window: Callable[..., MainWindow]) -> MainWindow:
    location = small_project.location
    small_project.close()
    return make_window(location)


def location_of(window: MainWindow) -> str:
    assert window.project is not None
    return str(window.project.location)


def test_typing_is_saved_within_a_second_without_any_other_key(
    qtbot: QtBot, window: MainWindow
) -> None:
    post_id = window.labeling.current_post_id
    assert post_id is not None
    type_note(qtbot, window)
    qtbot.waitUntil(lambda: stored_draft(location_of(window), post_id) is not None, timeout=1000)
    draft = stored_draft(location_of(window), post_id)
    assert draft is not None and draft.notes == NOTE
    assert DRAFT_SAVE_MS < 1000
    # A draft is not a label: the post is still unlabeled for me.
    assert window.progress_label.text().startswith("0 of 4 labeled by me")
    assert current_annotation(window.project, post_id=post_id, annotator="ana") is None  # type: ignore[arg-type]


def test_a_draft_survives_skip_and_comes_back_with_the_post(
    qtbot: QtBot, window: MainWindow
) -> None:
    post_id = window.labeling.current_post_id
    assert post_id is not None
    type_note(qtbot, window)
    press(qtbot, window, Qt.Key.Key_P)
    qtbot.keyClicks(window.labeling.label_panel.sponsor, "GlowCo")
    press(qtbot, window, Qt.Key.Key_Escape)
    span = mark_evidence(qtbot, window, "evil")
    press(qtbot, window, Qt.Key.Key_S)  # skip at once, no pause after typing
    assert window.labeling.current_post_id != post_id

    draft = stored_draft(location_of(window), post_id)
    assert draft is not None
    assert (draft.notes, draft.sponsor, draft.evidence) == (NOTE, "GlowCo", (span,))

    window.labeling.open_post(post_id)
    assert window.labeling.label_panel.notes.toPlainText() == NOTE
    assert window.labeling.label_panel.sponsor.text() == "GlowCo"
    assert window.labeling.post_panel.evidence_list.count() == 1


def test_a_draft_survives_a_queue_change_and_a_search(qtbot: QtBot, window: MainWindow) -> None:
    post_id = window.labeling.current_post_id
    assert post_id is not None
    type_note(qtbot, window)
    modes = window.queue_bar.modes
    flagged = modes.findText("Flagged for the lead")
    modes.setCurrentIndex(flagged)
    modes.activated.emit(flagged)  # what choosing it with the mouse does
    draft = stored_draft(location_of(window), post_id)
    assert draft is not None and draft.notes == NOTE

    press(qtbot, window, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.queue_bar.search, "HYPERLINK")
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.labeling.current_post_id == post_id
    assert window.labeling.label_panel.notes.toPlainText() == NOTE

    type_note(qtbot, window, " again")
    press(qtbot, window, Qt.Key.Key_F, CTRL)
    window.queue_bar.search.clear()
    qtbot.keyClicks(window.queue_bar.search, "serum")
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.labeling.current_post_id != post_id
    draft = stored_draft(location_of(window), post_id)
    assert draft is not None and draft.notes == NOTE + " again"


def test_a_draft_survives_closing_and_reopening_the_project(
    qtbot: QtBot, window: MainWindow
) -> None:
    location = location_of(window)
    post_id = window.labeling.current_post_id
    assert post_id is not None
    type_note(qtbot, window)
    press(qtbot, window, Qt.Key.Key_W, CTRL)  # close at once, within the half second
    assert window.project is None
    assert window.open_project(location)
    assert window.labeling.current_post_id == post_id
    assert window.labeling.label_panel.notes.toPlainText() == NOTE


def test_labeling_takes_the_draft_and_undo_gives_it_back(qtbot: QtBot, window: MainWindow) -> None:
    post_id = window.labeling.current_post_id
    assert post_id is not None
    type_note(qtbot, window)
    span = mark_evidence(qtbot, window, "evil")
    press(qtbot, window, Qt.Key.Key_3)
    annotation = current_annotation(window.project, post_id=post_id, annotator="ana")  # type: ignore[arg-type]
    assert annotation is not None
    assert (annotation.notes, annotation.evidence) == (NOTE, (span,))
    assert stored_draft(location_of(window), post_id) is None

    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert current_annotation(window.project, post_id=post_id, annotator="ana") is None  # type: ignore[arg-type]
    draft = stored_draft(location_of(window), post_id)
    assert draft is not None and (draft.notes, draft.evidence) == (NOTE, (span,))
    assert window.labeling.current_post_id == post_id
    assert window.labeling.label_panel.notes.toPlainText() == NOTE


def test_notes_changed_on_a_labeled_post_land_when_leaving_as_one_undo_step(
    qtbot: QtBot, window: MainWindow
) -> None:
    post_id = window.labeling.current_post_id
    assert post_id is not None
    press(qtbot, window, Qt.Key.Key_1)
    press(qtbot, window, Qt.Key.Key_Left)
    assert window.labeling.current_post_id == post_id
    type_note(qtbot, window, "second thoughts")
    press(qtbot, window, Qt.Key.Key_Right)
    annotation = current_annotation(window.project, post_id=post_id, annotator="ana")  # type: ignore[arg-type]
    assert annotation is not None and annotation.notes == "second thoughts"
    assert annotation.label_key == "not_sponsored"
    assert window.actions_by_id["edit.undo"].text().startswith("&Undo: notes on post ")
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    annotation = current_annotation(window.project, post_id=post_id, annotator="ana")  # type: ignore[arg-type]
    assert annotation is not None and annotation.notes == ""


CHILD = """
import sys, time
from PySide6.QtCore import QCoreApplication
from PySide6.QtTest import QTest
from annotator.app import build_main_window
window = build_main_window(sys.argv[1], "ana")
QCoreApplication.processEvents()
QTest.keyClicks(window.labeling.label_panel.notes, sys.argv[2])
print("typed", window.labeling.current_post_id, flush=True)
end = time.monotonic() + 60
while time.monotonic() < end:  # an app that keeps running until it is killed
    QCoreApplication.processEvents()
    time.sleep(0.01)
"""


@pytest.mark.slow
def test_a_draft_survives_sigkill_of_the_app(small_project: Project, tmp_path: Path) -> None:
    location = str(small_project.location)
    small_project.close()
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    settings = tmp_path / "settings"
    settings.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(settings)}
    child = subprocess.Popen(
        [sys.executable, str(script), location, NOTE],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith("typed"), "the app did not start"
        post_id = int(line.split()[1])
        time.sleep(1.0)  # within a second of typing the draft is in the project
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    draft = stored_draft(location, post_id)
    assert draft is not None and draft.notes == NOTE
