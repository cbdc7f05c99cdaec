"""The labeling window on a PostgreSQL project: a key press lands in the server's tables.

Runs when ANNOTATOR_TEST_POSTGRES_URL names a server (`.ci/run` starts one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.services.labeling.annotating import current_annotation
from annotator.services.project.projects import open_project
from annotator.services.project.sample_project import build_sample_project
from annotator.ui.main_window import MainWindow
from tests.conftest import needs_server
from tests.ui.keys import press

pytestmark = [pytest.mark.gui, needs_server]


@pytest.fixture
def server_project(database: str) -> Iterator[str]:
    build_sample_project(database).close()
    yield database


def test_labeling_and_undo_on_a_server_project(
    qtbot: QtBot, server_project: str, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(server_project)
    assert window.project is not None and not window.project.is_sqlite
    queue = window.labeling.queue
    assert queue is not None and queue.current_id is not None
    post_id = queue.current_id
    press(qtbot, window, Qt.Key.Key_2)
    check = open_project(server_project)
    try:
        saved = current_annotation(check, post_id=post_id, annotator="ana")
        assert saved is not None and saved.label_key == "sponsored_disclosed"
        press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert current_annotation(check, post_id=post_id, annotator="ana") is None
    finally:
        check.close()
