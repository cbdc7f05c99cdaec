"""Exports: every annotator's label per post, read back intact, formulas never live."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from annotator.domain.errors import UserError
from annotator.services.exporting import export_posts
from annotator.services.label_import import import_labels
from annotator.services.projects import Project
from tests.conftest import write_csv

EMOJI_TEXT = "Loving my new serum! #ad\nPaid partnership with GlowCo 👩‍👩‍👧"
FORMULA_TEXT = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def labeled_project(small_project: Project, tmp_path: Path) -> Project:
    labels = write_csv(
        tmp_path / "labels.csv",
        "post_id,annotator,label\n"
        "1229871234567890123,ana,sponsored_disclosed\n"
        "1229871234567890123,ben,sponsored_disclosed\n"
        "1229871234567890124,ana,not_sponsored\n"
        "1229871234567890124,ben,sponsored_undisclosed\n",
    )
    import_labels(small_project, labels)
    return small_project


def test_csv_has_a_label_column_per_annotator_and_resolved_label(
    labeled_project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "posts.csv"
    report = export_posts(labeled_project, out)
    assert report.rows == 4
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(frame.columns[:9]) == [
        "dataset",
        "id",
        "text",
        "author",
        "created_at",
        "platform",
        "url",
        "label_ana",
        "label_ben",
    ]
    by_id = frame.set_index("id")
    assert by_id.loc["1229871234567890123", "resolved_label"] == "sponsored_disclosed"
    assert by_id.loc["1229871234567890124", "resolved_label"] == ""
    assert by_id.loc["1229871234567890124", "needs_review"] == "True"
    assert by_id.loc["00123", "label_ana"] == ""
    assert by_id.loc["00123", "likes"] == "5"
    assert by_id.loc["1229871234567890123", "text"] == EMOJI_TEXT


def test_csv_neutralises_formulas(labeled_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "posts.csv"
    export_posts(labeled_project, out)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = {row["id"]: row["text"] for row in rows}
    assert texts["00123"] == "'" + FORMULA_TEXT
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())


def test_xlsx_stores_every_text_cell_as_a_string(labeled_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "posts.xlsx"
    export_posts(labeled_project, out)
    workbook = openpyxl.load_workbook(out)
    sheet = workbook["Posts"]
    header = [cell.value for cell in sheet[1]]
    text_column = header.index("text")
    id_column = header.index("id")
    cells = {row[id_column].value: row[text_column] for row in sheet.iter_rows(min_row=2)}
    formula_cell = cells["00123"]
    assert formula_cell.value == FORMULA_TEXT
    assert formula_cell.data_type == "s"
    assert cells["1229871234567890123"].value == EMOJI_TEXT
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 5


def test_jsonl_and_parquet_round_trip_text_and_ids(
    labeled_project: Project, tmp_path: Path
) -> None:
    export_posts(labeled_project, tmp_path / "posts.jsonl")
    export_posts(labeled_project, tmp_path / "posts.parquet")
    lines = (tmp_path / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    parquet = pd.read_parquet(tmp_path / "posts.parquet")
    for frame_ids, frame_texts in (
        ([r["id"] for r in records], [r["text"] for r in records]),
        (list(parquet["id"]), list(parquet["text"])),
    ):
        assert frame_ids == ["00123", "1229871234567890123", "1229871234567890124", "42"]
        assert frame_texts[0] == FORMULA_TEXT
        assert frame_texts[1] == EMOJI_TEXT


def test_unknown_suffix_is_refused_and_nothing_written(
    labeled_project: Project, tmp_path: Path
) -> None:
    with pytest.raises(UserError, match=re.escape(".csv, .jsonl, .parquet, .xlsx")):
        export_posts(labeled_project, tmp_path / "posts.docx")
    assert list(tmp_path.glob("posts*")) == []


def test_failed_export_leaves_no_partial_file(
    labeled_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.services.exporting as exporting

    def explode(_frame: object, path: Path) -> None:
        path.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setitem(exporting._WRITERS, ".csv", explode)
    with pytest.raises(OSError):
        export_posts(labeled_project, tmp_path / "posts.csv")
    assert [p.name for p in tmp_path.iterdir() if "posts" in p.name] == []
