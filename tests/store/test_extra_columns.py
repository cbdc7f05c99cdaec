"""Each dataset's extra columns are kept in the project (schema 9): written by the import,
grown by a re-import, found from the posts when a version 8 project is upgraded."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from annotator.services.exports.export_frames import Filters, extra_columns
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.project.projects import Project, open_project
from annotator.store.engine import schema_version
from annotator.store.tables import SCHEMA_VERSION
from tests.conftest import write_csv


def _stored(project: Project) -> dict[str, list[str]]:
    with project.engine.connect() as connection:
        rows = connection.execute(text("SELECT name, extra_columns FROM dataset")).all()
    return {str(name): json.loads(keys) for name, keys in rows}


def test_import_records_extra_columns_and_a_reimport_adds_new_ones(
    project: Project, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "a.csv", "id,text,likes,lang\n1,hello,3,en\n2,bye,,fr\n")
    import_dataset(project, first, ImportOptions(dataset="posts"))
    assert _stored(project) == {"posts": ["likes", "lang"]}
    more = write_csv(tmp_path / "b.csv", "id,text,shares,likes\n3,again,9,1\n")
    import_dataset(project, more, ImportOptions(dataset="posts"))
    assert _stored(project) == {"posts": ["likes", "lang", "shares"]}
    tweets = tmp_path / "tweets.jsonl"
    tweets.write_text(
        '{"id": "t1", "text": "x", "retweets": 2}\n{"id": "t2", "text": "y", "place": null}\n',
        encoding="utf-8",
    )
    import_dataset(project, tweets)
    assert _stored(project)["tweets"] == ["retweets", "place"]
    with project.session() as session:
        assert extra_columns(session, Filters()) == [
            "likes", "lang", "shares", "retweets", "place"
        ]  # fmt: skip
        assert extra_columns(session, Filters(dataset="tweets")) == ["retweets", "place"]


def test_version_8_project_finds_its_extra_columns_from_the_posts(
    small_project: Project, tmp_path: Path
) -> None:
    expected = _stored(small_project)
    assert expected["small"], "the small CSV has extra columns"
    with small_project.engine.begin() as connection:
        connection.execute(text("ALTER TABLE dataset DROP COLUMN extra_columns"))
        connection.execute(text("UPDATE project_meta SET value = '8' WHERE key = 'schema_version'"))
    small_project.close()
    upgraded = open_project(small_project.location)
    assert schema_version(upgraded) == SCHEMA_VERSION == 15
    assert _stored(upgraded) == expected
    upgraded.close()
