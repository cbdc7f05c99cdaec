"""Gold decisions from a spreadsheet (post_id, label[, note]): recorded with history as the
Review tab records them, all or nothing, every refusal naming file, row and column."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from annotator.domain.errors import UserError
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.project.projects import Project
from annotator.services.review.adjudication import gold_history, gold_of, set_gold
from annotator.services.review.gold_import import import_gold
from annotator.store.queries import external_id_index
from tests.conftest import write_csv


def _post(project: Project, external_id: str, dataset: str = "small") -> int:
    with project.session() as session:
        return external_id_index(session, dataset)[external_id][0]


def _all_gold(project: Project) -> dict[int, tuple[str, str, str]]:
    with project.session() as session:
        ids = [p for ps in external_id_index(session).values() for p in ps]
    return {
        p: (g.label_key, g.decided_by, g.notes)
        for p in ids
        if (g := gold_of(project, p)) is not None
    }


def test_a_csv_of_decisions_is_recorded_with_notes_and_history(
    small_project: Project, tmp_path: Path
) -> None:
    sheet = write_csv(
        tmp_path / "adjudicated.csv",
        "post_id,label,note\n"
        '1229871234567890123,"Sponsored, disclosed","says #ad, paid partnership"\n'
        "1229871234567890124,SPONSORED_UNDISCLOSED,\n"
        "42,,\n",  # not decided yet: skipped
    )
    report = import_gold(small_project, sheet, decided_by="lead")
    assert (report.decided, report.unchanged, report.blank_skipped) == (2, 0, 1)
    assert "2 gold decisions recorded from adjudicated.csv" in report.summary()
    disclosed = gold_of(small_project, _post(small_project, "1229871234567890123"))
    assert disclosed is not None
    assert (disclosed.label_key, disclosed.decided_by, disclosed.notes, disclosed.method) == (
        "sponsored_disclosed",
        "lead",
        "says #ad, paid partnership",
        "spreadsheet",
    )
    undisclosed = _post(small_project, "1229871234567890124")
    assert gold_history(small_project, undisclosed) == [
        ("sponsored_undisclosed", "lead", "spreadsheet")
    ]
    assert gold_of(small_project, _post(small_project, "42")) is None


def test_a_decision_already_taken_is_not_recorded_again(
    small_project: Project, tmp_path: Path
) -> None:
    """An exported sheet carries earlier decisions: going back in must not re-credit them
    to whoever runs the command, nor pad the history."""
    post = _post(small_project, "00123")
    set_gold(small_project, post_id=post, label_key="not_sponsored", decided_by="ana",
             notes="a joke, not an ad")  # fmt: skip
    sheet = write_csv(
        tmp_path / "gold.csv",
        "post_id,gold_label,gold_note\n00123,not_sponsored,a joke, not an ad\n"
        "42,not_sponsored,lunch\n".replace("a joke, not an ad", '"a joke, not an ad"'),
    )
    report = import_gold(small_project, sheet, decided_by="lead")
    assert (report.decided, report.unchanged) == (1, 1)
    assert gold_history(small_project, post) == [("not_sponsored", "ana", "adjudicated")]
    changed = write_csv(tmp_path / "changed.csv", "post_id,label,note\n00123,not_sponsored,\n")
    assert import_gold(small_project, changed, decided_by="lead").decided == 1  # note cleared
    assert gold_of(small_project, post) is not None
    assert gold_of(small_project, post).notes == ""  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "row", "column", "words"),
    [
        ("00123,not_sponsored\n999,not_sponsored\n", 3, "post_id", "no post has the id '999'"),
        ("00123,not_sponsored\n42,maybe\n", 3, "label", "the label 'maybe' is not in the codebook"),
        ("00123,not_sponsored\n,not_sponsored\n", 3, "post_id", "the post id is empty"),
        ("00123,not_sponsored\n00123,sponsored_disclosed\n", 3, "label", "in row 2"),
        ("1.22987E+18,not_sponsored\n", 2, "post_id", "format the column as text"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_recorded(
    small_project: Project, tmp_path: Path, body: str, row: int, column: str, words: str
) -> None:
    sheet = write_csv(tmp_path / "gold.csv", "post_id,label\n" + body)
    with pytest.raises(UserError) as caught:
        import_gold(small_project, sheet, decided_by="lead")
    assert (caught.value.file, caught.value.row, caught.value.column) == ("gold.csv", row, column)
    assert words in str(caught.value)
    assert _all_gold(small_project) == {}  # the good row before it was not recorded either


def test_ids_shared_by_two_datasets_need_the_dataset(
    small_project: Project, small_csv: Path, tmp_path: Path
) -> None:
    import_dataset(small_project, small_csv, options=ImportOptions(dataset="again"))
    sheet = write_csv(tmp_path / "gold.csv", "post_id,label\n42,not_sponsored\n")
    with pytest.raises(UserError, match=r"exists in several datasets \(again, small\)") as caught:
        import_gold(small_project, sheet, decided_by="lead")
    assert (caught.value.row, caught.value.column) == (2, "post_id")
    import_gold(small_project, sheet, decided_by="lead", dataset="again")
    assert gold_of(small_project, _post(small_project, "42", "again")) is not None
    assert gold_of(small_project, _post(small_project, "42", "small")) is None
    by_column = write_csv(tmp_path / "both.csv", "dataset,id,gold_label\nsmall,42,not_sponsored\n")
    import_gold(small_project, by_column, decided_by="lead")
    assert gold_of(small_project, _post(small_project, "42", "small")) is not None
    with pytest.raises(UserError, match="not 'again'") as caught:
        import_gold(small_project, by_column, decided_by="lead", dataset="again")
    assert caught.value.column == "dataset"


def test_an_xlsx_with_a_title_above_the_header_and_a_missing_column(
    small_project: Project, tmp_path: Path
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Adjudication, round 2"])
    sheet.append(["Post", "Label", "Notes"])
    sheet.append(["00123", "not sponsored", "satire"])
    sheet.append([42, "Not Sponsored", None])  # typed as a number by the spreadsheet
    path = tmp_path / "round2.xlsx"
    workbook.save(path)
    with pytest.raises(UserError, match="needs a post id column") as caught:
        import_gold(small_project, path, decided_by="lead")  # "Post" could be anything
    assert (caught.value.file, caught.value.row) == ("round2.xlsx", 2)
    sheet["A2"] = "Post ID"  # as people write post_id
    workbook.save(path)
    assert import_gold(small_project, path, decided_by="lead").decided == 2
    assert gold_of(small_project, _post(small_project, "00123")).notes == "satire"  # type: ignore[union-attr]
    assert gold_of(small_project, _post(small_project, "42")) is not None
