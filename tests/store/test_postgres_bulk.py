"""PostgreSQL's bulk paths (``COPY`` writes, driver reads) store and give back exactly
what the SQLite paths do: the same file imported, labeled, exported and packed on both
stores must give the same rows.

Runs when ANNOTATOR_TEST_POSTGRES_URL names a server (see tests/store/test_postgres.py).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from annotator.domain.errors import UserError
from annotator.services.exports.exporting import ExportOptions, export_data
from annotator.services.imports.importing import import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.project.projects import Project, init_project
from annotator.services.review.adjudication import set_gold
from annotator.services.team.assignment import assign_posts
from annotator.services.team.packing import pack
from annotator.store.bulk_copy import copy_rows
from tests.conftest import needs_server, write_csv

pytestmark = needs_server

POSTS = (
    "id,text,author,created_at,platform,url,likes,meta,lang\n"
    '1,"Loving this serum #ad ""quoted""",ann,2020-02-14T18:03:11Z,twitter,'
    'https://t.co/1,5,"{""brand"": ""Glöw"", ""tags"": [""ad"", ""é""]}",fr\n'
    "2,Back\\slash and tab\there,bob,2020-02-15T09:00:00Z,instagram,,,[1.5],\n"
    "3,Plain post,,,,,0,,ñ\n"
    '4,"Multi\nline 🇺🇸 text",cam,2020-02-16,facebook,https://f.b/4,17,null,de\n'
)
LABELS = (
    "post_id,annotator,label,notes,sponsor\n"
    "1,ana,sponsored_disclosed,says #ad,GlowCo\n"
    "2,ana,not_sponsored,,\n"
    "3,ana,sponsored_undisclosed,hidden \\ note,Mango\n"
    "1,ben,sponsored_undisclosed,,\n"
    '4,ben,not_sponsored,"a, b",\n'
)


@pytest.fixture
def both(database: str, tmp_path: Path) -> Iterator[tuple[Project, Project]]:
    """The same posts and labels in an SQLite project and on the server."""
    posts = write_csv(tmp_path / "posts.csv", POSTS)
    labels = write_csv(tmp_path / "labels.csv", LABELS)
    projects = (init_project(tmp_path / "local.annotator"), init_project(database))
    for project in projects:
        import_dataset(project, posts)
        import_labels(project, labels)
    yield projects
    for project in projects:
        project.close()


def _rows(project: Project, sql: str) -> list[tuple[Any, ...]]:
    """Rows with JSON decoded: SQLite gives its text, PostgreSQL the value."""
    with project.engine.connect() as connection:
        return [tuple(map(_decoded, row)) for row in connection.execute(text(sql)).all()]


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("{", "["):
        return json.loads(value)
    return value


def test_posts_written_by_copy_match_sqlite(both: tuple[Project, Project]) -> None:
    local, server = both
    sql = (
        "SELECT external_id, text, author, created_at, platform, url, extra, content_hash"
        " FROM post ORDER BY id"
    )
    local_rows, server_rows = _rows(local, sql), _rows(server, sql)
    assert len(server_rows) == 4
    assert server_rows == local_rows


def test_labels_and_history_written_by_copy_match_sqlite(both: tuple[Project, Project]) -> None:
    local, server = both
    for sql in (
        "SELECT p.external_id, n.name, a.label_key, a.notes, a.sponsor, a.evidence,"
        " a.seconds_spent FROM annotation a JOIN post p ON p.id = a.post_id"
        " JOIN annotator n ON n.id = a.annotator_id ORDER BY a.id",
        "SELECT p.external_id, n.name, e.action, e.label_key, e.previous_label_key, e.notes,"
        " e.sponsor, e.evidence FROM annotation_event e JOIN post p ON p.id = e.post_id"
        " JOIN annotator n ON n.id = e.annotator_id ORDER BY e.id",
    ):
        local_rows, server_rows = _rows(local, sql), _rows(server, sql)
        assert len(server_rows) == 5
        assert server_rows == local_rows
    (uids,) = _rows(server, "SELECT count(DISTINCT uid) FROM annotation_event")[0:1]
    assert uids == (5,)


def test_exports_from_the_server_match_sqlite(
    both: tuple[Project, Project], tmp_path: Path
) -> None:
    local, server = both
    for project in both:  # gold on two posts, decided at the same moments in both stores
        ids = [int(r[0]) for r in _rows(project, "SELECT id FROM post ORDER BY id")]
        set_gold(project, post_id=ids[0], label_key="sponsored_disclosed", decided_by="lead")
        set_gold(project, post_id=ids[1], label_key="not_sponsored", decided_by="lead", notes="n")
        with project.engine.begin() as connection:
            for post_id, at in (
                (ids[0], "2026-01-02 03:04:05.123456"),
                (ids[1], "2026-01-02 03:04:05"),
            ):
                connection.execute(
                    text("UPDATE gold_label SET decided_at = :at WHERE post_id = :post"),
                    {"at": datetime.fromisoformat(at), "post": post_id},
                )
    for suffix in (".csv", ".jsonl", ".parquet"):
        export_data(local, tmp_path / f"local{suffix}", ExportOptions(manifest=False))
        export_data(server, tmp_path / f"server{suffix}", ExportOptions(manifest=False))
        here = (tmp_path / f"local{suffix}").read_bytes()
        assert (tmp_path / f"server{suffix}").read_bytes() == here, suffix
    written = (tmp_path / "server.csv").read_text(encoding="utf-8-sig")
    assert "Glöw" in written
    assert '"2026-01-02T03:04:05.123456"' in written and '"2026-01-02T03:04:05"' in written


