"""The project services the UI calls instead of the store: the database engine's name and
a backup made now."""

from __future__ import annotations

import sqlite3

from annotator.domain.records import AnnotationChange
from annotator.services.labeling.annotating import save_annotation
from annotator.services.project.backups import project_backups
from annotator.services.project.projects import Project, backup_project, database_engine_name


def test_database_engine_name_is_sqlite_and_its_library_version(project: Project) -> None:
    assert database_engine_name(project) == f"SQLite {sqlite3.sqlite_version}"


def test_backup_project_copies_the_labels_given_so_far(small_project: Project) -> None:
    save_annotation(
        small_project, AnnotationChange(post_id=1, annotator="ana", label_key="not_sponsored")
    )
    made = backup_project(small_project, "timer")
    assert made is not None and made in project_backups(small_project)
    assert made.name.split("-", 1)[1].startswith("timer")
    connection = sqlite3.connect(made)
    try:
        assert connection.execute("SELECT label_key FROM annotation").fetchall() == [
            ("not_sponsored",)
        ]
    finally:
        connection.close()
