"""Rolling backups: before imports, merges and migrations; pruned; restorable."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.project.projects import Project, open_project
from annotator.store.backup import list_backups, make_backup, restore_backup

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _posts(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM post").fetchone()[0])
    finally:
        connection.close()


def test_import_makes_a_backup_of_the_project_as_it_was(
    small_project: Project, small_csv: Path
) -> None:
    path = Path(small_project.location)
    assert list_backups(path) == [b for b in list_backups(path) if "before-import" in b.name]
    import_dataset(small_project, small_csv, ImportOptions(dataset="again"))
    newest = list_backups(path)[0]
    assert "before-import" in newest.name
    assert _posts(newest) == 4 and _posts(path) == 8
    connection = sqlite3.connect(newest)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()


def test_backups_are_pruned_to_the_newest(tmp_path: Path, project: Project) -> None:
    path = Path(project.location)
    made = [make_backup(path, f"n{i}", keep=3) for i in range(5)]
    kept = list_backups(path)
    assert len(kept) == 3
    assert kept == sorted(p for p in made if p is not None)[-3:][::-1]


def test_restore_puts_the_old_file_back_and_keeps_the_current_one(
    small_project: Project, small_csv: Path
) -> None:
    path = Path(small_project.location)
    import_dataset(small_project, small_csv, ImportOptions(dataset="again"))
    before = next(b for b in list_backups(path) if "before-import" in b.name)
    small_project.close()
    safety = restore_backup(path, before)
    assert _posts(path) == 4
    assert safety is not None and _posts(safety) == 8
    open_project(path).close()


def test_migration_is_preceded_by_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / "project_v1.annotator", path)
    open_project(path).close()
    [backup] = list_backups(path)
    assert "before-schema" in backup.name
    connection = sqlite3.connect(backup)
    version = connection.execute(
        "SELECT value FROM project_meta WHERE key = 'schema_version'"
    ).fetchone()[0]
    connection.close()
    assert version == "1"


def test_merge_is_preceded_by_a_backup(tmp_path: Path, small_project: Project) -> None:
    from annotator.services.team.assignment import assign_posts
    from annotator.services.team.packages import merge
    from annotator.services.team.packing import pack

    assign_posts(small_project, ["ana"], per_post=1)
    pack(small_project, tmp_path / "ana.annotator", annotator="ana")
    merge(small_project, tmp_path / "ana.annotator")
    assert "before-merge" in list_backups(Path(small_project.location))[0].name
