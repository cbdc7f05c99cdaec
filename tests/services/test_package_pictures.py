"""Pictures in team flows: a package carries its posts' pictures (and only theirs), a merge
keeps one copy and takes nothing from a package, a forged package is refused with nothing
changed, and backups keep the pictures."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.domain.errors import UserError
from annotator.domain.media import REMOTE, STORED
from annotator.domain.records import AnnotationChange
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import save_annotation
from annotator.services.media.images import prepare_image
from annotator.services.project.backups import project_backups, restore
from annotator.services.project.projects import Project, init_project, open_project
from annotator.services.team.assignment import assign_posts
from annotator.services.team.packages import merge
from annotator.services.team.packing import pack
from annotator.store.media import (
    image_copy,
    insert_images,
    insert_post_media,
    media_of_post,
    set_media_outcome,
)
from tests.conftest import SMALL_CSV, write_csv
from tests.media_images import decompression_bomb, picture, truncated_jpeg

#: One picture every post shows (a copy-paste campaign's image): stored once.
SHARED = prepare_image(picture(80, 60, "red"))


def _add_pictures(project: Project) -> None:
    """Per post: the shared picture, one of its own, and a URL not fetched."""
    with project.session() as session:
        connection = session.connection()
        posts = [p for (p,) in connection.exec_driver_sql("SELECT id FROM post ORDER BY id")]
        images: list[dict[str, Any]] = [SHARED.row()]
        rows: list[dict[str, Any]] = []
        for n, post_id in enumerate(posts):
            own = prepare_image(picture(40 + n, 30, "blue"))
            images.append(own.row())
            common = {"post_id": post_id, "source_column": "image_url"}
            rows += [
                common | {"position": 0, "source": "shared.png", "status": STORED,
                          "image_sha256": SHARED.sha256},
                common | {"position": 1, "source": f"own{n}.png", "status": STORED,
                          "image_sha256": own.sha256},
                common | {"position": 2, "source": f"https://example.com/{n}.jpg",
                          "status": REMOTE},
            ]  # fmt: skip
        insert_images(connection, images)
        insert_post_media(connection, rows)


@pytest.fixture
def team(store_target: str, tmp_path: Path) -> Iterator[Project]:
    project = init_project(store_target)
    import_dataset(project, write_csv(tmp_path / "small.csv", SMALL_CSV))
    _add_pictures(project)
    assign_posts(project, ["ana", "ben"], per_post=1, seed=4)
    yield project
    project.close()


def _rows(project: Project, sql: str) -> list[tuple[Any, ...]]:
    with project.session() as session:
        return [tuple(row) for row in session.connection().exec_driver_sql(sql)]


def _pictures(project: Project) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every media row and every image (with its bytes), in a fixed order."""
    media = _rows(project, "SELECT * FROM post_media ORDER BY post_id, position")
    images = _rows(
        project, "SELECT sha256, format, width, height, display, thumbnail FROM media_image "
        "ORDER BY sha256"
    )  # fmt: skip
    return media, [(*row[:4], bytes(row[4]), bytes(row[5])) for row in images]


