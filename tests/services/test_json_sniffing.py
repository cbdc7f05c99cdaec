"""JSON Lines or one JSON document, told from the content whatever the suffix says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from annotator.domain.errors import UserError
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.imports.sources import open_source
from annotator.services.project.projects import Project
from annotator.store.queries import iter_posts

#: Twitter API v1.1 stream tweets: ``id`` beyond 2**53, ``full_text`` only in extended mode.
TWEETS: list[dict[str, Any]] = [
    {
        "created_at": "Wed Oct 10 20:19:24 +0000 2018",
        "id": 1050118621198921728,
        "id_str": "1050118621198921728",
        "full_text": "Loving my new serum! #ad",
        "truncated": False,
        "user": {"id_str": "11", "screen_name": "ann", "name": "Ann"},
        "lang": "en",
    },
    {
        "created_at": "Wed Oct 10 20:21:02 +0000 2018",
        "id": 1050119032173539329,
        "id_str": "1050119032173539329",
        "text": "Just my lunch",
        "truncated": False,
        "user": {"id_str": "12", "screen_name": "bob", "name": "Bob"},
        "lang": "en",
    },
    {
        "created_at": "Wed Oct 10 20:25:40 +0000 2018",
        "id": 1050120198357831680,
        "id_str": "1050120198357831680",
        "text": "Thanks to my friends at GlowCo",
        "truncated": False,
        "user": {"id_str": "13", "screen_name": "cy", "name": "Cy"},
        "lang": "en",
    },
]


def _posts(project: Project) -> list[Any]:
    with project.session() as session:
        return list(iter_posts(session))


def _count(project: Project) -> int:
    with project.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM post")).scalar_one())


def _lines(path: Path, records: list[Any], encoding: str = "utf-8") -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding=encoding)
    return path


def _check_tweets(project: Project) -> None:
    posts = _posts(project)
    assert [p.external_id for p in posts] == [t["id_str"] for t in TWEETS]
    assert [p.text for p in posts] == [
        "Loving my new serum! #ad",
        "Just my lunch",
        "Thanks to my friends at GlowCo",
    ]
    assert [p.author for p in posts] == ["ann", "bob", "cy"]
    assert posts[0].created_at is not None and posts[0].created_at.startswith("2018-10-10")


def test_a_stream_file_named_json_is_read_as_json_lines(project: Project, tmp_path: Path) -> None:
    path = _lines(tmp_path / "lines.json", TWEETS)
    report = import_dataset(project, path)
    assert report.added == 3
    _check_tweets(project)


def test_the_format_says_what_was_found(tmp_path: Path) -> None:
    assert open_source(_lines(tmp_path / "lines.json", TWEETS)).format == "jsonl"
    array = tmp_path / "array.jsonl"
    array.write_text(json.dumps(TWEETS), encoding="utf-8")
    assert open_source(array).format == "json"


def test_a_named_format_is_checked_against_the_content_too(
    project: Project, tmp_path: Path
) -> None:
    path = _lines(tmp_path / "lines.json", TWEETS)
    import_dataset(project, path, ImportOptions(fmt="json"))
    _check_tweets(project)


def test_json_lines_with_a_byte_order_mark_and_blank_lines(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "lines.json"
    body = "\n\n" + "\n\n".join(json.dumps(t) for t in TWEETS) + "\n"
    path.write_text(body, encoding="utf-8-sig", newline="\r\n")
    import_dataset(project, path)
    _check_tweets(project)


@pytest.mark.parametrize("indent", [None, 2], ids=["one-line", "pretty"])
def test_a_jsonl_file_holding_one_array_is_json(
    project: Project, tmp_path: Path, indent: int | None
) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(TWEETS, indent=indent), encoding="utf-8")
    import_dataset(project, path)
    _check_tweets(project)


def test_a_pretty_printed_object_named_jsonl_is_json(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(TWEETS[0], indent=2), encoding="utf-8")
    import_dataset(project, path)
    assert [p.external_id for p in _posts(project)] == [TWEETS[0]["id_str"]]


def test_a_damaged_line_in_a_json_named_stream_is_named(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "lines.json"
    good = [json.dumps(t) for t in TWEETS]
    path.write_text(f"{good[0]}\n{good[1][:40]}\n{good[2]}\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        import_dataset(project, path)
    assert (caught.value.file, caught.value.row) == ("lines.json", 2)
    assert "Extra data" not in str(caught.value)
    assert _count(project) == 0


def test_a_damaged_first_line_of_json_lines_is_named(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    good = [json.dumps(t) for t in TWEETS]
    path.write_text(f"{good[0][:40]}\n{good[1]}\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        import_dataset(project, path)
    assert (caught.value.file, caught.value.row) == ("lines.jsonl", 1)


def test_a_single_compact_object_named_json_is_one_record(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(TWEETS[1]), encoding="utf-8")
    import_dataset(project, path)
    assert [p.text for p in _posts(project)] == ["Just my lunch"]
