"""Every source format through the real import: what lands, and what each bad file says."""

from __future__ import annotations

import codecs
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from annotator.domain.errors import UserError
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.project.projects import Project
from annotator.store.queries import iter_posts
from tests.conftest import DATASETS

ID19 = "1229871234567890123"


def _posts(project: Project) -> list[Any]:
    with project.session() as session:
        return list(iter_posts(session))


def _count(project: Project) -> int:
    with project.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM post")).scalar_one())


def _jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


# ----- delimited text ---------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "sep"), [(".tsv", "\t"), (".csv", "|"), (".csv", ";")])
def test_delimiters_are_found(project: Project, tmp_path: Path, suffix: str, sep: str) -> None:
    path = tmp_path / f"posts{suffix}"
    path.write_text(
        f"id{sep}text{sep}author\n{ID19}{sep}Hello, world{sep}ann\n00123{sep}Bye{sep}bob\n",
        encoding="utf-8",
    )
    import_dataset(project, path)
    assert [(p.external_id, p.text) for p in _posts(project)] == [
        (ID19, "Hello, world"),
        ("00123", "Bye"),
    ]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_utf16_and_bom_files(project: Project, tmp_path: Path, codec: str) -> None:
    body = 'id,text\n1,"Grüße 👋\nzweite Zeile"\n'
    path = tmp_path / "wide.csv"
    path.write_bytes(body.encode(codec))
    import_dataset(project, path)
    [post] = _posts(project)
    assert post.text == "Grüße 👋\nzweite Zeile"


def test_nul_byte_is_reported_with_its_row(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b'id,text\n1,fine\n2,"two\nlines"\n3,bad\x00byte\n')
    with pytest.raises(UserError) as caught:
        import_dataset(project, path)
    assert caught.value.row == 4
    assert "NUL byte" in str(caught.value)


