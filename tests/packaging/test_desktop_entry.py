"""The desktop entry and the application icon: valid, consistent, and what the app uses."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from annotator.app import application_icon, ensure_application
from annotator.resource_files import resource_path

REPO = Path(__file__).resolve().parents[2]
DESKTOP_FILE = REPO / "resources" / "annotator.desktop"
SIZES = (16, 32, 48, 64, 128, 256, 512)
#: Qt's antialiasing moves edge pixels by one level between patch releases (6.11.3 against
#: the release the PNGs were rendered with): a stale icon differs by far more.
SHADE_TOLERANCE = 2


def _alike(first: QImage, second: QImage) -> bool:
    """Same size and every channel of every pixel within ``SHADE_TOLERANCE``."""
    if first.size() != second.size():
        return False
    # Copied out while the converted image lives: its bits die with it.
    a, b = (
        np.frombuffer(bytes(converted.constBits()), np.uint8).astype(int)
        for converted in (
            image.convertToFormat(QImage.Format.Format_RGBA8888) for image in (first, second)
        )
    )
    return bool(np.abs(a - b).max() <= SHADE_TOLERANCE)


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_starts_the_app_with_its_icon() -> None:
    entry = _entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "annotator"
    assert entry["GenericName"] and entry["Comment"]
    # The GUI on the file the desktop hands over (one path or none).
    assert entry["Exec"] == "annotator gui %f"
    assert entry["Icon"] == "annotator"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and "Office" in entry["Categories"].split(";")
    # Qt's WM_CLASS is the application name; docks group the window under the entry.
    assert entry["StartupWMClass"] == "annotator"


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed"
)
def test_desktop_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


def test_committed_pngs_are_what_render_icons_makes_of_todays_svg(tmp_path: Path) -> None:
    """scripts/render_icons.py as a developer runs it, into a scratch folder this time."""
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "render_icons.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=60,
    )
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.png"))
    assert written == sorted(f"hicolor/{s}x{s}/apps/annotator.png" for s in SIZES)
    for size in SIZES:
        name = f"hicolor/{size}x{size}/apps/annotator.png"
        fresh, committed = QImage(str(tmp_path / name)), QImage(str(resource_path(f"icons/{name}")))
        assert committed.size() == fresh.size() == QSize(size, size)
        assert _alike(committed, fresh), f"icons/{name} is out of date: run scripts/render_icons.py"


def test_the_app_and_its_windows_use_the_icon_set(qapp: QApplication) -> None:
    app = ensure_application()
    assert app.desktopFileName() == "annotator"
    assert app.applicationName() == _entry()["StartupWMClass"]
    icon = application_icon()
    assert not icon.isNull() and not app.windowIcon().isNull()
    for size in SIZES:
        png = QImage(str(resource_path(f"icons/hicolor/{size}x{size}/apps/annotator.png")))
        shown = icon.pixmap(QSize(size, size)).toImage().convertToFormat(png.format())
        assert _alike(shown, png)
    # Sizes between and beyond the PNGs come from the SVG, sharp.
    assert app.windowIcon().pixmap(QSize(1024, 1024)).size() == QSize(1024, 1024)
