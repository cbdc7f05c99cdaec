"""The main window's tab widget: a label changing text inside a page repaints that label,
not the whole tab; sizes still follow the window and the pages."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from annotator.ui.quiet_tabs import QuietTabWidget

pytestmark = pytest.mark.gui


class _Paints(QObject):
    def __init__(self, watched: QWidget) -> None:
        super().__init__()
        self.watched, self.largest = watched, 0
        watched.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.watched and event.type() == QEvent.Type.Paint:
            rect = event.region().boundingRect()  # type: ignore[attr-defined]
            self.largest = max(self.largest, rect.width() * rect.height())
        return False


def _tabs(qtbot: QtBot, kind: type[QTabWidget]) -> tuple[QTabWidget, QLabel, QWidget]:
    tabs = kind()
    page = QWidget()
    label = QLabel("a longer text number 9")
    layout = QVBoxLayout(page)
    layout.addWidget(label)
    layout.addStretch()
    tabs.addTab(page, "Label")
    tabs.addTab(QWidget(), "Browse")
    qtbot.addWidget(tabs)
    tabs.resize(500, 300)
    tabs.show()
    qtbot.waitExposed(tabs)
    return tabs, label, page


@pytest.mark.parametrize(("kind", "repaints"), [(QTabWidget, True), (QuietTabWidget, False)])
def test_a_label_changing_text_repaints_the_whole_tab_only_with_qts_own_widget(
    qtbot: QtBot, kind: type[QTabWidget], repaints: bool
) -> None:
    tabs, label, _page = _tabs(qtbot, kind)
    qtbot.wait(20)
    paints = _Paints(tabs)
    for n in range(5):
        label.setText(f"a longer text number {n}")
        qtbot.wait(20)
    assert label.text() == "a longer text number 4"
    whole = tabs.width() * tabs.height()
    assert (paints.largest > whole // 2) is repaints


def test_pages_still_follow_the_window_and_their_own_minimum_size(qtbot: QtBot) -> None:
    tabs, _label, page = _tabs(qtbot, QuietTabWidget)
    tabs.resize(700, 400)
    qtbot.waitUntil(lambda: page.width() > 600)
    before = tabs.minimumSizeHint().height()
    page.setMinimumHeight(600)
    qtbot.waitUntil(lambda: tabs.minimumSizeHint().height() > before)
    tabs.resize(700, 800)
    qtbot.waitUntil(lambda: page.height() >= 600)
