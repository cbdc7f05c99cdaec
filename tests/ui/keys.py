"""Typing as a person does, for the GUI tests."""

from __future__ import annotations

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
