"""GUI composition root: QApplication, error handlers, style, main window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from annotator import __version__
from annotator.resource_files import resource_path
from annotator.ui.errors import install_error_handlers
from annotator.ui.main_window import MainWindow
from annotator.ui.settings import APPLICATION, ORGANIZATION, Preferences


def ensure_application() -> QApplication:
    """The one QApplication, configured once (names feed QSettings' location)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    # Matches resources/annotator.desktop, so Wayland docks find the entry and its icon.
    app.setDesktopFileName("annotator")
    app.setWindowIcon(application_icon())
    app.setStyleSheet(resource_path("style.qss").read_text(encoding="utf-8"))
    return app


def application_icon() -> QIcon:
    """The SVG, plus its PNG renderings so small sizes use pixels drawn for that size."""
    icon = QIcon(str(resource_path("icons/annotator.svg")))
    for png in sorted(resource_path("icons/hicolor").glob("*/apps/annotator.png")):
        icon.addFile(str(png))
    return icon


def _configure_logging() -> Path:
    folder = Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    )
    folder.mkdir(parents=True, exist_ok=True)
    log_file = folder / "annotator.log"
    logging.basicConfig(
        filename=log_file,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return log_file


def build_main_window(project: str | None, annotator_name: str | None) -> MainWindow:
    """Everything start-up does short of the event loop; tests use it too.

    The window is shown before the project opens, so the "who is labeling?" question
    and any error appear over the app rather than alone on the desktop.
    """
    ensure_application()
    preferences = Preferences()
    window = MainWindow(preferences, annotator_name=annotator_name)
    window.show()
    if project:
        window.open_project(project)
    return window


def _last_project(preferences: Preferences) -> str | None:
    """The most recent project that still exists, for a start without arguments."""
    for location in preferences.recent_projects:
        if "://" in location or Path(location).exists():
            return location
    return None


def run_app(project: str | None = None, annotator_name: str | None = None) -> int:
    app = ensure_application()
    _configure_logging()
    install_error_handlers()
    window = build_main_window(project or _last_project(Preferences()), annotator_name)
    window.raise_()
    _quit_after_env_delay(app)
    return int(app.exec())


def _quit_after_env_delay(app: QApplication) -> None:
    """``ANNOTATOR_QUIT_AFTER_MS``: quit that long after start (packaging smoke tests)."""
    delay = os.environ.get("ANNOTATOR_QUIT_AFTER_MS", "")
    if delay.isdigit():
        QTimer.singleShot(int(delay), app.quit)


def run_self_test(project: str, out: Path) -> int:
    """Hidden ``annotator self-test``: the bundle's smoke test through the real window."""
    from annotator.ui.self_test import run_self_test as run

    return run(project, out, build_window=build_main_window)