def test_package_packed_from_the_server_holds_the_same_rows(
    both: tuple[Project, Project], tmp_path: Path
) -> None:
    packages = []
    for project, name in zip(both, ("local", "server"), strict=True):
        assign_posts(project, ["ana"], per_post=1, seed=1)
        pack(project, tmp_path / f"{name}.pkg", annotator="ana")
        packages.append(sqlite3.connect(tmp_path / f"{name}.pkg"))
    for sql in (
        "SELECT id, dataset_id, external_id, text, author, created_at, platform, url, extra,"
        " content_hash FROM post ORDER BY id",
        "SELECT post_id, label_key, notes, sponsor, evidence FROM annotation ORDER BY id",
        "SELECT uid, post_id, action, label_key, notes, evidence FROM annotation_event ORDER BY id",
        "SELECT rowid, text, author FROM post_search ORDER BY rowid",
    ):
        local_rows, server_rows = (
            [tuple(map(_decoded, row[1:])) for row in p.execute(sql)] for p in packages
        )
        assert server_rows and server_rows == local_rows
    for connection in packages:
        connection.close()


def test_copy_stores_times_as_insert_does_in_any_session_time_zone(database: str) -> None:
    """``COPY`` reads a datetime as text with its offset; an ``INSERT`` binds it as a
    ``timestamptz``. Outside UTC both must still store the same moment."""
    init_project(database).close()
    url = make_url(database).update_query_dict({"options": "-c TimeZone=America/New_York"})
    engine = create_engine(url)
    moment = datetime(2026, 7, 1, 12, 30, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO annotator (name, created_at) VALUES ('by_insert', :at)"),
            {"at": moment},
        )
        copy_rows(connection, "annotator", ["name", "created_at"], [("by_copy", moment)])
        rows = connection.execute(text("SELECT name, created_at FROM annotator")).all()
    engine.dispose()
    stored = {str(name): at for name, at in rows}
    assert stored["by_copy"] == stored["by_insert"] == moment
    assert stored["by_copy"].utcoffset() == timedelta(hours=-4)  # read in the session's zone


def test_extras_of_every_json_kind_export_as_the_python_path_gives_them(
    database: str, tmp_path: Path
) -> None:
    """Strings and booleans come out of the JSON on the server, numbers, objects and
    arrays are decoded in Python: each must read as ``json.dumps`` writes it."""
    rows = [
        {"id": "1", "text": "one", "s": "tab\there", "b": True, "n": 1.5, "o": {"é": [1, 2]}},
        {"id": "2", "text": "two", "s": None, "b": False, "n": 7, "o": []},
        {"id": "3", "text": "three", "s": "plain"},
    ]
    source = tmp_path / "posts.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    project = init_project(database)
    import_dataset(project, source)
    export_data(project, tmp_path / "out.jsonl", ExportOptions(manifest=False))
    export_data(project, tmp_path / "out.csv", ExportOptions(manifest=False))  # Arrow's path
    project.close()
    table = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert table[["s", "b", "n", "o", "o.é"]].values.tolist() == [
        ["tab\there", "true", "1.5", "", "[1, 2]"],
        ["", "false", "7", "[]", ""],
        ["plain", "", "", "", ""],
    ]
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    keys = ("s", "b", "n", "o", "o.é")  # an object's keys are columns of their own
    got = [{key: json.loads(line)[key] for key in keys} for line in lines]
    assert got == [
        {"s": "tab\there", "b": "true", "n": "1.5", "o": None, "o.é": "[1, 2]"},
        {"s": None, "b": "false", "n": "7", "o": "[]", "o.é": None},
        {"s": "plain", "b": None, "n": None, "o": None, "o.é": None},
    ]


def test_an_import_refused_midway_leaves_the_server_project_as_it_was(
    database: str, tmp_path: Path
) -> None:
    """The refusal, not an error of the interrupted ``COPY``, reaches the user; no post
    of the file stays, and the next import works."""
    project = init_project(database)
    bad = write_csv(tmp_path / "bad.csv", "id,text\n1,one\n2,two\n1,other text\n")
    with pytest.raises(UserError, match="also on row 2"):
        import_dataset(project, bad)
    assert _rows(project, "SELECT count(*) FROM post") == [(0,)]
    good = write_csv(tmp_path / "good.csv", "id,text\n1,one\n2,two\n")
    assert import_dataset(project, good).added == 2
    project.close()
