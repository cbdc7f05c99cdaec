"""Help > About annotator: version, licence, the libraries underneath, the open project and
its database, with a button that copies it all for a bug report."""

from __future__ import annotations

import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import QSize, Qt, QTimer, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator import __version__
from annotator.services.project.projects import Project, database_engine_name
from annotator.ui.project.welcome import TAGLINE, app_icon

#: The licence declared in pyproject.toml (tests/ui/test_codebook_panel.py keeps them
#: in step). Kept here because a bundled app has no package metadata to read it from.
LICENCE = "MIT"


def about_rows(project: Project | None) -> list[tuple[str, str]]:
    """(name, value) pairs shown in the dialog and copied for bug reports."""
    rows = [
        ("Version", __version__),
        ("Licence", LICENCE),
        ("Python", platform.python_version()),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("System", platform.platform()),
    ]
    if project is None:
        rows.append(("Project", "none open"))
        return rows
    if project.is_sqlite:
        rows.append(("Project file", str(Path(project.location).resolve())))
    else:
        rows.append(("Database URL", project.location))  # stored without the password
    rows.append(("Database engine", database_engine_name(project)))
    return rows


def about_text(rows: list[tuple[str, str]]) -> str:
    return "\n".join(["annotator", *(f"{name}: {value}" for name, value in rows)])


class AboutDialog(QDialog):
    """The facts as selectable plain text; Copy puts them on the clipboard."""

    def __init__(self, project: Project | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About annotator")
        self.setObjectName("aboutDialog")
        self.rows = about_rows(project)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(QSize(56, 56)))
        title = QLabel(f"annotator {__version__}")
        title.setObjectName("aboutTitle")
        tagline = QLabel(TAGLINE)
        tagline.setWordWrap(True)
        heading = QVBoxLayout()
        heading.addWidget(title)
        heading.addWidget(tagline)
        heading.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(icon, alignment=Qt.AlignmentFlag.AlignTop)
        top.addSpacing(8)
        top.addLayout(heading, stretch=1)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.values: dict[str, QLabel] = {}
        for name, value in self.rows:
            shown = QLabel(value)
            shown.setObjectName("aboutValue")
            shown.setTextFormat(Qt.TextFormat.PlainText)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{name}:", shown)
            self.values[name] = shown
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.copy_button = QPushButton("Copy details")
        self.copy_button.setToolTip("Copy these details, to paste into a bug report")
        self.copy_button.clicked.connect(self.copy)
        self._copied = QTimer(self)
        self._copied.setSingleShot(True)
        self._copied.setInterval(1500)
        self._copied.timeout.connect(lambda: self.copy_button.setText("Copy details"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(14)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(520)

    def text(self) -> str:
        return about_text(self.rows)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.copy_button.setText("Copied")
        self._copied.start()
