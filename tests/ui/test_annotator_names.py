"""The app's name entry points: "Who is labeling?" and the rename dialog refuse look-alike
names in a sentence and never create a second spelling of one person."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QInputDialog

from annotator.domain.records import AnnotationChange
from annotator.services.labeling.annotating import save_annotation
from annotator.services.labeling.browsing import annotator_list
from annotator.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _answers(monkeypatch: pytest.MonkeyPatch, replies: list[str]) -> list[str]:
    """``getText`` answers each reply in turn; returns the texts the dialog was opened with."""
    shown: list[str] = []
    queue: Iterator[str] = iter(replies)

    def answer(*_args: object, text: str = "", **_kwargs: object) -> tuple[str, bool]:
        shown.append(text)
        return next(queue), True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    return shown


def test_who_is_labeling_refuses_an_invisible_character_and_asks_again(
    small_window: MainWindow, monkeypatch: pytest.MonkeyPatch, errors: list[str]
) -> None:
    shown = _answers(monkeypatch, ["an\u200da", "  Chloe\u00a0"])
    small_window.switch_annotator()
    assert len(errors) == 1 and "U+200D ZERO WIDTH JOINER" in errors[0]
    assert shown[1] == "an\u200da"  # asked again with what was typed, to correct it
    assert small_window.workspace.annotator == "Chloe"
    assert small_window.preferences.annotator_name == "Chloe"


def test_rename_dialog_refuses_a_bidi_name_and_merges_a_case_variant(
    small_window: MainWindow, monkeypatch: pytest.MonkeyPatch, errors: list[str]
) -> None:
    project = small_window.workspace.project
    assert project is not None
    for name in ("ana", "ben"):
        save_annotation(
            project, AnnotationChange(post_id=1, annotator=name, label_key="not_sponsored")
        )
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("ben", True))
    _answers(monkeypatch, ["\u202eana"])
    small_window.project_menu.edit_annotators()
    assert len(errors) == 1 and "U+202E RIGHT-TO-LEFT OVERRIDE" in errors[0]
    assert annotator_list(project) == ["ana", "ben"]

    _answers(monkeypatch, ["ANA"])
    small_window.project_menu.edit_annotators()
    assert annotator_list(project) == ["ana"]  # ben merged into ana, no "ANA" made
    assert len(errors) == 1
