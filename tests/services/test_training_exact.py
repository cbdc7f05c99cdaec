"""Training exports keep post text byte for byte; the formula guard stays on the files
people open in a spreadsheet (posts and annotations CSV)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from annotator.services.exports.exporting import ExportOptions, export_data
from annotator.services.imports.importing import import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.project.projects import Project
from tests.conftest import write_csv

#: Captions as scraped: a sum someone typed, a weather post, a phone number, a mention.
TEXTS = {
    "t1": "=1+1",
    "t2": "-2 degrees this morning, stay warm",
    "t3": "+33 6 12 34 56 78 for the discount code #ad",
    "t4": "@brand thanks for the gifted serum #gifted",
    "t5": '=HYPERLINK("http://evil.example","click")',
}


@pytest.fixture
def risky_project(project: Project, tmp_path: Path) -> Project:
    rows = "".join(
        f'{key},"{text.replace(chr(34), chr(34) * 2)}",ann,https://instagram.com/p/{key}\n'
        for key, text in TEXTS.items()
    )
    import_dataset(project, write_csv(tmp_path / "posts.csv", "id,text,author,url\n" + rows))
    labels = "post_id,annotator,label,notes\n" + "".join(
        f'{key},ana,sponsored_disclosed,"{text.replace(chr(34), chr(34) * 2)}"\n'
        for key, text in TEXTS.items()
    )
    import_labels(project, write_csv(tmp_path / "labels.csv", labels))
    return project


def _texts(frame: pd.DataFrame, column: str = "text") -> dict[str, str]:
    return dict(zip(frame["id"], frame[column], strict=True))


def test_training_csv_round_trip_is_exact(risky_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "train.csv"
    export_data(risky_project, out, ExportOptions(what="training"))
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert _texts(frame) == TEXTS


def test_training_split_csv_files_are_exact(risky_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "train.csv"
    export_data(risky_project, out, ExportOptions(what="training", split=(0.4, 0.3, 0.3)))
    texts: dict[str, str] = {}
    for name in ("train", "dev", "test"):
        texts |= _texts(pd.read_csv(tmp_path / f"train.{name}.csv", dtype=str,
                                    keep_default_na=False))  # fmt: skip
    assert texts == TEXTS


def test_training_jsonl_and_parquet_are_exact(risky_project: Project, tmp_path: Path) -> None:
    export_data(risky_project, tmp_path / "t.jsonl", ExportOptions(what="training"))
    lines = (tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines()
    assert {row["id"]: row["text"] for row in map(json.loads, lines)} == TEXTS
    export_data(risky_project, tmp_path / "t.parquet", ExportOptions(what="training"))
    assert _texts(pq.read_table(tmp_path / "t.parquet").to_pandas()) == TEXTS


def test_posts_and_annotations_csv_still_neutralise(risky_project: Project, tmp_path: Path) -> None:
    export_data(risky_project, tmp_path / "posts.csv")
    posts = pd.read_csv(tmp_path / "posts.csv", dtype=str, keep_default_na=False)
    assert _texts(posts) == {key: "'" + text for key, text in TEXTS.items()}
    export_data(risky_project, tmp_path / "ann.csv", ExportOptions(what="annotations"))
    annotations = pd.read_csv(tmp_path / "ann.csv", dtype=str, keep_default_na=False)
    assert _texts(annotations, "notes") == {key: "'" + text for key, text in TEXTS.items()}
