"""Seconds spent on a post, counted only while the app is the active window."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QGuiApplication


class ActiveTimer(QObject):
    """A stopwatch that pauses when the application goes inactive (another window,
    screen locked) and resumes when it comes back."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._spent = 0.0
        self._since: float | None = None
        self._active = QGuiApplication.applicationState() == Qt.ApplicationState.ApplicationActive
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._state_changed)

    def restart(self) -> None:
        self._spent = 0.0
        self._since = time.monotonic() if self._active else None

    def seconds(self) -> float:
        running = time.monotonic() - self._since if self._since is not None else 0.0
        return round(self._spent + running, 3)

    @Slot(Qt.ApplicationState)
    def _state_changed(self, state: Qt.ApplicationState) -> None:
        active = state == Qt.ApplicationState.ApplicationActive
        if active and self._since is None:
            self._since = time.monotonic()
        elif not active and self._since is not None:
            self._spent += time.monotonic() - self._since
            self._since = None
        self._active = active
