"""``annotator gold``: a lead adjudicates in Excel, the decisions come back with history."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from annotator.services.project.projects import open_project
from annotator.services.review.adjudication import gold_history, gold_of
from annotator.store.queries import external_id_index
from tests.cli.conftest import CliRunner
from tests.conftest import SMALL_CSV, write_csv


@pytest.fixture
def study(tmp_path: Path, cli: CliRunner) -> Path:
    """A project with two annotators who disagree on two posts."""
    project = tmp_path / "study.annotator"
    cli("init", project)
    cli("import", project, write_csv(tmp_path / "posts.csv", SMALL_CSV), "--no-clusters")
    labels = write_csv(
        tmp_path / "labels.csv",
        "post_id,annotator,label\n"
        "00123,ana,not_sponsored\n00123,ben,sponsored_undisclosed\n"
        "1229871234567890124,ana,not_sponsored\n1229871234567890124,ben,sponsored_undisclosed\n"
        "42,ana,not_sponsored\n42,ben,not_sponsored\n",
    )
    cli("import-labels", project, labels)
    return project


def _post_ids(project: Path) -> dict[str, int]:
    opened = open_project(str(project))
    try:
        with opened.session() as session:
            return {k: v[0] for k, v in external_id_index(session).items()}
    finally:
        opened.close()


def test_the_exported_posts_sheet_goes_straight_back_in(
    study: Path, tmp_path: Path, cli: CliRunner
) -> None:
    out = tmp_path / "review.xlsx"
    cli("export", study, out)
    workbook = openpyxl.load_workbook(out)
    posts = workbook["Posts"]
    header = [cell.value for cell in posts[1]]
    row_of = {posts.cell(r, header.index("id") + 1).value: r for r in range(2, posts.max_row + 1)}
    label_column = header.index("gold_label") + 1
    note_column = header.index("gold_note") + 1
    posts.cell(row_of["00123"], label_column, "Sponsored, undisclosed")  # the display name
    posts.cell(row_of["00123"], note_column, "paid organiser, same script as 40 others")
    posts.cell(row_of["1229871234567890124"], label_column, "not_sponsored")
    workbook.save(out)

    result = cli("gold", study, out, "--by", "lead")
    assert "2 gold decisions recorded from review.xlsx (by lead, method spreadsheet)" in (
        result.stdout
    )
    ids = _post_ids(study)
    project = open_project(str(study))
    try:
        decided = gold_of(project, ids["00123"])
        assert decided is not None
        assert (decided.label_key, decided.decided_by, decided.notes, decided.method) == (
            "sponsored_undisclosed",
            "lead",
            "paid organiser, same script as 40 others",
            "spreadsheet",
        )
        assert gold_history(project, ids["1229871234567890124"]) == [
            ("not_sponsored", "lead", "spreadsheet")
        ]
        assert gold_of(project, ids["42"]) is None  # left blank in the sheet
    finally:
        project.close()

    # The decisions leave again with their reasons; the same sheet changes nothing twice.
    again = cli("gold", study, out, "--by", "someone-else").stdout
    assert "0 gold decisions recorded" in again and "2 already so" in again
    table = tmp_path / "posts.csv"
    cli("export", study, table)
    with table.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows["00123"]["gold_note"] == "paid organiser, same script as 40 others"
    assert rows["00123"]["gold_by"] == "lead"


def test_gold_from_a_csv_defaults_to_the_os_user(
    study: Path, tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "maria")
    sheet = write_csv(tmp_path / "gold.csv", "post_id,label,note\n42,Not sponsored,lunch\n")
    assert "by maria" in cli("gold", study, sheet).stdout
    project = open_project(str(study))
    try:
        decided = gold_of(project, _post_ids(study)["42"])
        assert decided is not None and (decided.decided_by, decided.notes) == ("maria", "lunch")
    finally:
        project.close()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("42,not_sponsored\n777,not_sponsored\n", "gold.csv, row 3, column 'post_id': no post"),
        ("42,not_sponsored\n00123,perhaps\n", "gold.csv, row 3, column 'label': the label"),
    ],
)
def test_a_bad_row_exits_2_naming_it_and_changes_nothing(
    study: Path, tmp_path: Path, cli: CliRunner, body: str, message: str
) -> None:
    sheet = write_csv(tmp_path / "gold.csv", "post_id,label\n" + body)
    result = cli("gold", study, sheet, "--by", "lead", check=False)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    project = open_project(str(study))
    try:
        assert all(gold_of(project, post) is None for post in _post_ids(study).values())
    finally:
        project.close()
