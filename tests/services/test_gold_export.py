"""Gold decisions leave the project with their reasons: the note, who decided and when sit
beside the gold label in every export that carries gold."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from annotator.services.exports.exporting import ExportOptions, export_data
from annotator.services.imports.label_import import import_labels
from annotator.services.project.projects import Project
from annotator.services.review.adjudication import set_gold
from annotator.store.queries import external_id_index
from tests.conftest import write_csv

NOTE = "Paid organiser; copies the campaign's talking points 👩‍👩‍👧, é"
GOLD = ["gold_label", "gold_note", "gold_by", "gold_at"]


@pytest.fixture
def adjudicated(small_project: Project, tmp_path: Path) -> Project:
    """Two annotators disagree on one post; the lead decided it with a note."""
    import_labels(
        small_project,
        write_csv(
            tmp_path / "labels.csv",
            "post_id,annotator,label\n"
            "1229871234567890123,ana,sponsored_disclosed\n"
            "1229871234567890123,ben,sponsored_disclosed\n"
            "1229871234567890124,ana,not_sponsored\n"
            "1229871234567890124,ben,sponsored_undisclosed\n",
        ),
    )
    with small_project.session() as session:
        post_id = external_id_index(session)["1229871234567890124"][0]
    set_gold(
        small_project,
        post_id=post_id,
        label_key="sponsored_undisclosed",
        decided_by="lead",
        notes=NOTE,
    )
    return small_project


def _check_decided(rows: dict[str, dict[str, object]]) -> None:
    decided = rows["1229871234567890124"]
    assert (decided["gold_label"], decided["gold_note"], decided["gold_by"]) == (
        "sponsored_undisclosed",
        NOTE,
        "lead",
    )
    assert str(decided["gold_at"]).startswith("20") and "T" in str(decided["gold_at"])
    undecided = rows["1229871234567890123"]
    assert all(undecided[c] in (None, "") for c in GOLD)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_posts_carry_gold_note_by_and_time(
    adjudicated: Project, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"posts{suffix}"
    result = export_data(adjudicated, out, ExportOptions(manifest=False))
    position = result.columns.index("gold_label")
    assert result.columns[position : position + 4] == GOLD
    if suffix == ".csv":
        with out.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    elif suffix == ".parquet":
        rows = pq.read_table(out).to_pylist()
    else:
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    _check_decided({str(row["id"]): row for row in rows})


def test_posts_and_annotations_sheets_carry_gold(adjudicated: Project, tmp_path: Path) -> None:
    out = tmp_path / "posts.xlsx"
    export_data(adjudicated, out, ExportOptions(manifest=False))
    workbook = openpyxl.load_workbook(out)
    for name in ("Posts", "Annotations"):
        values = list(workbook[name].iter_rows(values_only=True))
        header = list(values[0])
        assert set(GOLD) <= set(header)
        rows = [dict(zip(header, row, strict=True)) for row in values[1:]]
        by_id = {str(row["id"]): row for row in rows}
        _check_decided(by_id)


def test_annotations_repeat_the_gold_decision_on_each_annotators_row(
    adjudicated: Project, tmp_path: Path
) -> None:
    out = tmp_path / "annotations.jsonl"
    result = export_data(adjudicated, out, ExportOptions(what="annotations", manifest=False))
    assert result.columns[-4:] == GOLD
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    decided = [r for r in rows if r["id"] == "1229871234567890124"]
    assert {r["annotator"] for r in decided} == {"ana", "ben"}
    assert {(r["label"], r["gold_label"], r["gold_note"], r["gold_by"]) for r in decided} == {
        ("not_sponsored", "sponsored_undisclosed", NOTE, "lead"),
        ("sponsored_undisclosed", "sponsored_undisclosed", NOTE, "lead"),
    }
    assert all(r["gold_label"] is None for r in rows if r["id"] == "1229871234567890123")


def test_a_decision_without_a_note_exports_the_note_as_missing(
    adjudicated: Project, tmp_path: Path
) -> None:
    with adjudicated.session() as session:
        post_id = external_id_index(session)["1229871234567890124"][0]
    set_gold(adjudicated, post_id=post_id, label_key="not_sponsored", decided_by="ana")
    out = tmp_path / "posts.parquet"
    export_data(adjudicated, out, ExportOptions(manifest=False))
    rows = {row["id"]: row for row in pq.read_table(out).to_pylist()}
    row = rows["1229871234567890124"]
    assert (row["gold_label"], row["gold_note"], row["gold_by"]) == ("not_sponsored", None, "ana")