def _raw(package: Path, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(package)
    try:
        return connection.execute(sql, parameters).fetchall()
    finally:
        connection.close()


def _packed(team: Project, folder: Path) -> Path:
    out = folder / "ana.annotator"
    pack(team, out, annotator="ana")
    return out


def _ana_posts(team: Project) -> list[int]:
    return [
        post_id
        for (post_id,) in _rows(
            team,
            "SELECT post_id FROM assignment JOIN annotator ON annotator.id = annotator_id "
            "WHERE annotator.name = 'ana' ORDER BY post_id",
        )
    ]


def test_a_package_carries_its_posts_pictures_and_only_theirs(
    team: Project, tmp_path: Path
) -> None:
    package = _packed(team, tmp_path)
    ana = _ana_posts(team)
    assert 0 < len(ana) < 4
    media, images = _pictures(team)
    theirs = [row for row in media if row[0] in ana]
    assert _raw(package, "SELECT * FROM post_media ORDER BY post_id, position") == theirs
    used = {row[6] for row in theirs if row[6] is not None}
    assert len(used) == len(ana) + 1  # their own pictures and the shared one, once
    carried = _raw(package, "SELECT sha256, format, width, height, display, thumbnail "
                   "FROM media_image ORDER BY sha256")  # fmt: skip
    assert carried == [row for row in images if row[0] in used]
    # the annotator sees the pictures offline: the package alone holds them
    opened = open_project(package)
    try:
        with opened.session() as session:
            shown = media_of_post(session.connection(), ana[0])
            assert [item.is_stored for item in shown] == [True, True, False]
            assert image_copy(session.connection(), SHARED.sha256) == SHARED.display
    finally:
        opened.close()


def test_merging_twice_keeps_one_copy_of_every_picture(team: Project, tmp_path: Path) -> None:
    package = _packed(team, tmp_path)
    labeled = open_project(package)
    save_annotation(
        labeled,
        AnnotationChange(post_id=_ana_posts(team)[0], annotator="ana", label_key="not_sponsored"),
    )
    labeled.close()
    before = _pictures(team)
    (count_before,) = _rows(team, "SELECT count(*) FROM media_image")
    first = merge(team, package)
    second = merge(team, package)
    assert (first.annotations_added, second.events_added) == (1, 0)
    assert _rows(team, "SELECT count(*) FROM media_image") == [count_before] == [(5,)]
    assert _pictures(team) == before
    assert "Pictures: " in first.summary() and "checked" in first.summary()


def test_a_picture_fetched_in_the_package_is_checked_and_not_taken(
    team: Project, tmp_path: Path
) -> None:
    package = _packed(team, tmp_path)
    fetched = prepare_image(picture(90, 90, "green"))
    post_id = _ana_posts(team)[0]
    _forge(
        package,
        ("INSERT INTO media_image VALUES (?, ?, ?, ?, ?, ?, ?)", tuple(fetched.row().values())),
        ("UPDATE post_media SET status = 'stored', image_sha256 = ? WHERE post_id = ? "
         "AND position = 2", (fetched.sha256, post_id)),
    )  # fmt: skip
    before = _pictures(team)
    report = merge(team, package)
    assert report.pictures.fetched_offline == 1
    assert "1 fetched in the package were not taken" in report.summary()
    assert _pictures(team) == before


def test_a_picture_fetched_in_the_project_since_packing_keeps_the_merge_honest(
    team: Project, tmp_path: Path
) -> None:
    package = _packed(team, tmp_path)
    fetched = prepare_image(picture(70, 90, "yellow"))
    post_id = _ana_posts(team)[0]
    with team.session() as session:
        insert_images(session.connection(), [fetched.row()])
        set_media_outcome(
            session.connection(), post_id=post_id, position=2, status=STORED,
            image_sha256=fetched.sha256,
        )  # fmt: skip
    before = _pictures(team)
    report = merge(team, package)  # the package still says "remote": no claim at all
    assert report.pictures.fetched_offline == 0
    assert _pictures(team) == before


def _forge(package: Path, *statements: tuple[str, tuple[Any, ...]]) -> None:
    """Edit the package as a forger would, with SQLite's checks turned off."""
    raw = sqlite3.connect(package)
    raw.execute("PRAGMA ignore_check_constraints = 1")
    for sql, parameters in statements:
        raw.execute(sql, parameters)
    raw.commit()
    raw.close()


def _hostile_image(data: bytes) -> tuple[str, tuple[Any, ...]]:
    """A package-only image (under a made-up hash) whose display copy is ``data``."""
    return (
        "INSERT INTO media_image VALUES (?, 'PNG', 10, 10, 100, ?, ?)",
        ("f" * 64, data, SHARED.thumbnail),
    )


def _fetched_as(sha: str) -> tuple[str, tuple[Any, ...]]:
    return ("UPDATE post_media SET status = 'stored', image_sha256 = ? WHERE position = 2", (sha,))


FORGERIES: dict[str, tuple[list[tuple[str, tuple[Any, ...]]], str]] = {
    "unknown status": (
        [("UPDATE post_media SET status = 'hacked' WHERE position = 0", ())],
        "has the status 'hacked'",
    ),
    "negative position": (
        [("UPDATE post_media SET position = -1 WHERE position = 2", ())],
        "has the position -1",
    ),
    "a row the project lacks": (
        [
            (
                "INSERT INTO post_media SELECT post_id, 7, kind, source_column, source, status, "
                "image_sha256, message FROM post_media WHERE position = 1",
                (),
            )
        ],
        "is a picture this project does not have",
    ),
    "missing referenced hash": (
        [("DELETE FROM media_image WHERE sha256 = ?", (SHARED.sha256,))],
        f"refers to the picture '{SHARED.sha256}', which the package does not hold",
    ),
    "stored picture pointed elsewhere": (
        [
            (
                "UPDATE post_media SET image_sha256 = (SELECT max(image_sha256) FROM post_media "
                "WHERE position = 1) WHERE position = 0",
                (),
            )
        ],
        "and a package cannot change it",
    ),
    "another picture under a real hash": (
        [
            (
                "UPDATE media_image SET display = ? WHERE sha256 = ?",
                (prepare_image(picture(80, 60, "black")).display, SHARED.sha256),
            )
        ],
        f"holds another picture under the hash {SHARED.sha256}",
    ),
    "decompression bomb": (
        [_hostile_image(decompression_bomb()), _fetched_as("f" * 64)],
        f"the picture {'f' * 64} is refused: too many pixels",
    ),
    "truncated image": (
        [_hostile_image(truncated_jpeg()), _fetched_as("f" * 64)],
        "is refused: damaged or truncated",
    ),
    "larger than the app's copies": (
        [_hostile_image(picture(2000, 20)), _fetched_as("f" * 64)],
        "at most 1600 px",
    ),
    "not an image": (
        [_hostile_image(b"<svg onload='x'/>"), _fetched_as("f" * 64)],
        "not a PNG or JPEG copy",
    ),
    "a stored picture's size changed": (
        [("UPDATE media_image SET width = 99999 WHERE sha256 = ?", (SHARED.sha256,))],
        f"holds another picture under the hash {SHARED.sha256}",
    ),
    "an impossible size recorded": (
        [
            (
                "INSERT INTO media_image SELECT ?, format, 100000, 100000, source_bytes, display, "
                "thumbnail FROM media_image WHERE sha256 = ?",
                ("e" * 64, SHARED.sha256),
            ),
            _fetched_as("e" * 64),
        ],
        "recorded as 100000 x 100000 pixels",
    ),
    "a web address marked missing": (
        [("UPDATE post_media SET status = 'missing' WHERE position = 2", ())],
        "says a web address is missing",
    ),
    "not a hash": (
        [("UPDATE media_image SET sha256 = '../x' WHERE sha256 = ?", (SHARED.sha256,))],
        "which is no image hash",
    ),
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_a_forged_picture_refuses_the_package_and_changes_nothing(
    team: Project, tmp_path: Path, forgery: str
) -> None:
    package = _packed(team, tmp_path)
    labeled = open_project(package)
    save_annotation(
        labeled,
        AnnotationChange(post_id=_ana_posts(team)[0], annotator="ana", label_key="not_sponsored"),
    )
    labeled.close()
    statements, problem = FORGERIES[forgery]
    _forge(package, *statements)
    before = (_pictures(team), _rows(team, "SELECT count(*) FROM annotation_event"))
    with pytest.raises(UserError, match="nothing was merged") as refused:
        merge(team, package)
    assert str(refused.value).startswith("ana.annotator: ")
    assert problem in str(refused.value)
    assert (_pictures(team), _rows(team, "SELECT count(*) FROM annotation_event")) == before


def test_a_backup_and_its_restore_keep_the_pictures(tmp_path: Path) -> None:
    location = tmp_path / "study.annotator"
    project = init_project(location)
    import_dataset(project, write_csv(tmp_path / "small.csv", SMALL_CSV))
    _add_pictures(project)
    kept = _pictures(project)
    backup = project.backup("test")
    assert backup is not None and project_backups(project)[0] == backup
    with project.session() as session:  # the pictures are lost after the backup
        session.connection().exec_driver_sql("DELETE FROM post_media")
        session.connection().exec_driver_sql("DELETE FROM media_image")
    assert _pictures(project) == ([], [])
    project.close()
    restore(str(location), backup)
    restored = open_project(location)
    try:
        assert _pictures(restored) == kept
        assert len(kept[1]) == 5
    finally:
        restored.close()
