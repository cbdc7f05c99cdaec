"""Render the application icon's PNG sizes from resources/icons/annotator.svg.

Run once after changing the SVG (the PNGs are committed), from the repository root:

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/render_icons.py

The PNGs go to ``resources/icons/hicolor/<N>x<N>/apps/annotator.png``, the freedesktop
icon-theme layout, so installing them is one copy into ``~/.local/share/icons/hicolor``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def png_path(size: int, icons: Path = ICONS) -> Path:
    """Where the ``size`` px rendering lives (the hicolor theme layout)."""
    return icons / "hicolor" / f"{size}x{size}" / "apps" / "annotator.png"


def render(svg: Path, size: int) -> QImage:
    """The SVG drawn antialiased on a transparent square of ``size`` pixels."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main(argv: list[str]) -> int:
    """Render every size; ``--out DIR`` writes under DIR instead of resources/icons."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ICONS, help="icons folder to write into")
    out = parser.parse_args(argv).out
    _app = QGuiApplication(sys.argv[:1])
    svg = ICONS / "annotator.svg"
    for size in SIZES:
        target = png_path(size, out)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(svg, size).save(str(target)):
            raise SystemExit(f"could not write {target}")
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
