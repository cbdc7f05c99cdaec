"""The window opens without scikit-learn: the model trains in its own process, and the
import cost 2 s of every start-up (README, Workspace). A subprocess, since this test
process imported it long ago."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.services.project.projects import Project

pytestmark = pytest.mark.gui

_SCRIPT = """
import sys, tempfile
from PySide6.QtCore import QSettings
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
from annotator.app import build_main_window
window = build_main_window(sys.argv[1], "ana")
assert window.labeling.current_post_id is not None, "no post shown"
print(sorted(m for m in ("sklearn", "scipy") if m in sys.modules))
window.close()
"""


def test_the_window_opens_a_project_without_importing_scikit_learn(
    small_project: Project,
) -> None:
    location = small_project.location
    small_project.close()
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(location)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
