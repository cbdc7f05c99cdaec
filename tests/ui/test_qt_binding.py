"""Guards against Qt binding bugs that would crash a long labeling session."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem
from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.gui


def test_void_calls_do_not_drop_references_to_none(qtbot: QtBot) -> None:
    """PySide6 6.12.0 on Python 3.11 decrefs None on each void call: a day of labeling
    (hundreds of thousands of calls) then dies with "deallocating None"."""
    label = QLabel()
    items = QListWidget()
    qtbot.addWidget(label)
    qtbot.addWidget(items)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("a")
        items.addItem(QListWidgetItem("x"))
        items.clear()
    assert abs(sys.getrefcount(None) - before) < 100
