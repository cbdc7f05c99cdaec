"""Importing CSV and JSON Lines: ids kept as written, extras kept, atomic, duplicate-aware."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.domain.errors import CancelledError, UserError
from annotator.domain.progress import CancelToken
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.project.projects import Project
from annotator.store.queries import iter_posts, list_datasets
from tests.conftest import SMALL_CSV, write_csv


def _posts(project: Project) -> list:
    with project.session() as session:
        return list(iter_posts(session))


def _count(project: Project) -> int:
    with project.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM post")).scalar_one())


def test_csv_import_keeps_ids_text_and_extras_exactly(project: Project, small_csv: Path) -> None:
    report = import_dataset(project, small_csv)
    assert report.added == 4
    assert report.column_mapping["text"] == "text"
    posts = _posts(project)
    assert [p.external_id for p in posts] == [
        "00123",
        "1229871234567890123",
        "1229871234567890124",
        "42",
    ]
    assert posts[0].text == '=HYPERLINK("http://evil.example","click")'
    assert posts[1].text == "Loving my new serum! #ad\nPaid partnership with GlowCo 👩‍👩‍👧"
    assert posts[3].text == "<b>not bold</b> &amp; just my lunch"
    assert posts[1].author == "ann"
    assert posts[1].platform == "instagram"
    assert posts[1].created_at == "2020-02-15T09:00:00Z"
    assert posts[0].extra == {"likes": "5"}
    assert posts[3].url is None
    with project.session() as session:
        [dataset] = list_datasets(session)
    assert dataset.name == "small"
    assert dataset.post_count == 4
    assert len(dataset.source_sha256) == 64


def test_reimport_adds_only_new_posts(project: Project, tmp_path: Path, small_csv: Path) -> None:
    import_dataset(project, small_csv)
    again = import_dataset(project, small_csv)
    assert again.added == 0
    assert again.duplicates_skipped == 4
    bigger = write_csv(tmp_path / "bigger.csv", SMALL_CSV + '77,"a brand new post",eve,,,,1\n')
    third = import_dataset(project, bigger, ImportOptions(dataset="small"))
    assert (third.added, third.duplicates_skipped) == (1, 4)
    assert _count(project) == 5
    assert again.summary() == (
        "small.csv -> dataset 'small': read 4, imported 0, duplicates skipped 4, empty skipped 0."
    )


def test_same_file_into_a_new_dataset_name_is_allowed(project: Project, small_csv: Path) -> None:
    import_dataset(project, small_csv)
    report = import_dataset(project, small_csv, ImportOptions(dataset="copy"))
    assert report.added == 4
    assert _count(project) == 8


def test_empty_text_rows_are_reported_and_skipped(project: Project, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gaps.csv", 'id,text\n1,hello\n2,""\n3,   \n4,world\n')
    report = import_dataset(project, path)
    assert report.added == 2
    assert report.empty_text_skipped == [3, 4]
    assert "empty skipped 2" in report.summary()
    assert report.details() == ["Rows with empty text, not imported: 3, 4."]


def test_rows_without_ids_get_stable_content_ids(project: Project, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "noid.csv", "text,author\nhello,a\nworld,b\n")
    import_dataset(project, path)
    first = [p.external_id for p in _posts(project)]
    again = import_dataset(project, path)
    assert again.added == 0
    assert len(set(first)) == 2
    assert all(i.startswith("r") and len(i) == 17 for i in first)


def test_error_on_a_late_row_leaves_project_unchanged(project: Project, tmp_path: Path) -> None:
    rows = "".join(f"{i},post number {i}\n" for i in range(1, 12001))
    path = write_csv(tmp_path / "late.csv", "id,text\n" + rows + "5,different text\n")
    with pytest.raises(UserError) as caught:
        import_dataset(project, path)
    assert caught.value.row == 12002
    assert caught.value.column == "id"
    assert "also on row 6" in str(caught.value)
    assert _count(project) == 0
    with project.session() as session:
        assert list_datasets(session) == []


def test_rounded_spreadsheet_ids_are_refused(project: Project, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "excel.csv", "id,text\n5.70306E+17,a\n5.70306E+17,b\n")
    with pytest.raises(UserError, match="spreadsheet rounded"):
        import_dataset(project, path)


def test_missing_text_column_lists_the_columns(project: Project, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "odd.csv", "ident,words\n1,hello\n")
    with pytest.raises(UserError) as caught:
        import_dataset(project, path)
    assert "--text-col" in str(caught.value)
    assert "ident, words" in str(caught.value)
    report = import_dataset(project, path, ImportOptions(text_col="words", id_col="ident"))
    assert report.added == 1
    assert _posts(project)[0].external_id == "1"


def test_named_column_that_does_not_exist(project: Project, small_csv: Path) -> None:
    with pytest.raises(UserError, match="no column 'body'"):
        import_dataset(project, small_csv, ImportOptions(text_col="body"))


def test_semicolon_csv_with_bom(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffid;text\n1;Grüße aus Köln #werbung\n".encode())
    import_dataset(project, path)
    post = _posts(project)[0]
    assert (post.external_id, post.text) == ("1", "Grüße aus Köln #werbung")


def test_cp1252_from_excel_is_detected_not_mangled(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("id;text\n1;Caf\xe9 cr\xe8me \x80 5 \x93sponsored\x94\n".encode("latin-1"))
    report = import_dataset(project, path)
    assert _posts(project)[0].text == "Café crème € 5 “sponsored”"
    assert report.encoding is not None and "cp1252" in report.encoding
    assert "Read as cp1252" in " ".join(report.details())


def test_mixed_encodings_are_refused_naming_the_row(project: Project, tmp_path: Path) -> None:
    good = 'id,text\n1,Grüße 👋\n2,"multi\nline"\n'.encode()
    path = tmp_path / "mixed.csv"
    path.write_bytes(good + b"3,caf\xe9\n")
    with pytest.raises(UserError) as caught:
        import_dataset(project, path)
    assert caught.value.row == 4
    assert "invalid UTF-8 byte 0xe9" in str(caught.value)
    assert _count(project) == 0


def test_jsonl_tweets_use_id_str_full_text_and_screen_name(
    project: Project, tmp_path: Path
) -> None:
    tweets = [
        {
            "id": 1229871234567890123,
            "id_str": "1229871234567890123",
            "text": "Truncated…",
            "full_text": "The whole tweet #sponsored",
            "created_at": "Wed Feb 12 20:19:24 +0000 2020",
            "user": {"screen_name": "glowgirl", "id": 5},
            "lang": "en",
        }
    ]
    path = tmp_path / "tweets.jsonl"
    path.write_text("\n".join(json.dumps(t) for t in tweets) + "\n", encoding="utf-8")
    report = import_dataset(project, path)
    assert report.column_mapping["id"] == "id_str"
    post = _posts(project)[0]
    assert post.external_id == "1229871234567890123"
    assert post.text == "The whole tweet #sponsored"
    assert post.author == "glowgirl"
    # The legacy API's "Wed Feb 12 20:19:24 +0000 2020" is stored as ISO, so it sorts.
    assert post.created_at == "2020-02-12T20:19:24+00:00"
    assert post.extra["id"] == 1229871234567890123
    assert post.extra["user.id"] == 5
    assert post.extra["text"] == "Truncated…"


def test_bad_json_line_names_the_line(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "1", "text": "a"}\n{"id": "2", "text": \n', encoding="utf-8")
    with pytest.raises(UserError) as caught:
        import_dataset(project, path)
    assert caught.value.row == 2
    assert caught.value.file == "bad.jsonl"


def test_cancel_leaves_nothing(project: Project, small_csv: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        import_dataset(project, small_csv, cancel=token)
    assert _count(project) == 0


def test_progress_is_reported(project: Project, small_csv: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    import_dataset(project, small_csv, progress=lambda *args: seen.append(args))
    done, total, _message = seen[-1]
    assert done == total == small_csv.stat().st_size
    assert [m for _, _, m in seen][-2:] == ["4 rows read", "Indexing for search"]


def test_unknown_suffix_says_what_to_do(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "data.docx"
    path.write_bytes(b"PK")
    with pytest.raises(UserError, match="--format"):
        import_dataset(project, path)


def test_empty_override_means_no_column(project: Project, small_csv: Path) -> None:
    report = import_dataset(project, small_csv, ImportOptions(platform_col="", url_col=""))
    assert "platform" not in report.column_mapping
    post = _posts(project)[1]
    assert post.platform is None
    assert post.extra["platform"] == "instagram"
