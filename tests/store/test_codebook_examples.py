"""Label examples and guidelines in the store: new projects, upgrades from version 7 and
from version 1, on SQLite and (when a server is configured) PostgreSQL; and the name of
the database engine shown in the About dialog."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from annotator.domain.codebook import default_codebook
from annotator.services.project.project_settings import guidelines
from annotator.services.project.projects import Project, codebook_of, init_project, open_project
from annotator.store.backup import list_backups
from annotator.store.engine import database_engine, schema_version
from annotator.store.tables import SCHEMA_VERSION
from tests.conftest import needs_server

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _make_version_7(target: str | Path, *, edited_key: str | None = None) -> None:
    """A project as version 7 wrote it: no examples column, guidelines not stored."""
    project = init_project(target)
    with project.engine.begin() as connection:
        connection.execute(text("ALTER TABLE codebook_label DROP COLUMN examples"))
        connection.execute(text("DELETE FROM project_meta WHERE key = 'guidelines'"))
        connection.execute(text("UPDATE project_meta SET value = '7' WHERE key = 'schema_version'"))
        if edited_key:
            connection.execute(
                text("UPDATE codebook_label SET description = 'Our own words' WHERE key = :k"),
                {"k": edited_key},
            )
    project.close()


def test_new_project_keeps_the_default_examples_and_guidelines(tmp_path: Path) -> None:
    default = default_codebook()
    assert all(1 <= len(label.examples) <= 2 for label in default.labels)
    assert default.guidelines.startswith("# Guidelines")
    init_project(tmp_path / "p.annotator").close()
    project = open_project(tmp_path / "p.annotator")
    codebook = codebook_of(project)
    assert [label.examples for label in codebook.labels] == [
        label.examples for label in default.labels
    ]
    assert "Paid for by" in codebook.get("sponsored_disclosed").examples[1]
    with project.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT value FROM project_meta WHERE key = 'guidelines'")
        ).scalar_one()
    assert stored == default.guidelines == guidelines(project)
    project.close()


def test_custom_labels_start_without_examples_or_guidelines(tmp_path: Path) -> None:
    project = init_project(tmp_path / "p.annotator", ["yes", "no"])
    assert [label.examples for label in codebook_of(project).labels] == [(), ()]
    assert guidelines(project) == ""
    project.close()


def test_version_7_project_gets_shipped_examples_for_untouched_labels(tmp_path: Path) -> None:
    path = tmp_path / "v7.annotator"
    _make_version_7(path, edited_key="not_sponsored")
    project = open_project(path)
    assert schema_version(project) == SCHEMA_VERSION == 15
    codebook = codebook_of(project)
    default = default_codebook()
    assert codebook.get("not_sponsored").examples == ()
    for key in ("sponsored_disclosed", "sponsored_undisclosed"):
        assert codebook.get(key).examples == default.get(key).examples
    # Nothing stored yet: the project's labels are the default ones, so the shipped guide.
    assert guidelines(project) == default.guidelines
    project.close()
    [backup] = list_backups(path)
    assert f"before-schema-{SCHEMA_VERSION}" in backup.name
    connection = sqlite3.connect(backup)
    columns = [row[1] for row in connection.execute("PRAGMA table_info(codebook_label)")]
    connection.close()
    assert "examples" not in columns


def test_version_1_project_is_upgraded_to_examples(tmp_path: Path) -> None:
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / "project_v1.annotator", path)
    project = open_project(path)
    codebook = codebook_of(project)
    assert schema_version(project) == SCHEMA_VERSION == 15
    assert all(isinstance(label.examples, tuple) for label in codebook.labels)
    assert codebook.keys == default_codebook().keys
    project.close()


def test_sqlite_engine_is_named_with_its_library_version(project: Project) -> None:
    assert database_engine(project) == f"SQLite {sqlite3.sqlite_version}"


@needs_server
def test_version_7_upgrade_and_engine_name_on_postgres(database: str) -> None:
    _make_version_7(database, edited_key="sponsored_undisclosed")
    project = open_project(database)
    codebook = codebook_of(project)
    assert schema_version(project) == SCHEMA_VERSION == 15
    assert codebook.get("sponsored_undisclosed").examples == ()
    assert codebook.get("not_sponsored").examples == default_codebook().labels[0].examples
    with project.engine.connect() as connection:
        server = connection.execute(text("SHOW server_version")).scalar_one()
    assert database_engine(project) == f"PostgreSQL {server.split()[0]}"
    password = make_url(database).password
    assert password and f":{password}@" not in project.location  # never shown
    project.close()
