"""Shared fixtures: offscreen Qt, per-test QSettings, small projects and source files."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.services.imports.importing import import_dataset
from annotator.services.project.projects import Project, init_project

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO / "datasets"
#: A PostgreSQL server where the user may create databases (`.ci/run` starts one).
SERVER = os.environ.get("ANNOTATOR_TEST_POSTGRES_URL")
needs_server = pytest.mark.skipif(
    not SERVER, reason="no PostgreSQL server: set ANNOTATOR_TEST_POSTGRES_URL (.ci/run does)"
)


#: Parameters for a test run on an SQLite file and, when a server is set, on PostgreSQL.
BOTH_STORES = ["sqlite", pytest.param("postgres", marks=needs_server)]


@pytest.fixture(params=BOTH_STORES)
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a project goes: an SQLite file, or a fresh database on the test server."""
    if request.param == "sqlite":
        yield str(tmp_path / "team.annotator")
        return
    yield request.getfixturevalue("database")


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh, empty database on the server for one test (its URL), dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    assert SERVER is not None
    name = f"annotator_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


SMALL_CSV = (
    "id,text,author,created_at,platform,url,likes\n"
    '00123,"=HYPERLINK(""http://evil.example"",""click"")",bob,2020-02-14T18:03:11Z,twitter,'
    "https://twitter.com/bob/status/00123,5\n"
    '1229871234567890123,"Loving my new serum! #ad\nPaid partnership with GlowCo 👩‍👩‍👧",'
    "ann,2020-02-15T09:00:00Z,instagram,https://instagram.com/p/x,17\n"
    '1229871234567890124,"Vote Rivera on Tuesday, our future depends on it",cam,'
    "2020-02-16T10:00:00Z,twitter,https://twitter.com/cam/status/1229871234567890124,3\n"
    '42,"<b>not bold</b> &amp; just my lunch",dee,2020-02-17T12:00:00Z,facebook,,0\n'
)


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "small.csv", SMALL_CSV)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    opened = init_project(tmp_path / "test.annotator")
    yield opened
    opened.close()


@pytest.fixture
def small_project(project: Project, small_csv: Path) -> Project:
    import_dataset(project, small_csv)
    return project


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """QSettings go to a temporary folder, never to the developer's real preferences."""
    if "qtbot" not in request.fixturenames and request.node.get_closest_marker("gui") is None:
        return
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )
