"""Opening and creating project files: pragmas, schema version, refusing what is not ours."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.domain.errors import ProjectError
from annotator.services.project.projects import init_project, open_project
from annotator.store.engine import schema_version
from annotator.store.tables import SCHEMA_VERSION


def _fingerprint(path: Path) -> tuple[str, float]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime


def test_new_project_is_wal_with_foreign_keys_busy_timeout_and_schema_version(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.annotator"
    init_project(path).close()
    project = open_project(path)
    with project.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    assert schema_version(project) == SCHEMA_VERSION
    project.close()
    raw = sqlite3.connect(path)
    rows = dict(raw.execute("SELECT key, value FROM project_meta").fetchall())
    raw.close()
    assert rows["format"] == "annotator-project"
    assert rows["schema_version"] == str(SCHEMA_VERSION)


def test_project_can_be_given_as_sqlite_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.annotator'}"
    init_project(url).close()
    project = open_project(url)
    assert project.location.endswith("u.annotator")
    project.close()


def test_missing_file_is_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nothing.annotator"
    with pytest.raises(ProjectError, match="no project here"):
        open_project(path)
    assert not path.exists()


def test_text_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("id,text\n1,hello\n", encoding="utf-8")
    before = _fingerprint(path)
    with pytest.raises(ProjectError, match="not an SQLite database"):
        open_project(path)
    assert _fingerprint(path) == before


def test_other_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE things (x)")
    raw.commit()
    raw.close()
    before = _fingerprint(path)
    with pytest.raises(ProjectError, match="not an annotator project"):
        open_project(path)
    assert _fingerprint(path) == before
    assert not Path(f"{path}-wal").exists()


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.annotator"
    init_project(path).close()
    raw = sqlite3.connect(path)
    raw.execute("UPDATE project_meta SET value = '999' WHERE key = 'schema_version'")
    raw.commit()
    raw.close()
    before = _fingerprint(path)
    with pytest.raises(ProjectError, match="newer annotator"):
        open_project(path)
    assert _fingerprint(path) == before


def test_init_refuses_to_overwrite_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "keep.annotator"
    path.write_text("precious", encoding="utf-8")
    with pytest.raises(ProjectError, match="already exists"):
        init_project(path)
    assert path.read_text(encoding="utf-8") == "precious"


def test_init_in_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="does not exist"):
        init_project(tmp_path / "no" / "such" / "p.annotator")


def test_a_server_url_in_a_message_never_shows_the_password() -> None:
    """Nothing listens on port 1: the message names the URL, without its password."""
    with pytest.raises(ProjectError) as caught:
        open_project("postgresql+psycopg://lead:s3cret-pw@127.0.0.1:1/study")
    message = str(caught.value)
    assert "s3cret-pw" not in message and "***" not in message
    assert message.startswith("postgresql+psycopg://lead@127.0.0.1:1/study: cannot connect")
