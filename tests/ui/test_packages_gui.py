"""An annotator labels in their package with the app; the lead merges it from the File menu."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from annotator.services.labeling.annotating import current_annotation
from annotator.services.project.projects import Project, open_project
from annotator.services.team.assignment import assign_posts
from annotator.services.team.packing import pack
from annotator.ui.main_window import MainWindow
from tests.ui.keys import press

pytestmark = pytest.mark.gui


def test_label_in_a_package_with_the_app_and_merge_it_back(
    qtbot: QtBot,
    small_project: Project,
    tmp_path: Path,
    make_window: Callable[..., MainWindow],
    monkeypatch: pytest.MonkeyPatch,
    messages: list[str],
) -> None:
    assign_posts(small_project, ["ana", "ben"], per_post=1, seed=3)
    package = tmp_path / "ana.annotator"
    pack(small_project, package, annotator="ana")
    location = small_project.location
    small_project.close()

    offline = make_window(package, annotator="ana")
    assert offline.queue_bar.current_mode().kind == "assigned"
    labeled = offline.labeling.queue.current_post() if offline.labeling.queue else None
    assert labeled is not None
    press(qtbot, offline, Qt.Key.Key_2)
    offline.close()

    lead = make_window(location, annotator="lead")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(package)], ""))
    with qtbot.waitSignal(lead.tasks.finished, timeout=20_000):
        lead.actions_by_id["file.merge"].trigger()
    assert messages and "1 changes added" in messages[-1]
    project = open_project(location)
    from annotator.store.queries import external_id_index

    with project.session() as session:
        post_id = external_id_index(session)[labeled.external_id][0]
    merged = current_annotation(project, post_id=post_id, annotator="ana")
    project.close()
    assert merged is not None and merged.label_key == "sponsored_disclosed"


def test_lead_merges_two_spellings_from_the_project_menu(
    small_project: Project,
    make_window: Callable[..., MainWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from annotator.domain.records import AnnotationChange
    from annotator.services.labeling.annotating import save_annotation
    from annotator.services.labeling.labeling_queue import LabelingQueue
    from annotator.services.review.agreement_report import agreement_report

    post = LabelingQueue(small_project, "x").current_id
    assert post is not None
    for who in ("ana", "Ana M."):
        save_annotation(
            small_project, AnnotationChange(post_id=post, annotator=who, label_key="not_sponsored")
        )
    location = small_project.location
    small_project.close()
    window = make_window(location, annotator="lead")
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Ana M.", True))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("ana", True))
    window.actions_by_id["project.people"].trigger()
    assert "Merged Ana M. into ana" in window.statusBar().currentMessage()
    project = open_project(location)
    assert agreement_report(project, resamples=5).annotators == ["ana"]
    project.close()


def test_restore_backup_from_the_file_menu(
    small_project: Project,
    small_csv: Path,
    make_window: Callable[..., MainWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from annotator.services.imports.importing import ImportOptions, import_dataset

    import_dataset(small_project, small_csv, ImportOptions(dataset="twice"))
    location = small_project.location
    small_project.close()
    window = make_window(location)
    assert window.labeling.queue is not None and len(window.labeling.queue) == 8
    chosen: list[list[str]] = []

    def pick(_parent: object, _title: str, _label: str, names: list[str], *_a: object) -> tuple:
        chosen.append(names)
        return next(n for n in names if "before-import" in n), True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    window.actions_by_id["file.restore"].trigger()
    assert chosen and chosen[0] == sorted(chosen[0], reverse=True)
    assert window.labeling.queue is not None and len(window.labeling.queue) == 4
    assert "Restored" in window.statusBar().currentMessage()
