"""The welcome page, shown while no project is open: recent projects, the sample project,
a new project from a dataset file, and the tour of the labeling keys."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, QStandardPaths, Qt, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator import __version__
from annotator.domain.errors import CancelledError
from annotator.domain.progress import CancelToken
from annotator.resource_files import resource_path
from annotator.ui.settings import Preferences

SAMPLE_NAME = "sample.annotator"
TAGLINE = "Label social-media posts as sponsored, disclosed or undisclosed, with evidence."


def app_icon() -> QIcon:
    """The application's icon as app.py set it (the SVG when run without it)."""
    icon = QGuiApplication.windowIcon()
    return icon if not icon.isNull() else QIcon(str(resource_path("icons/annotator.svg")))


def sample_project_path() -> Path:
    """Where "Open the sample project" keeps its copy: the app's own data folder."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(folder) / SAMPLE_NAME


def build_sample_once(target: Path, cancel: CancelToken | None = None) -> Path:
    """Build the sample project at ``target`` unless it is there. It is built in a
    scratch folder beside it and moved in at the end, so a failed or cancelled build
    never leaves a half-made sample to be opened next time. (A folder, not
    ``services.atomic_files``: SQLite writes -wal and -shm files beside the project.)"""
    if target.exists():
        return target
    from annotator.services.project.sample_project import build_sample_project  # loads pandas

    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".sample-", dir=target.parent))
    try:
        build_sample_project(scratch / target.name).close()
        if cancel is not None and cancel.cancelled:
            raise CancelledError()
        (scratch / target.name).replace(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def free_project_name(dataset: Path) -> Path:
    """``posts.annotator`` beside ``posts.csv``, or ``posts-2.annotator``… if taken."""
    candidate = dataset.with_suffix(".annotator")
    number = 2
    while candidate.exists():
        candidate = dataset.with_name(f"{dataset.stem}-{number}.annotator")
        number += 1
    return candidate


def recent_item(location: str) -> QListWidgetItem:
    """A recent project as a list row; a file that is gone is greyed and says so."""
    is_url = "://" in location
    path = Path(location)
    missing = not is_url and not path.exists()
    name = location if is_url else path.stem
    where = "" if is_url else str(path.parent)
    item = QListWidgetItem(f"{name}{'  (missing)' if missing else ''}\n{where}".rstrip())
    item.setData(Qt.ItemDataRole.UserRole, location)
    item.setToolTip(location if not missing else f"{location} is no longer there")
    if missing:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
    return item


class WelcomePage(QWidget):
    """What a person sees with no project open; the main window acts on its signals."""

    open_requested = Signal(str)
    sample_requested = Signal()
    new_from_file_requested = Signal()
    choose_requested = Signal()
    tour_requested = Signal()

    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        self.preferences = preferences
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(QSize(72, 72)))
        title = QLabel("annotator")
        title.setObjectName("welcomeTitle")
        version = QLabel(f"Version {__version__}")
        version.setObjectName("welcomeVersion")
        tagline = QLabel(TAGLINE)
        tagline.setObjectName("welcomeTagline")
        tagline.setWordWrap(True)
        heading = QVBoxLayout()
        heading.setSpacing(2)
        heading.addWidget(title)
        heading.addWidget(version)
        heading.addWidget(tagline)
        top = QHBoxLayout()
        top.addWidget(icon, alignment=Qt.AlignmentFlag.AlignTop)
        top.addSpacing(12)
        top.addLayout(heading, stretch=1)

        self.recent = QListWidget()
        self.recent.setObjectName("recentProjects")
        self.recent.setAlternatingRowColors(True)
        self.recent.setSpacing(2)
        self.recent.itemActivated.connect(self._activated)
        self.recent.setMinimumHeight(220)
        self.recent.setMaximumHeight(380)
        self.recent_empty = QLabel("No recent projects yet: start with the sample project.")
        self.recent_empty.setObjectName("welcomeHint")
        self.recent_empty.setWordWrap(True)
        self.recent_hint = QLabel("Double-click or press Enter to open.")
        self.recent_hint.setObjectName("welcomeHint")

        starts = [
            (
                "Open the sample project",
                "381 posts with three annotators' labels, to try everything safely.",
                self.sample_requested,
            ),
            (
                "New project from a file…",
                "A CSV, Excel, JSON or Parquet file of posts; the project is saved beside it.",
                self.new_from_file_requested,
            ),
            (
                "Open project…",
                "An .annotator file, or a package from your lead.",
                self.choose_requested,
            ),
            (
                "Tour of the labeling keys",
                "Five short pages: 1 2 3, E, N, P, S, F and more.",
                self.tour_requested,
            ),
        ]
        self.sample_button, self.new_button, self.open_button, self.tour_button = (
            self._button(text, signal) for text, _caption, signal in starts
        )

        recent_title = QLabel("Recent projects")
        recent_title.setObjectName("welcomeSection")
        start_title = QLabel("Start")
        start_title.setObjectName("welcomeSection")
        grid = QGridLayout()
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(8)
        grid.addWidget(recent_title, 0, 0)
        grid.addWidget(start_title, 0, 1)
        left = QVBoxLayout()
        left.addWidget(self.recent)
        left.addWidget(self.recent_empty)
        left.addWidget(self.recent_hint)
        left.addStretch(1)
        grid.addLayout(left, 1, 0)
        right = QVBoxLayout()
        right.setSpacing(4)
        buttons = (self.sample_button, self.new_button, self.open_button, self.tour_button)
        for button, (_text, caption, _signal) in zip(buttons, starts, strict=True):
            right.addWidget(button)
            explained = QLabel(caption)
            explained.setObjectName("welcomeHint")
            explained.setWordWrap(True)
            explained.setContentsMargins(4, 0, 0, 10)
            right.addWidget(explained)
        right.addStretch(1)
        grid.addLayout(right, 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)

        body = QWidget()
        body.setObjectName("welcomeBody")
        body.setMaximumWidth(960)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(32, 32, 32, 32)
        body_layout.setSpacing(24)
        body_layout.addStretch(1)
        body_layout.addLayout(top)
        body_layout.addLayout(grid)
        body_layout.addStretch(2)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(body, stretch=20)
        outer.addStretch(1)
        self.refresh()

    def _button(self, text: str, signal: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName("welcomeButton")
        button.setAutoDefault(True)
        button.clicked.connect(lambda _checked=False: signal.emit())
        return button

    def refresh(self) -> None:
        """Re-read the recent projects (a file may have gone or come back)."""
        self.recent.clear()
        for location in self.preferences.recent_projects:
            self.recent.addItem(recent_item(location))
        has_recent = self.recent.count() > 0
        self.recent.setVisible(has_recent)
        self.recent_hint.setVisible(has_recent)
        self.recent_empty.setVisible(not has_recent)
        first = next(
            (
                i
                for i in range(self.recent.count())
                if self.recent.item(i).flags() & Qt.ItemFlag.ItemIsEnabled
            ),
            None,
        )
        if first is not None:
            self.recent.setCurrentRow(first)

    def focus_first(self) -> None:
        """Keys go to the recent list when it has a project to open, else the sample."""
        if self.recent.isVisibleTo(self) and self.recent.currentItem() is not None:
            self.recent.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.sample_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _activated(self, item: QListWidgetItem) -> None:
        if item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.open_requested.emit(str(item.data(Qt.ItemDataRole.UserRole)))
