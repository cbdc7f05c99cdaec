"""GUI fixtures: the main window built by the real start-up code, dialogs stubbed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from annotator.app import build_main_window
from annotator.services.project.projects import Project
from annotator.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Information boxes are recorded instead of blocking the test."""
    seen: list[str] = []

    def record(_parent: object, _title: str, text: str, *_args: object) -> int:
        seen.append(text)
        return 0

    monkeypatch.setattr(QMessageBox, "information", record)
    return seen


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Error dialogs are recorded instead of shown."""
    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: seen.append(box.text()) or 0)
    return seen


@pytest.fixture
def make_window(
    qtbot: QtBot, messages: list[str], errors: list[str]
) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(project: str | Path | None = None, annotator: str | None = "ana") -> MainWindow:
        window = build_main_window(str(project) if project else None, annotator)
        qtbot.addWidget(window)
        qtbot.waitExposed(window)
        window.activateWindow()
        # Window shortcuts (the label keys) only fire in the active window.
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


@pytest.fixture
def small_window(small_project: Project, make_window: Callable[..., MainWindow]) -> MainWindow:
    location = small_project.location
    small_project.close()
    return make_window(location)


@pytest.fixture
def ask_name(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answers the 'who is labeling?' question; records that it was asked."""
    asked: list[str] = []

    def answer(*_args: object, **_kwargs: object) -> tuple[str, bool]:
        asked.append("asked")
        return "chloe", True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    return asked


@pytest.fixture
def large_font() -> Iterator[None]:
    """The system font at 150 %, as a person with low vision sets it."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.font()
    bigger = app.font()
    bigger.setPointSizeF(before.pointSizeF() * 1.5)
    app.setFont(bigger)
    try:
        yield
    finally:
        app.setFont(before)
