"""A 5 MB post on one line: the window paints, keys answer and offsets stay right."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import current_annotation
from annotator.services.project.projects import Project, open_project
from annotator.ui.labeling.post_panel import SHOWN_LIMIT
from annotator.ui.main_window import MainWindow
from tests.conftest import write_csv
from tests.ui.keys import press

pytestmark = pytest.mark.gui

QUOTE = "Paid partnership with GlowCo"
# A run without spaces is the worst case for Qt's line breaking (it grew quadratically).
LONG_TEXT = "x" * 2_000_000 + f" {QUOTE} " + "word " * 600_000


def reread(window: MainWindow, post_id: int):  # type: ignore[no-untyped-def]
    assert window.project is not None
    project = open_project(window.project.location)
    try:
        return current_annotation(project, post_id=post_id, annotator="ana")
    finally:
        project.close()


@pytest.fixture
def long_project(project: Project, tmp_path: Path) -> Path:
    csv = write_csv(tmp_path / "long.csv", f"id,text\n1,{LONG_TEXT}\n2,A short one\n")
    import_dataset(project, csv)
    location = project.location
    project.close()
    return location


def test_the_window_paints_and_a_label_key_answers_at_once(
    qtbot: QtBot, long_project: Path, make_window: Callable[..., MainWindow]
) -> None:
    started = time.monotonic()
    window = make_window(long_project)  # waits until the window is exposed
    post_id = window.labeling.current_post_id
    assert post_id is not None
    press(qtbot, window, Qt.Key.Key_2)
    elapsed = time.monotonic() - started
    saved = reread(window, post_id)
    assert saved is not None and saved.label_key == "sponsored_disclosed"
    assert elapsed < 3.0, f"opening and labeling took {elapsed:.1f} s"
    panel = window.labeling.post_panel
    press(qtbot, window, Qt.Key.Key_Left)
    assert len(panel.text.toPlainText()) < SHOWN_LIMIT + 10
    assert panel.more_button.isVisible()
    rest = len(LONG_TEXT) - SHOWN_LIMIT
    assert panel.more_button.text() == f"… {rest:,} more characters — Show whole text"


def test_show_whole_text_reveals_it_and_evidence_keeps_its_offsets(
    qtbot: QtBot, long_project: Path, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(long_project)
    panel = window.labeling.post_panel
    post_id = window.labeling.current_post_id
    assert post_id is not None
    started = time.monotonic()
    qtbot.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)
    assert time.monotonic() - started < 2.0
    assert not panel.more_button.isVisible()
    # Everything is shown; the only difference is line breaks added for display.
    shown = panel.text.toPlainText()
    assert shown.replace("\n", "") == LONG_TEXT.replace("\n", "")
    start = LONG_TEXT.index(QUOTE)
    panel.select(start, start + len(QUOTE))
    press(qtbot, window, Qt.Key.Key_E)
    press(qtbot, window, Qt.Key.Key_2)
    saved = reread(window, post_id)
    assert saved is not None
    [span] = saved.evidence
    assert (span.quote, span.start, span.end) == (QUOTE, start, start + len(QUOTE))
    # Back on the post: the span lies beyond the shown part, listed but not highlighted
    # until the whole text is shown again.
    press(qtbot, window, Qt.Key.Key_Left)
    assert panel.evidence_list.count() == 1
    assert "not shown yet" in panel.evidence_list.item(0).text()
    assert QUOTE not in {s.cursor.selectedText() for s in panel.text.extraSelections()}
    qtbot.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)
    assert QUOTE in {s.cursor.selectedText() for s in panel.text.extraSelections()}
