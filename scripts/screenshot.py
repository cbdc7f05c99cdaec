"""Take the README's screenshot of the real main window on the sample project.

Run through `make screenshot` (under Xvfb when available). It copies the demo project,
so the screenshot never changes anyone's labels.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from annotator.app import build_main_window


def main(project: Path, out: Path) -> int:
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        copy = Path(folder) / project.name
        shutil.copy(project, copy)
        window = build_main_window(str(copy), "ana")
        window.resize(1200, 720)
        # A post with a disclosure worth looking at.
        queue = window.queue
        assert queue is not None
        while queue.step(1):
            post = queue.current_post()
            if post is not None and "Paid for by" in post.text and "\n" not in post.text:
                break
        window.label_panel.notes.setPlainText("")
        window.go_previous()
        window.go_next()
        QApplication.processEvents()
        window.grab().save(str(out))
        window.close()
    print(f"Wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
