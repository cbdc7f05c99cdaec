"""Pictures in the store: content-addressed images, media rows per post, on both stores."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from annotator.domain.media import MISSING, REMOTE, STORED
from annotator.services.imports.importing import import_dataset
from annotator.services.media.images import prepare_image
from annotator.store import media
from annotator.store.engine import Project
from tests.media_images import picture


def _post_ids(project: Project) -> list[int]:
    with project.engine.connect() as connection:
        return [row[0] for row in connection.exec_driver_sql("SELECT id FROM post ORDER BY id")]


def test_one_image_shown_by_many_posts_is_stored_once(small_project: Project) -> None:
    red = prepare_image(picture(color="red"))
    blue = prepare_image(picture(color="blue"))
    ids = _post_ids(small_project)
    with small_project.engine.begin() as connection:
        assert media.insert_images(connection, [red.row(), red.row(), blue.row()]) == 2
        assert media.insert_images(connection, [red.row()]) == 0
        media.insert_post_media(
            connection,
            [
                {
                    "post_id": ids[0],
                    "position": 0,
                    "kind": "image",
                    "source_column": "img",
                    "source": "a.png",
                    "status": STORED,
                    "image_sha256": red.sha256,
                },
                {
                    "post_id": ids[1],
                    "position": 0,
                    "kind": "image",
                    "source_column": "img",
                    "source": "copy.png",
                    "status": STORED,
                    "image_sha256": red.sha256,
                },
                {
                    "post_id": ids[1],
                    "position": 1,
                    "kind": "image",
                    "source_column": "img",
                    "source": "b.png",
                    "status": STORED,
                    "image_sha256": blue.sha256,
                },
                {
                    "post_id": ids[2],
                    "position": 0,
                    "kind": "image",
                    "source_column": "img",
                    "source": "gone.png",
                    "status": MISSING,
                },
                {
                    "post_id": ids[3],
                    "position": 0,
                    "kind": "image",
                    "source_column": "img",
                    "source": "https://example.org/x.jpg",
                    "status": REMOTE,
                },
            ],
        )
    with small_project.engine.connect() as connection:
        assert media.stored_hashes(connection, [red.sha256, "0" * 64]) == {red.sha256}
        assert [item.source for item in media.media_of_post(connection, ids[1])] == [
            "copy.png",
            "b.png",
        ]
        assert media.first_stored_images(connection, ids) == {
            ids[0]: red.sha256,
            ids[1]: red.sha256,
        }
        assert media.posts_sharing_image(connection, ids) == {ids[0]: 1, ids[1]: 1}
        assert media.media_counts(connection) == {STORED: 3, MISSING: 1, REMOTE: 1}
        assert media.image_copy(connection, red.sha256) == red.display
        assert media.image_copy(connection, red.sha256, thumbnail=True) == red.thumbnail
        assert media.image_copy(connection, "f" * 64) is None
        remote = media.media_with_status(connection, [REMOTE])
        assert [(item.post_id, item.is_stored) for item in remote] == [(ids[3], False)]
        assert "not fetched" in remote[0].sentence()
    with small_project.engine.begin() as connection:
        media.insert_images(connection, [blue.row()])
        media.set_media_outcome(
            connection, post_id=ids[3], position=0, status=STORED, image_sha256=blue.sha256
        )
    with small_project.engine.connect() as connection:
        assert media.media_of_post(connection, ids[3])[0].is_stored
        assert media.stored_image_bytes(connection) == len(red.display) + len(red.thumbnail) + len(
            blue.display
        ) + len(blue.thumbnail)


def test_a_project_from_version_13_gains_the_picture_tables(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    from annotator.store.schema import migrate

    engine = create_engine(f"sqlite:///{tmp_path / 'old.annotator'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE project_meta (key TEXT PRIMARY KEY, value TEXT)"))
        connection.execute(text("INSERT INTO project_meta VALUES ('schema_version', '13')"))
        connection.execute(text("CREATE TABLE dataset (id INTEGER PRIMARY KEY)"))
        connection.execute(text("CREATE TABLE post (id INTEGER PRIMARY KEY)"))
        migrate(connection, 13, 14)
    tables = set(inspect(engine).get_table_names())
    assert {"media_image", "post_media"} <= tables
    engine.dispose()


def test_imports_keep_working_with_no_pictures(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "plain.csv"
    source.write_text("id,text\n1,hello\n", encoding="utf-8")
    import_dataset(project, source)
    with project.engine.connect() as connection:
        assert media.media_counts(connection) == {}
