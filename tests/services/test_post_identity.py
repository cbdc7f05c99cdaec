"""A post's identity without an id column: its url, else its whole row; never its text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import text

from annotator.domain.errors import UserError
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.imports.post_identity import legacy_id
from annotator.services.project.projects import Project
from annotator.store.queries import iter_posts
from tests.conftest import write_csv

#: The shape of an Instagram scrape ("scrapping_dmi (1).xlsx"): a Post URL per row, no id.
HEADER = ["Influencer", "Post URL", "Date Time", "Caption", "Likes", "Comments", "Image Name"]
SHARED = "New drop 🔥 link in bio #ad"
ROWS: list[list[Any]] = [
    ["glowco_fan", "https://www.instagram.com/p/C3aaa111/", "02/03/2025 17:48:52", SHARED, 120, 4,
     "C3aaa111.jpg"],
    ["glowco_fan", "https://www.instagram.com/p/C3bbb222/", "05/03/2025 09:12:00", SHARED, 87, 1,
     "C3bbb222.jpg"],
    ["ann.eats", "https://www.instagram.com/p/C3ccc333/", "06/03/2025 12:00:00",
     "Lunch with friends", 12, 0, "C3ccc333.jpg"],
]  # fmt: skip


def _posts(project: Project) -> list[Any]:
    with project.session() as session:
        return list(iter_posts(session))


def _count(project: Project) -> int:
    with project.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM post")).scalar_one())


def _xlsx(path: Path, rows: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    workbook.save(path)
    return path


def _csv(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    def quoted(value: Any) -> str:
        return '"' + str(value).replace('"', '""') + '"'

    lines = [",".join(quoted(v) for v in row) for row in [header, *rows]]
    return write_csv(path, "\n".join(lines) + "\n")


@pytest.mark.parametrize("maker", [_xlsx, _csv], ids=["xlsx", "csv"])
def test_two_posts_sharing_a_caption_stay_two(project: Project, tmp_path: Path, maker: Any) -> None:
    path = maker(tmp_path / f"scrape.{'xlsx' if maker is _xlsx else 'csv'}", ROWS)
    report = import_dataset(project, path)
    assert (report.added, report.duplicates_skipped) == (3, 0)
    posts = _posts(project)
    assert [p.external_id for p in posts] == [row[1] for row in ROWS]
    assert [p.text for p in posts] == [SHARED, SHARED, "Lunch with friends"]
    assert [p.extra["Likes"] for p in posts] == ["120", "87", "12"]
    assert {p.url for p in posts} == {row[1] for row in ROWS}

    again = import_dataset(project, path)
    assert (again.added, again.duplicates_skipped) == (0, 3)
    assert _count(project) == 3


def test_a_row_scraped_twice_is_one_post(project: Project, tmp_path: Path) -> None:
    rescraped = [*ROWS[0][:4], 131, 6, ROWS[0][6]]  # same post, likes grew
    path = _csv(tmp_path / "twice.csv", [*ROWS, rescraped])
    report = import_dataset(project, path)
    assert (report.added, report.duplicates_skipped) == (3, 1)


def test_one_url_with_two_texts_is_refused_naming_row_and_column(
    project: Project, tmp_path: Path
) -> None:
    clash = [ROWS[2][0], ROWS[0][1], ROWS[2][2], "something else entirely", 1, 0, "x.jpg"]
    path = _csv(tmp_path / "clash.csv", [*ROWS, clash])
    with pytest.raises(UserError) as caught:
        import_dataset(project, path)
    error = caught.value
    assert (error.file, error.row, error.column) == ("clash.csv", 5, "Post URL")
    assert "also on row 2" in str(error)
    assert '--url-col ""' in str(error)
    assert _count(project) == 0


def test_without_url_the_whole_row_is_the_identity(project: Project, tmp_path: Path) -> None:
    header = ["username", "caption", "likes"]
    rows = [
        ["a", SHARED, "1"],
        ["b", SHARED, "1"],  # another account, same words: a copy, not a duplicate
        ["a", SHARED, "2"],  # same account and words, other likes: another post
        ["a", SHARED, "1"],  # the first row again: a true duplicate
    ]
    path = _csv(tmp_path / "no_url.csv", rows, header)
    report = import_dataset(project, path)
    assert (report.added, report.duplicates_skipped) == (3, 1)
    ids = [p.external_id for p in _posts(project)]
    assert len(set(ids)) == 3
    assert all(i.startswith("r") and len(i) == 17 for i in ids)

    again = import_dataset(project, path)
    assert (again.added, again.duplicates_skipped) == (0, 4)


def test_rows_with_an_empty_url_fall_back_to_the_whole_row(
    project: Project, tmp_path: Path
) -> None:
    rows = [
        ROWS[0],
        ["glowco_fan", "", "05/03/2025 09:12:00", SHARED, 87, 1, "a.jpg"],
        ["glowco_fan", "", "05/03/2025 09:12:00", SHARED, 90, 1, "b.jpg"],
    ]
    path = _csv(tmp_path / "gaps.csv", rows)
    report = import_dataset(project, path)
    assert report.added == 3
    first, *rest = [p.external_id for p in _posts(project)]
    assert first == ROWS[0][1]
    assert len(set(rest)) == 2
    assert all(i.startswith("r") for i in rest)


def test_json_records_missing_a_key_equal_csv_rows_with_the_cell_blank(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(
        json.dumps({"caption": SHARED, "username": "a"})
        + "\n"
        + json.dumps({"caption": SHARED, "username": "a", "likes": None})
        + "\n",
        encoding="utf-8",
    )
    report = import_dataset(project, path)
    assert (report.added, report.duplicates_skipped) == (1, 1)


def test_a_dataset_from_an_earlier_version_gets_back_the_post_it_lost(
    project: Project, tmp_path: Path
) -> None:
    """Earlier versions keyed id-less rows on text, author and time, merging the twins."""
    path = _csv(tmp_path / "scrape.csv", ROWS)
    import_dataset(project, path)
    # Rewrite the project as the earlier version left it: the old mapping (neither
    # Influencer nor Date Time was recognised), text-based ids, the second twin lost.
    old_mapping = {"text": "Caption", "url": "Post URL"}
    with project.engine.begin() as connection:
        connection.execute(
            text("UPDATE dataset SET column_mapping = :m"), {"m": json.dumps(old_mapping)}
        )
        connection.execute(text("DELETE FROM post WHERE external_id = :u"), {"u": ROWS[1][1]})
        for row in (ROWS[0], ROWS[2]):
            connection.execute(
                text("UPDATE post SET external_id = :new WHERE external_id = :url"),
                {"new": legacy_id(row[3], "", ""), "url": row[1]},
            )

    again = import_dataset(project, path)
    assert (again.added, again.duplicates_skipped) == (1, 2)
    posts = _posts(project)
    assert sorted(p.external_id for p in posts) == sorted(
        [legacy_id(SHARED, "", ""), legacy_id("Lunch with friends", "", ""), ROWS[1][1]]
    )
    third = import_dataset(project, path)
    assert (third.added, third.duplicates_skipped) == (0, 3)


def test_an_id_column_still_decides(project: Project, tmp_path: Path) -> None:
    header = ["post_id", *HEADER]
    rows = [["p1", *ROWS[0]], ["p2", *ROWS[1]]]
    report = import_dataset(project, _csv(tmp_path / "ids.csv", rows, header))
    assert report.column_mapping["id"] == "post_id"
    assert [p.external_id for p in _posts(project)] == ["p1", "p2"]


def test_named_url_column_off_uses_the_whole_row(project: Project, tmp_path: Path) -> None:
    clash = [ROWS[2][0], ROWS[0][1], ROWS[2][2], "something else entirely", 1, 0, "x.jpg"]
    path = _csv(tmp_path / "clash.csv", [*ROWS, clash])
    report = import_dataset(project, path, ImportOptions(url_col=""))
    assert report.added == 4
    assert all(p.external_id.startswith("r") for p in _posts(project))
