"""Importing posts with pictures: columns found, files stored once, missing and hostile
pictures counted without failing the import, the project independent of the source folder."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.domain.errors import UserError
from annotator.domain.media import MISSING, REFUSED, REMOTE, STORED, MediaItem
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.imports.media_refs import cell_references, media_columns
from annotator.services.media.images import content_hash
from annotator.services.project.projects import Project, init_project
from annotator.store.media import image_copy, media_of_post
from tests.media_images import decompression_bomb, picture, truncated_jpeg


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _media(project: Project, external_id: str) -> list[MediaItem]:
    with project.engine.connect() as connection:
        post_id = connection.execute(
            text("SELECT id FROM post WHERE external_id = :e"), {"e": external_id}
        ).scalar_one()
        return media_of_post(connection, post_id)


def _image_count(project: Project) -> int:
    with project.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM media_image")).scalar_one())


def test_real_header_shapes_are_detected() -> None:
    columns = [
        "Username",
        "Caption",
        "Image Name",
        "display_url",
        "thumbnailUrl",
        "media_url",
        "image_url",
        "video_url",
        "full_picture",
        "likes",
        "url",
        "media_id",
    ]
    assert media_columns(columns) == [
        "Image Name",
        "display_url",
        "thumbnailUrl",
        "media_url",
        "image_url",
        "video_url",
        "full_picture",
    ]
    assert media_columns(columns, named=("likes",), detect=False) == ["likes"]
    with pytest.raises(UserError, match="no column 'photo'"):
        media_columns(columns, named=("photo",))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("a.jpg", ["a.jpg"]),
        ("a.jpg|b.png", ["a.jpg", "b.png"]),
        ("a.jpg; b.png", ["a.jpg", "b.png"]),
        (
            "https://x.example/1.jpg,https://x.example/2.jpg",
            ["https://x.example/1.jpg", "https://x.example/2.jpg"],
        ),
        ("a.jpg b.png", ["a.jpg", "b.png"]),
        ('["a.jpg", "b.png"]', ["a.jpg", "b.png"]),
        (["a.jpg", "b.png"], ["a.jpg", "b.png"]),
        ("my photo.jpg", ["my photo.jpg"]),  # a space inside one name: one file
        ("https://x.example/img?w=1,2", ["https://x.example/img?w=1,2"]),
        ("", []),
        (None, []),
    ],
)
def test_cells_split_only_into_references(cell: object, expected: list[str]) -> None:
    assert cell_references(cell) == expected


def test_instagram_sheet_relative_absolute_missing_and_repeated(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "scrape"
    (folder / "images").mkdir(parents=True)
    red = picture(800, 600, "red", "JPEG")
    (folder / "images" / "negin_mirsalehi_image_0.jpg").write_bytes(red)
    (folder / "images" / "copy_of_same.jpg").write_bytes(red)  # same bytes, other name
    elsewhere = tmp_path / "elsewhere" / "blue.png"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(picture(30, 20, "blue"))
    rows = [
        ["1", "Loving it #ad", "images/negin_mirsalehi_image_0.jpg"],
        ["2", "Same picture again", "images/negin_mirsalehi_image_0.jpg"],
        ["3", "Copy-paste campaign", "images/copy_of_same.jpg"],
        ["4", "Two pictures", f"{elsewhere} | images/gone.jpg"],
        ["5", "No picture", ""],
        ["6", "Another gone", "images/also_gone.jpg"],
        ["7", "From the web", "https://cdn.example/p.jpg"],
        ["8", "A file URL", elsewhere.as_uri()],
    ]
    sheet = _write_csv(folder / "posts.csv", ["id", "Caption", "Image Name"], rows)

    report = import_dataset(project, sheet)

    assert report.media_columns == ["Image Name"]
    assert report.added == 8
    assert report.pictures_stored == 2  # red once (three posts, two files), blue once
    assert report.pictures_missing == 2
    assert report.missing_examples == [(5, "images/gone.jpg"), (7, "images/also_gone.jpg")]
    assert report.pictures_remote == 1
    assert _image_count(project) == 2
    [first] = _media(project, "1")
    assert first.status == STORED and first.image_sha256 == content_hash(red)
    assert first.source == "images/negin_mirsalehi_image_0.jpg"
    assert first.source_column == "Image Name"
    assert _media(project, "3")[0].image_sha256 == content_hash(red)
    two = _media(project, "4")
    assert [(m.position, m.status) for m in two] == [(0, STORED), (1, MISSING)]
    assert _media(project, "5") == []
    assert _media(project, "7")[0].status == REMOTE
    assert _media(project, "8")[0].status == STORED
    assert any("row 5: images/gone.jpg" in line for line in report.details())
    # The source is kept as it came in the post's extra (the posts export writes it).
    with project.engine.connect() as connection:
        extra = connection.execute(text("SELECT extra FROM post WHERE external_id = '4'")).scalar()
    assert json.loads(extra)["Image Name"] == f"{elsewhere} | images/gone.jpg"

    # The project holds its copies: deleting the source folder changes nothing.
    shutil.rmtree(folder)
    shutil.rmtree(elsewhere.parent)
    with project.engine.connect() as connection:
        shown = image_copy(connection, content_hash(red))
    assert shown is not None and shown[:2] == b"\xff\xd8"


def test_images_already_in_the_project_are_not_decoded_again(
    project: Project, tmp_path: Path
) -> None:
    (tmp_path / "a.png").write_bytes(picture(40, 40, "green"))
    first = _write_csv(tmp_path / "first.csv", ["id", "text", "image_url"], [["1", "a", "a.png"]])
    second = _write_csv(tmp_path / "second.csv", ["id", "text", "image_url"], [["2", "b", "a.png"]])
    assert import_dataset(project, first).pictures_stored == 1
    again = import_dataset(project, second)
    assert (again.pictures_stored, again.pictures_known) == (0, 1)
    assert _media(project, "2")[0].status == STORED
    assert _image_count(project) == 1


def test_hostile_pictures_are_refused_and_the_import_lands(
    project: Project, tmp_path: Path
) -> None:
    (tmp_path / "bomb.png").write_bytes(decompression_bomb())
    (tmp_path / "cut.jpg").write_bytes(truncated_jpeg())
    (tmp_path / "notes.jpg").write_bytes(b"this is text, not a picture")
    (tmp_path / "fine.png").write_bytes(picture())
    sheet = _write_csv(
        tmp_path / "posts.csv",
        ["id", "text", "photo"],
        [
            ["1", "bomb", "bomb.png"],
            ["2", "cut", "cut.jpg"],
            ["3", "text", "notes.jpg"],
            ["4", "fine", "fine.png"],
        ],
    )
    report = import_dataset(project, sheet)
    assert report.added == 4
    assert report.pictures_refused == 3
    assert report.pictures_stored == 1
    assert [row for row, _, _ in report.refused_examples] == [2, 3, 4]
    bomb = _media(project, "1")[0]
    assert bomb.status == REFUSED and "megapixel" in (bomb.message or "")
    assert _media(project, "3")[0].status == REFUSED
    assert "not a picture" in (_media(project, "3")[0].message or "")
    assert _media(project, "4")[0].status == STORED


def test_named_media_columns_and_detection_off(project: Project, tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(picture())
    sheet = _write_csv(
        tmp_path / "posts.csv",
        ["id", "text", "attachment", "image_url"],
        [["1", "a", "a.png", "a.png"]],
    )
    report = import_dataset(
        project, sheet, ImportOptions(media_cols=("attachment",), detect_media=False)
    )
    assert report.media_columns == ["attachment"]
    assert [m.source_column for m in _media(project, "1")] == ["attachment"]
    with pytest.raises(UserError, match="no column 'pics'"):
        import_dataset(project, sheet, ImportOptions(dataset="x", media_cols=("pics",)))


def test_twitter_v2_page_joins_includes_media(project: Project, tmp_path: Path) -> None:
    page = {
        "data": [
            {
                "id": "1500000000000000001",
                "text": "New drop with @brand #ad",
                "author_id": "9",
                "attachments": {"media_keys": ["3_1", "7_2"]},
            },
            {"id": "1500000000000000002", "text": "No media here", "author_id": "9"},
        ],
        "includes": {
            "users": [{"id": "9", "username": "creator", "name": "C"}],
            "media": [
                {
                    "media_key": "7_2",
                    "type": "video",
                    "preview_image_url": "https://pbs.example/v.jpg",
                },
                {"media_key": "3_1", "type": "photo", "url": "https://pbs.example/p.jpg"},
            ],
        },
        "meta": {"result_count": 2},
    }
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    report = import_dataset(project, path)
    assert report.media_columns == ["media_url", "video_url"]
    assert report.pictures_remote == 2
    media = _media(project, "1500000000000000001")
    assert [(m.kind, m.source, m.status) for m in media] == [
        ("image", "https://pbs.example/p.jpg", REMOTE),
        ("video", "https://pbs.example/v.jpg", REMOTE),
    ]
    assert _media(project, "1500000000000000002") == []


def test_failed_import_stores_no_pictures(project: Project, tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(picture())
    sheet = _write_csv(
        tmp_path / "posts.csv", ["id", "text", "image"], [["1", "a", "a.png"], ["", "b", "a.png"]]
    )
    with pytest.raises(UserError):
        import_dataset(project, sheet)
    assert _image_count(project) == 0


def test_many_pictures_decode_in_workers_on_both_stores(
    store_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.services.imports.media_import as media_import

    monkeypatch.setattr(media_import, "PARALLEL_FROM", 4)
    colors = ["red", "green", "blue", "yellow", "white", "black"]
    for color in colors:
        (tmp_path / f"{color}.jpg").write_bytes(picture(120, 90, color, "JPEG"))
    (tmp_path / "bad.jpg").write_bytes(truncated_jpeg())
    rows = [[str(i), f"post {i}", f"{colors[i % 6]}.jpg"] for i in range(30)]
    rows.append(["99", "bad", "bad.jpg"])
    sheet = _write_csv(tmp_path / "posts.csv", ["id", "text", "display_url"], rows)
    project = init_project(store_target)
    try:
        report = import_dataset(project, sheet)
        assert report.pictures_stored == 6
        assert report.pictures_refused == 1
        assert _image_count(project) == 6
        assert _media(project, "7")[0].image_sha256 == content_hash(
            (tmp_path / "green.jpg").read_bytes()
        )
    finally:
        project.close()


@pytest.mark.parametrize("workers", [False, True])
def test_cancel_while_storing_pictures_leaves_the_project_as_it_was(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: bool
) -> None:
    import annotator.services.imports.media_import as media_import
    from annotator.domain.errors import CancelledError
    from annotator.domain.progress import CancelToken

    monkeypatch.setattr(media_import, "PARALLEL_FROM", 2 if workers else 1_000)
    monkeypatch.setattr(media_import, "IMAGE_BATCH", 1)  # stored before the cancel lands
    for i in range(3):
        (tmp_path / f"p{i}.png").write_bytes(picture(20 + i, 20))
    sheet = _write_csv(
        tmp_path / "posts.csv",
        ["id", "text", "image"],
        [[str(i), f"post {i}", f"p{i}.png"] for i in range(3)],
    )
    cancel = CancelToken()

    def progress(_done: int, _total: int, message: str) -> None:
        if message.startswith("Storing pictures"):
            cancel.cancel()

    with pytest.raises(CancelledError):
        import_dataset(project, sheet, progress=progress, cancel=cancel)
    assert _image_count(project) == 0
    with project.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM post")).scalar() == 0


def test_scraper_json_lines_with_lists_of_pictures(project: Project, tmp_path: Path) -> None:
    (tmp_path / "local.png").write_bytes(picture())
    record = {
        "shortCode": "C1x",
        "caption": "Our new collab #ad",
        "displayUrl": "https://scontent.example/d.jpg",
        "images": ["https://scontent.example/1.jpg", {"url": "local.png"}],
    }
    path = tmp_path / "scrape.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    report = import_dataset(project, path)
    assert report.media_columns == ["displayUrl", "images"]
    media = _media(project, "C1x")
    assert [(m.position, m.source_column, m.status) for m in media] == [
        (0, "displayUrl", REMOTE),
        (1, "images", REMOTE),
        (2, "images", STORED),
    ]
    with project.engine.connect() as connection:
        extra = connection.execute(text("SELECT extra FROM post")).scalar()
    assert json.loads(extra)["images"] == record["images"]  # kept as it came
