"""The command line with pictures: ``import --media-col``, the picture summary, and
``export --what training --media``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from annotator.services.media.images import content_hash
from tests.cli.conftest import CliRunner
from tests.media_images import picture, truncated_jpeg


def test_import_media_col_summary_and_training_export(tmp_path: Path, cli: CliRunner) -> None:
    (tmp_path / "shirt.jpg").write_bytes(picture(90, 60, "red", "JPEG"))
    (tmp_path / "cut.jpg").write_bytes(truncated_jpeg())
    posts = tmp_path / "posts.csv"
    posts.write_text(
        "id,text,attachment,image_url\n"
        "1,Wearing @brand #ad,shirt.jpg,ignored.jpg\n"
        "2,A broken one,cut.jpg,\n"
        "3,Lost,gone.jpg,\n"
        "4,On the web,https://cdn.example/p.jpg,\n",
        encoding="utf-8",
    )
    project = tmp_path / "x.annotator"
    cli("init", project)
    out = cli("import", project, posts, "--media-col", "attachment", "--media-col", "").stdout
    assert "Pictures read from: attachment." in out
    assert "Pictures: 1 stored, 0 already in the project, 1 missing, 1 refused, 1 web" in out
    assert "Picture files not found: row 4: gone.jpg." in out
    assert "row 3: cut.jpg (damaged or truncated picture" in out

    labels = tmp_path / "labels.csv"
    labels.write_text("post_id,annotator,label\n1,ana,sponsored_disclosed\n", encoding="utf-8")
    cli("import-labels", project, labels)
    cli("export", project, tmp_path / "train.csv", "--what", "training", "--media", "hashes")
    frame = pd.read_csv(tmp_path / "train.csv", dtype=str)
    digest = content_hash((tmp_path / "shirt.jpg").read_bytes())
    assert json.loads(frame.loc[0, "media_hashes"]) == [digest]


def test_unknown_media_col_is_a_sentence(tmp_path: Path, cli: CliRunner) -> None:
    posts = tmp_path / "posts.csv"
    posts.write_text("id,text\n1,hello\n", encoding="utf-8")
    project = tmp_path / "x.annotator"
    cli("init", project)
    result = cli("import", project, posts, "--media-col", "photo", check=False)
    assert result.returncode != 0
    assert "no column 'photo' for pictures" in result.stderr
    assert "Traceback" not in result.stderr
