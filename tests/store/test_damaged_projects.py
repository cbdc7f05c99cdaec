"""A damaged project file (truncated, bytes flipped) is refused on open in one sentence
that names the newest backup and how to put it back, the same in the CLI and the GUI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.cli.main import run_cli
from annotator.domain.errors import ProjectError
from annotator.services.project.projects import Project, open_project
from annotator.store.backup import backups_dir, list_backups

PAGE = 4096


def _damaged_copy(project: Project, tmp_path: Path, name: str, damage: str) -> Path:
    """A closed copy of the project (with its backups folder) damaged as a disk or a
    failed copy would: cut in half, cut mid-page, or a page header overwritten."""
    source = Path(project.location)
    project.backup("manual")
    project.close()
    data = source.read_bytes()
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "truncated-mid-page":
        data = data[: len(data) - 1000]
    elif damage == "flipped":
        middle = (len(data) // PAGE // 2) * PAGE
        data = (
            data[:middle]
            + bytes(b ^ 0xFF for b in data[middle : middle + 64])
            + data[middle + 64 :]
        )
    target = tmp_path / "copies" / name
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(data)
    shutil.copytree(backups_dir(source), backups_dir(target))
    return target


@pytest.mark.parametrize("damage", ["truncated", "truncated-mid-page", "flipped"])
def test_a_damaged_project_is_refused_naming_the_newest_backup(
    small_project: Project, tmp_path: Path, damage: str
) -> None:
    damaged = _damaged_copy(small_project, tmp_path, "p.annotator", damage)
    newest = list_backups(damaged)[0]
    before = damaged.read_bytes()

    with pytest.raises(ProjectError) as refused:
        open_project(damaged)

    sentence = str(refused.value)
    assert "damaged" in sentence and "not an annotator project" not in sentence
    assert str(newest) in sentence and f"cp '{newest}' '{damaged}'" in sentence
    assert "\n" not in sentence
    assert damaged.read_bytes() == before


def test_the_restore_the_sentence_gives_works(small_project: Project, tmp_path: Path) -> None:
    damaged = _damaged_copy(small_project, tmp_path, "p.annotator", "flipped")
    with pytest.raises(ProjectError):
        open_project(damaged)
    shutil.copyfile(list_backups(damaged)[0], damaged)
    open_project(damaged).close()


def test_a_damaged_project_without_backups_says_so(small_project: Project, tmp_path: Path) -> None:
    damaged = _damaged_copy(small_project, tmp_path, "p.annotator", "truncated")
    shutil.rmtree(backups_dir(damaged))
    with pytest.raises(ProjectError, match=r"damaged .* no backup of it"):
        open_project(damaged)


def test_the_cli_refuses_a_damaged_project_in_the_same_sentence_exit_2(
    small_project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = _damaged_copy(small_project, tmp_path, "p.annotator", "flipped")
    with pytest.raises(ProjectError) as refused:
        open_project(damaged)
    capsys.readouterr()

    code = run_cli(["stats", str(damaged)], launch_gui=lambda *_: 0)

    err = capsys.readouterr().err
    assert code == 2
    assert err == f"annotator: error: {refused.value}\n"
    assert "Traceback" not in err


@pytest.mark.gui
def test_the_window_refuses_a_damaged_project_in_the_same_sentence(
    small_project: Project, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.app import build_main_window

    damaged = _damaged_copy(small_project, tmp_path, "p.annotator", "truncated")
    with pytest.raises(ProjectError) as refused:
        open_project(damaged)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    window = build_main_window(None, "ana")
    qtbot.addWidget(window)

    assert window.open_project(damaged) is False
    assert shown == [str(refused.value)] and "damaged" in shown[0]
    assert window.project is None
