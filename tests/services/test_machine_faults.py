"""Faults of the machine rather than of the data: each ends in one sentence, exit 2,
never a traceback and never a hang."""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.cli.main import run_cli
from annotator.services.exports.export_writers import CsvWriter
from annotator.services.project.projects import Project

SECONDS = 10


@pytest.fixture
def fifos(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Named pipes to hand the app as files. A reader that blocks on one (as the app did,
    waiting for a writer forever) is released after ``SECONDS`` by a watchdog that opens
    the pipe for writing and closes it, so such a test fails instead of hanging."""
    made: list[Path] = []
    done = threading.Event()
    released: list[Path] = []

    def watchdog() -> None:
        while not done.wait(SECONDS):
            for fifo in made:
                try:
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:  # no reader waiting
                    continue
                released.append(fifo)

    def make(name: str) -> Path:
        path = tmp_path / name
        os.mkfifo(path)
        made.append(path)
        return path

    thread = threading.Thread(target=watchdog, daemon=True)
    thread.start()
    yield make
    done.set()
    thread.join()
    assert released == [], "the app blocked reading a named pipe"


def _cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    capsys.readouterr()
    code = run_cli([str(arg) for arg in args], launch_gui=lambda *_: 0)
    return code, capsys.readouterr().err


def _refused_as_fifo(code: int, err: str, path: Path) -> None:
    assert code == 2
    assert err == (
        f"annotator: error: {path}: is a named pipe (FIFO), not a file; "
        "give the path of a regular file\n"
    )


def test_a_fifo_as_project_is_refused(
    fifos: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = fifos("p.annotator")
    _refused_as_fifo(*_cli(capsys, "stats", fifo), fifo)
    _refused_as_fifo(*_cli(capsys, "init", fifo), fifo)


@pytest.mark.parametrize("name", ["posts.csv", "posts.jsonl", "posts.xlsx"])
def test_a_fifo_as_import_source_is_refused(
    project: Project, fifos: Callable[[str], Path], capsys: pytest.CaptureFixture[str], name: str
) -> None:
    fifo = fifos(name)
    _refused_as_fifo(*_cli(capsys, "import", project.location, fifo), fifo)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("labels.csv", []),
        ("export.json", ["--from", "label-studio"]),
        ("doccano.jsonl", ["--from", "doccano", "--annotator", "ana"]),
        ("prodigy.jsonl", ["--from", "prodigy", "--annotator", "ana"]),
    ],
)
def test_a_fifo_as_label_file_is_refused(
    small_project: Project,
    fifos: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    name: str,
    options: list[str],
) -> None:
    fifo = fifos(name)
    code, err = _cli(capsys, "import-labels", small_project.location, fifo, *options)
    _refused_as_fifo(code, err, fifo)


def test_a_fifo_as_package_is_refused(
    small_project: Project, fifos: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = fifos("ana.pkg")
    _refused_as_fifo(*_cli(capsys, "merge", small_project.location, fifo), fifo)


def _full_disk(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_during_export_is_one_sentence(
    small_project: Project,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(CsvWriter, "write", _full_disk)
    out = tmp_path / "posts.csv"
    code, err = _cli(capsys, "export", small_project.location, out)
    assert code == 2
    assert err.startswith("annotator: error: the disk is full: ")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


def test_a_full_disk_inside_sqlite_during_import_is_one_sentence(
    small_project: Project,
    small_csv: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    location = small_project.location
    small_project.close()

    def full(connection: object, *_args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    import sqlalchemy

    monkeypatch.setattr(sqlalchemy.engine.default.DefaultDialect, "do_commit", full)
    code, err = _cli(capsys, "import", location, small_csv, "--dataset", "again")
    assert code == 2
    assert err == (
        f"annotator: error: the disk is full: {location}: nothing was saved; free some "
        "space and try again\n"
    )


def test_a_full_disk_in_the_window_is_the_same_sentence(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from annotator.ui.errors import report_error

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    report_error(None, OSError(errno.ENOSPC, "No space left on device", "/media/usb/out.csv"))
    assert shown == [
        "the disk is full: /media/usb/out.csv: nothing was saved; free some space and try again"
    ]
