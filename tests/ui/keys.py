"""Typing as a person does, for the GUI tests."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot


def press(qtbot: QtBot, window: QWidget, key: Qt.Key, modifiers: object = None) -> None:
    """Send a key to whatever widget has the focus (the window when none has)."""
    target = QApplication.focusWidget() or window
    if modifiers is None:
        qtbot.keyClick(target, key)
    else:
        qtbot.keyClick(target, key, modifiers)


def external_id(window: Any) -> str:
    """The external id of the post the labeling view shows."""
    queue = window.labeling.queue
    assert queue is not None
    post = queue.current_post()
    assert post is not None
    return str(post.external_id)


def go_to(qtbot: QtBot, window: Any, wanted: str) -> None:
    """Walk forward with the arrow key until the post ``wanted`` is shown."""
    for _ in range(12):
        if external_id(window) == wanted:
            return
        press(qtbot, window, Qt.Key.Key_Right)
    raise AssertionError(f"post {wanted} not reached")
