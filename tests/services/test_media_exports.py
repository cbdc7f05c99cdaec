"""Exports of posts with pictures: the posts export keeps the media columns as they came,
``--what training --media hashes|paths`` adds the stored pictures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from annotator.domain.errors import UserError
from annotator.services.exports.exporting import ExportOptions, export_data
from annotator.services.imports.importing import import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.media.images import content_hash
from annotator.services.project.projects import Project
from tests.conftest import write_csv
from tests.media_images import picture

CELL = "pics/a.jpg | pics/b.png"


@pytest.fixture
def picture_project(project: Project, tmp_path: Path) -> tuple[Project, bytes, bytes]:
    source = tmp_path / "source"
    (source / "pics").mkdir(parents=True)
    jpeg = picture(200, 100, "red", "JPEG")
    png = picture(50, 50, "blue", "PNG")
    (source / "pics" / "a.jpg").write_bytes(jpeg)
    (source / "pics" / "b.png").write_bytes(png)
    posts = write_csv(
        source / "posts.csv",
        "id,text,Image Name,display_url\n"
        f'1,"Wearing @brand today #ad",{CELL},https://cdn.example/x.jpg\n'
        "2,Just lunch,,\n"
        "3,Same shirt again,pics/a.jpg,\n",
    )
    import_dataset(project, posts)
    labels = write_csv(
        tmp_path / "labels.csv",
        "post_id,annotator,label\n1,ana,sponsored_disclosed\n2,ana,not_sponsored\n"
        "3,ana,sponsored_undisclosed\n",
    )
    import_labels(project, labels)
    shutil.rmtree(source)  # the export reads the project's copies
    return project, jpeg, png


def test_posts_export_keeps_media_columns_as_they_came(
    picture_project: tuple[Project, bytes, bytes], tmp_path: Path
) -> None:
    project, _, _ = picture_project
    out = tmp_path / "posts.csv"
    export_data(project, out, ExportOptions(what="posts"))
    frame = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    first = frame[frame["id"] == "1"].iloc[0]
    assert first["Image Name"] == CELL
    assert first["display_url"] == "https://cdn.example/x.jpg"


def test_training_export_with_hashes(
    picture_project: tuple[Project, bytes, bytes], tmp_path: Path
) -> None:
    project, jpeg, png = picture_project
    out = tmp_path / "train.jsonl"
    result = export_data(project, out, ExportOptions(what="training", media="hashes"))
    assert "media_hashes" in result.columns
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert rows["1"]["media_hashes"] == [content_hash(jpeg), content_hash(png)]
    assert rows["2"]["media_hashes"] == []
    assert rows["3"]["media_hashes"] == [content_hash(jpeg)]
    plain = tmp_path / "plain.csv"
    assert "media_hashes" not in export_data(project, plain, ExportOptions(what="training")).columns


def test_training_export_with_paths_writes_each_picture_once(
    picture_project: tuple[Project, bytes, bytes], tmp_path: Path
) -> None:
    project, jpeg, png = picture_project
    out = tmp_path / "train.csv"
    export_data(project, out, ExportOptions(what="training", media="paths"))
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    paths = {row["id"]: json.loads(row["media_paths"]) for _, row in frame.iterrows()}
    # Named by the source's hash; the suffix is the display copy's (JPEG when opaque).
    assert paths["1"] == [
        f"train_media/{content_hash(jpeg)}.jpg",
        f"train_media/{content_hash(png)}.jpg",
    ]
    assert paths["3"] == [f"train_media/{content_hash(jpeg)}.jpg"]
    assert paths["2"] == []
    written = sorted(p.name for p in (tmp_path / "train_media").iterdir())
    assert written == sorted([f"{content_hash(jpeg)}.jpg", f"{content_hash(png)}.jpg"])
    for relative in paths["1"]:
        assert (tmp_path / relative).read_bytes()[:2] == b"\xff\xd8"


def test_media_option_is_for_training_only(
    picture_project: tuple[Project, bytes, bytes], tmp_path: Path
) -> None:
    project, _, _ = picture_project
    with pytest.raises(UserError, match="--media applies to --what training"):
        export_data(project, tmp_path / "p.csv", ExportOptions(what="posts", media="paths"))
