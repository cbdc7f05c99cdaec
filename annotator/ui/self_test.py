"""The packaged app's smoke test: hidden ``annotator self-test PROJECT OUT``.

It proves that a build works end to end with nobody at the screen: the real main
window opens PROJECT offscreen, the first label's key labels the post shown, the
database is checked through the services, and that label is exported to OUT.
Preferences go to a temporary folder, so the test never touches the user's.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.domain.queue_modes import QueueMode
from annotator.services.exports.exporting import ExportOptions, export_data
from annotator.services.labeling.annotating import current_annotation
from annotator.services.labeling.browsing import count_rows
from annotator.services.project.projects import open_project
from annotator.ui.main_window import MainWindow

SELF_TEST_ANNOTATOR = "self-test"
#: A dialog waiting for an answer would otherwise hang the test for ever.
TIMEOUT_MS = 120_000

WindowBuilder = Callable[[str | None, str | None], MainWindow]


class SelfTestError(Exception):
    """A step did not do what it should; the message says which."""


def run_self_test(project: str, out: Path, *, build_window: WindowBuilder) -> int:
    """0 and one ``OK`` line when every step worked; 1 and the reason on stderr if not."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    watchdog = QTimer(app)
    watchdog.setSingleShot(True)
    watchdog.timeout.connect(_give_up)
    watchdog.start(TIMEOUT_MS)
    try:
        _isolate_settings(_settings_folder())
        summary = _label_and_export(project, out, build_window)
    except SelfTestError as error:
        print(f"annotator self-test: FAILED: {error}", file=sys.stderr)
        return 1
    except Exception:
        print("annotator self-test: FAILED with an error:", file=sys.stderr)
        traceback.print_exc()
        return 1
    finally:
        watchdog.stop()
    print(f"annotator self-test: OK: {summary}")
    return 0


def _settings_folder() -> Path:
    """A folder for this run's settings, removed when the process ends: Qt writes the
    settings when its objects go away, after any ``with`` block here would have removed
    it (which left a folder in the temp directory per run)."""
    folder = Path(tempfile.mkdtemp(prefix="annotator-self-test-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _isolate_settings(folder: Path) -> None:
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


def _label_and_export(project: str, out: Path, build_window: WindowBuilder) -> str:
    window = build_window(project, SELF_TEST_ANNOTATOR)
    try:
        if window.project is None or window.codebook is None:
            raise SelfTestError(f"the project {project} did not open")
        _activate(window)
        queue = window.labeling.queue
        post = queue.current_post() if queue is not None else None
        if post is None:
            raise SelfTestError("the labeling view shows no post")
        labels = window.codebook.labels
        label = labels[0]
        # Typed into whatever has the focus, as a person's key press would be.
        QTest.keyClicks(QApplication.focusWidget() or window, label.shortcut)
        QApplication.processEvents()
        # The engine's own URL: a server project's location has no password in it.
        location = window.project.engine.url.render_as_string(hide_password=False)
    finally:
        window.close()
    with closing(open_project(location)) as opened:
        saved = current_annotation(opened, post_id=post.id, annotator=SELF_TEST_ANNOTATOR)
        if saved is None or saved.label_key != label.key:
            found = "nothing" if saved is None else saved.label_key
            raise SelfTestError(
                f"key {label.shortcut!r} should have saved {label.key!r} for post "
                f"{post.external_id}, the database holds {found}"
            )
        options = ExportOptions(what="annotations", annotator=SELF_TEST_ANNOTATOR)
        result = export_data(opened, out, options)
        # Every post the self-test has labeled, this time and any before, once each.
        labeled = sum(
            count_rows(opened, QueueMode("label", each.key), SELF_TEST_ANNOTATOR) for each in labels
        )
    if result.rows != labeled:
        raise SelfTestError(f"the export to {out} wrote {result.rows} rows, not {labeled}")
    return f"labeled post {post.external_id} {label.key}; exported it to {out}"


def _activate(window: MainWindow) -> None:
    """Label keys are window shortcuts: they fire only in the active window."""
    window.activateWindow()
    for _ in range(250):
        if window.isActiveWindow():
            return
        QTest.qWait(20)
    raise SelfTestError("the main window never became active")


def _give_up() -> None:
    """Say what is stuck (usually a dialog's question) and end the process."""
    modal = QApplication.activeModalWidget()
    waiting = f": a dialog is open: {modal.text()}" if isinstance(modal, QMessageBox) else ""
    print(f"annotator self-test: FAILED: timed out{waiting}", file=sys.stderr, flush=True)
    os._exit(1)