def test_binary_garbage_is_refused(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(UserError) as caught:
        import_dataset(project, path)
    assert caught.value.file == "garbage.csv"
    assert _count(project) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty"), (b"  \n\n", "is empty"), (b"id,text\n", "no rows")],
)
def test_empty_and_header_only_files(
    project: Project, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "nothing.csv"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        import_dataset(project, path)
    with project.session() as session:
        assert session.connection().execute(text("SELECT count(*) FROM dataset")).scalar() == 0


def test_blank_lines_are_ignored_and_rows_keep_their_numbers(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("id,text\n1,a\n\n2,b\n3,\n", encoding="utf-8")
    report = import_dataset(project, path)
    assert report.added == 2
    assert report.blank_rows == 1
    assert report.empty_text_skipped == [5]


def test_unterminated_quote_is_reported(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('id,text\n1,"never closed\n2,b\n', encoding="utf-8")
    with pytest.raises(UserError, match="cannot be read as CSV"):
        import_dataset(project, path)


def test_ad_library_csv_with_json_list_bodies(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    bodies = json.dumps(["Vote Rivera on Tuesday!", "Vote Rivera on Tuesday!", "Join us."])
    path.write_text(
        "ad_id,page_name,ad_creative_bodies,funding_entity,ad_delivery_start_time\n"
        f'7001,Rivera for America,"{bodies.replace(chr(34), chr(34) * 2)}",'
        "Rivera for America PAC,2020-02-01\n",
        encoding="utf-8",
    )
    report = import_dataset(project, path)
    assert report.column_mapping["text"] == "ad_creative_bodies"
    [post] = _posts(project)
    assert post.text == "Vote Rivera on Tuesday!\n\nJoin us."
    assert post.author == "Rivera for America"
    assert post.created_at == "2020-02-01"
    assert post.extra == {"funding_entity": "Rivera for America PAC"}


# ----- JSON --------------------------------------------------------------------------------


def test_json_array_of_nested_records(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "posts.json"
    path.write_text(
        json.dumps(
            [
                {"id": 1, "content": "first", "meta": {"likes": 3, "tags": ["a", "b"]}},
                {"id": 2, "content": "second", "meta": {"likes": None}},
            ]
        ),
        encoding="utf-8",
    )
    import_dataset(project, path)
    first, second = _posts(project)
    assert (first.external_id, first.text) == ("1", "first")
    assert first.extra == {"meta.likes": 3, "meta.tags": ["a", "b"]}
    assert second.extra == {"meta.likes": None}


def test_truncated_json_is_reported(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('[{"id": 1, "text": "a"}, {"id": 2, "te', encoding="utf-8")
    with pytest.raises(UserError, match="is not valid JSON"):
        import_dataset(project, path)


def test_jsonl_with_a_non_object_line(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"id": "1", "text": "a"}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(UserError) as caught:
        import_dataset(project, path)
    assert caught.value.row == 2


def test_streaming_tweets_use_extended_text_and_rebuild_retweets(
    project: Project, tmp_path: Path
) -> None:
    path = _jsonl(
        tmp_path / "stream.jsonl",
        [
            {
                "id": 1229871234567890123,
                "id_str": ID19,
                "text": "A long tweet that got cut off at one hundred and forty charac…",
                "truncated": True,
                "extended_tweet": {"full_text": "A long tweet, in full. #ad"},
                "user": {"screen_name": "glowgirl"},
                "created_at": "Wed Feb 12 20:19:24 +0000 2020",
            },
            {
                "id": 1229871234567890124,
                "id_str": "1229871234567890124",
                "text": "RT @rivera: Our plan for jobs, part one of a long thread about…",
                "truncated": False,
                "retweeted_status": {
                    "full_text": "Our plan for jobs, part one of a long thread about the Midwest.",
                    "user": {"screen_name": "rivera"},
                },
                "user": {"screen_name": "organiser7"},
            },
            {"id_str": "1229871234567890125", "text": "short and plain", "user": {}},
        ],
    )
    report = import_dataset(project, path)
    assert report.column_mapping["text"] == "extended_tweet.full_text"
    first, retweet, plain = _posts(project)
    assert first.text == "A long tweet, in full. #ad"
    assert first.author == "glowgirl"
    assert first.extra["text"].endswith("charac…")
    assert retweet.text == (
        "RT @rivera: Our plan for jobs, part one of a long thread about the Midwest."
    )
    assert retweet.author == "organiser7"
    assert plain.text == "short and plain"


def test_twitter_v2_pages_join_authors_and_full_retweet_text(
    project: Project, tmp_path: Path
) -> None:
    page = {
        "data": [
            {
                "id": ID19,
                "text": "Paid for by Rivera 2020",
                "author_id": "11",
                "created_at": "2020-02-12T20:19:24.000Z",
            },
            {
                "id": "1229871234567890124",
                "text": "RT @rivera: Our plan for…",
                "author_id": "12",
                "referenced_tweets": [{"type": "retweeted", "id": "1229871234567890100"}],
            },
        ],
        "includes": {
            "users": [
                {"id": "11", "username": "rivera", "name": "Dana Rivera"},
                {"id": "12", "username": "organiser7", "name": "Org Seven"},
            ],
            "tweets": [
                {
                    "id": "1229871234567890100",
                    "text": "Our plan for jobs, in full.",
                    "author_id": "11",
                }
            ],
        },
        "meta": {"result_count": 2},
    }
    path = _jsonl(tmp_path / "v2.jsonl", [page])
    import_dataset(project, path)
    first, retweet = _posts(project)
    assert (first.external_id, first.author, first.created_at) == (
        ID19,
        "rivera",
        "2020-02-12T20:19:24.000Z",
    )
    assert retweet.author == "organiser7"
    assert retweet.text == "RT @rivera: Our plan for jobs, in full."


def test_label_studio_tasks_map_data_text(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "ls.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": 5,
                    "data": {"text": "Sponsored by GlowCo"},
                    "annotations": [{"result": [{"value": {"choices": ["sponsored_disclosed"]}}]}],
                }
            ]
        ),
        encoding="utf-8",
    )
    report = import_dataset(project, path)
    assert report.column_mapping["text"] == "data.text"
    [post] = _posts(project)
    assert post.text == "Sponsored by GlowCo"
    assert post.extra["annotations"][0]["result"][0]["value"]["choices"] == ["sponsored_disclosed"]


def test_shipped_tweet_sample_imports_with_ids_and_full_text(project: Project) -> None:
    lines = (DATASETS / "sample_tweets.jsonl").read_text(encoding="utf-8").splitlines()
    source = [json.loads(line) for line in lines]
    report = import_dataset(project, DATASETS / "sample_tweets.jsonl")
    assert report.added == len(source) == 40
    posts = {p.external_id: p for p in _posts(project)}
    for tweet in source:
        post = posts[tweet["id_str"]]
        assert post.author == tweet["user"]["screen_name"]
        if "retweeted_status" in tweet:
            assert post.text.endswith(tweet["retweeted_status"]["full_text"])
        else:
            assert post.text == tweet["full_text"]


# ----- spreadsheets -------------------------------------------------------------------------


def _workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_with_title_rows_above_the_header(project: Project, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "coded.xlsx",
        {
            "Coding": [
                ["Campaign posts, coded by hand"],
                [],
                ["Post ID", "Content", "Author", "Likes", "Posted"],
                [ID19, "Just text, #ad at the end", "ann", 17, datetime(2020, 2, 14, 18, 3)],
                ["00123", "Line one\nline two 👩‍👩‍👧", "bob", 2.5, "14/02/2020"],
            ]
        },
    )
    report = import_dataset(project, path)
    assert report.column_mapping["text"] == "Content"
    assert report.column_mapping["id"] == "Post ID"
    first, second = _posts(project)
    assert first.external_id == ID19
    assert first.text == "Just text, #ad at the end"
    assert first.extra == {"Likes": "17", "Posted": "2020-02-14T18:03:00"}
    assert (second.external_id, second.text) == ("00123", "Line one\nline two 👩‍👩‍👧")
    assert second.extra["Likes"] == "2.5"


def test_xlsx_bad_row_is_named_by_sheet_row(project: Project, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "dup.xlsx",
        {"S": [["title"], ["id", "text"], ["1", "a"], ["1", "b"]]},
    )
    with pytest.raises(UserError) as caught:
        import_dataset(project, path)
    assert (caught.value.row, caught.value.column) == (4, "id")


def test_xlsx_sheet_choice_and_unknown_sheet(project: Project, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "two.xlsx",
        {"Notes": [["nothing here"]], "Posts": [["id", "text"], ["9", "from the second"]]},
    )
    with pytest.raises(UserError, match="the sheets are: Notes, Posts"):
        import_dataset(project, path, ImportOptions(sheet="Tweets"))
    import_dataset(project, path, ImportOptions(sheet="Posts"))
    assert [p.text for p in _posts(project)] == ["from the second"]


def test_xlsx_explicit_header_row(project: Project, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "h.xlsx", {"S": [["a", "b"], ["id", "message"], ["1", "hello"]]})
    import_dataset(project, path, ImportOptions(header_row=2))
    assert [p.text for p in _posts(project)] == ["hello"]


def test_truncated_xlsx_is_refused(project: Project, tmp_path: Path) -> None:
    good = _workbook(tmp_path / "ok.xlsx", {"S": [["id", "text"], ["1", "a"]]})
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(UserError, match="cannot be read as a spreadsheet"):
        import_dataset(project, broken)


# ----- parquet ------------------------------------------------------------------------------


def test_parquet_with_types_and_nested_struct(project: Project, tmp_path: Path) -> None:
    table = pa.table(
        {
            "tweet_id": pa.array([1229871234567890123, 1229871234567890124], pa.int64()),
            "text": ["first #ad", "second"],
            "user": [
                {"screen_name": "ann", "followers": 10},
                {"screen_name": "bob", "followers": 3},
            ],
            "created_at": pa.array(
                [datetime(2020, 2, 14, 18, 3, 11), datetime(2020, 2, 15, 9, 0)],
                pa.timestamp("s"),
            ),
            "score": [0.5, None],
        }
    )
    path = tmp_path / "pipe.parquet"
    pq.write_table(table, path)
    report = import_dataset(project, path)
    assert report.column_mapping["id"] == "tweet_id"
    first, second = _posts(project)
    assert (first.external_id, first.text, first.author) == (ID19, "first #ad", "ann")
    assert first.created_at == "2020-02-14T18:03:11"
    assert first.extra == {"user.followers": 10, "score": 0.5}
    assert second.extra["score"] is None


def test_format_override_reads_a_misnamed_file(project: Project, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "export.txt", [{"id": "1", "text": "really JSON Lines"}])
    import_dataset(project, path, ImportOptions(fmt="jsonl"))
    assert [p.text for p in _posts(project)] == ["really JSON Lines"]


def test_utf8_check_reports_the_row_of_a_late_bad_byte(project: Project, tmp_path: Path) -> None:
    rows = "".join(f"{i},ok é {i}\n" for i in range(1, 3000))
    path = tmp_path / "late.csv"
    path.write_bytes(("id,text\n" + rows).encode() + b"3000,bad \xff\n")
    with pytest.raises(UserError) as caught:
        import_dataset(project, path)
    assert caught.value.row == 3001
    assert codecs.lookup("utf-8")  # the file is otherwise UTF-8, so no guess was made
