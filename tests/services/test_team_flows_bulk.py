"""Pack and merge on their bulk paths: the same outcomes, history and checks as row by
row, plus what the bulk path must not lose (search in the package, the stored spelling
of a name, a failed write that leaves the kept backups alone)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from annotator.domain.errors import UserError
from annotator.domain.queue_modes import QueueMode
from annotator.domain.records import AnnotationChange
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import current_annotation, save_annotation
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.labeling.marks import SKIP, set_mark
from annotator.services.project.projects import Project, open_project
from annotator.services.team.assignment import assign_posts
from annotator.services.team.packages import merge
from annotator.services.team.packing import pack
from annotator.store.backup import list_backups
from annotator.store.queries import annotation_history
from tests.conftest import write_csv


@pytest.fixture
def team(small_project: Project) -> Project:
    assign_posts(small_project, ["ana"], per_post=1)
    return small_project


def _posts(project: Project) -> list[int]:
    with project.session() as session:
        rows = session.connection().exec_driver_sql("SELECT id FROM post ORDER BY id")
        return [int(post_id) for (post_id,) in rows]


def _label(project: Project, post_id: int, key: str | None, notes: str = "") -> None:
    save_annotation(
        project, AnnotationChange(post_id=post_id, annotator="ana", label_key=key, notes=notes)
    )


def test_a_package_finds_its_posts_by_search(team: Project, tmp_path: Path) -> None:
    pack(team, tmp_path / "ana.pkg", annotator="ana")
    package = open_project(tmp_path / "ana.pkg")
    found = LabelingQueue(package, "ana", QueueMode("search", "serum"))
    assert len(found) == 1
    package.close()


def test_a_package_carries_the_stored_spelling_of_the_name(team: Project, tmp_path: Path) -> None:
    pack(team, tmp_path / "ana.pkg", annotator="ANA")
    raw = sqlite3.connect(tmp_path / "ana.pkg")
    meta = raw.execute("SELECT value FROM project_meta WHERE key = 'package_annotator'").fetchone()
    names = [name for (name,) in raw.execute("SELECT name FROM annotator")]
    raw.close()
    assert meta == ("ana",) and names == ["ana"]


def test_merge_adds_updates_and_removes_like_one_by_one(team: Project, tmp_path: Path) -> None:
    first, second, third, *_ = _posts(team)
    _label(team, first, "not_sponsored")
    _label(team, second, "sponsored_disclosed")
    pack(team, tmp_path / "ana.pkg", annotator="ana")
    package = open_project(tmp_path / "ana.pkg")
    _label(package, first, "sponsored_undisclosed", "changed offline")
    _label(package, second, None)
    _label(package, third, "not_sponsored", "new offline")
    _label(package, third, "sponsored_disclosed", "changed again")
    set_mark(package, post_id=third, annotator="ana", kind=SKIP, on=True, note="later")
    package.close()
    report = merge(team, tmp_path / "ana.pkg")
    assert (report.annotations_added, report.annotations_updated) == (1, 1)
    assert (report.annotations_removed, report.events_added, report.marks_added) == (1, 4, 1)
    changed = current_annotation(team, post_id=first, annotator="ana")
    added = current_annotation(team, post_id=third, annotator="ana")
    assert changed is not None and changed.notes == "changed offline"
    assert current_annotation(team, post_id=second, annotator="ana") is None
    assert added is not None and added.label_key == "sponsored_disclosed"
    with team.session() as session:
        assert [key for _, _, key in annotation_history(session, post_id=third)] == [
            "not_sponsored",
            "sponsored_disclosed",
        ]
    again = merge(team, tmp_path / "ana.pkg")
    assert (again.events_added, again.annotations_updated, again.marks_added) == (0, 0, 0)


def test_a_change_made_in_the_project_after_packing_stays(team: Project, tmp_path: Path) -> None:
    first = _posts(team)[0]
    pack(team, tmp_path / "ana.pkg", annotator="ana")
    package = open_project(tmp_path / "ana.pkg")
    _label(package, first, "sponsored_disclosed", "offline, earlier")
    package.close()
    _label(team, first, "not_sponsored", "at the office, later")
    report = merge(team, tmp_path / "ana.pkg")
    kept = current_annotation(team, post_id=first, annotator="ana")
    assert report.events_added == 1 and report.annotations_updated == 0
    assert kept is not None and kept.notes == "at the office, later"


def test_a_failed_merge_leaves_the_backups_as_they_were(
    team: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.services.team.packages as packages

    pack(team, tmp_path / "ana.pkg", annotator="ana")
    package = open_project(tmp_path / "ana.pkg")
    _label(package, _posts(team)[0], "not_sponsored")
    package.close()
    project_file = Path(team.location)
    for _ in range(12):
        team.backup("timer")
    kept = list_backups(project_file)

    def disk_full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(packages, "rebuild_annotations", disk_full)
    with pytest.raises(OSError, match="No space"):
        merge(team, tmp_path / "ana.pkg")
    assert list_backups(project_file) == kept
    with team.session() as session:
        assert annotation_history(session, post_id=_posts(team)[0]) == []


def test_a_failed_import_removes_its_backup_and_prunes_nothing(
    team: Project, tmp_path: Path
) -> None:
    project_file = Path(team.location)
    for _ in range(10):
        team.backup("timer")
    kept = list_backups(project_file)
    bad = write_csv(tmp_path / "bad.csv", "id,text\n")
    with pytest.raises(UserError):
        import_dataset(team, bad)
    assert list_backups(project_file) == kept
    good = write_csv(tmp_path / "good.csv", "id,text\nn1,new post\n")
    import_dataset(team, good)
    after = list_backups(project_file)
    assert len(after) == 10 and "before-import" in after[0].name and after[1:] == kept[:9]


def test_version_10_projects_get_the_history_index(tmp_path: Path, team: Project) -> None:
    path = Path(team.location)
    team.close()
    raw = sqlite3.connect(path)
    raw.execute("DROP INDEX ix_annotation_event_post_annotator")
    raw.execute("UPDATE project_meta SET value = '10' WHERE key = 'schema_version'")
    raw.commit()
    raw.close()
    upgraded = open_project(path)
    with upgraded.engine.connect() as connection:
        names = {index["name"] for index in inspect(connection).get_indexes("annotation_event")}
    upgraded.close()
    assert "ix_annotation_event_post_annotator" in names
