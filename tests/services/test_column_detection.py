"""Which column feeds which field, for the headers real files have; platform from the url."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.services.imports.column_mapping import (
    CANDIDATES,
    detect_mapping,
    normalise_column_name,
    platform_of_url,
)
from annotator.services.imports.importing import import_dataset
from annotator.services.project.projects import Project
from annotator.store.queries import iter_posts
from tests.conftest import write_csv

# The header rows of the files people bring (docs: /work/shared/DOMAIN.md, "Shapes of the
# files users bring"), each with the mapping it must get. Fields left out must stay unmapped.
REAL_HEADERS: dict[str, tuple[list[str], dict[str, str]]] = {
    "tweets v1.1, flattened": (
        ["created_at", "id", "id_str", "text", "full_text", "truncated",
         "extended_tweet.full_text", "user.id_str", "user.screen_name", "user.name",
         "user.description", "user.url", "retweeted_status.full_text", "lang",
         "entities.urls"],
        {"text": "full_text", "id": "id_str", "author": "user.screen_name",
         "created_at": "created_at"},
    ),
    "tweets v2, authors joined": (
        ["id", "text", "author_id", "created_at", "edit_history_tweet_ids",
         "referenced_tweets", "author.username", "author.name", "retweeted.text",
         "retweeted.username"],
        {"text": "text", "id": "id", "author": "author.username", "created_at": "created_at"},
    ),
    "Meta ad library": (
        ["ad_id", "page_id", "page_name", "ad_creative_bodies", "bylines", "funding_entity",
         "disclaimer", "ad_delivery_start_time", "ad_snapshot_url", "spend", "impressions"],
        {"text": "ad_creative_bodies", "id": "ad_id", "author": "page_name",
         "created_at": "ad_delivery_start_time", "url": "ad_snapshot_url"},
    ),
    "Meta ad library API": (
        ["id", "ad_archive_id", "page_id", "page_name", "ad_creative_body",
         "ad_creation_time", "ad_delivery_start_time", "ad_snapshot_url",
         "publisher_platforms", "spend", "impressions", "currency"],
        {"text": "ad_creative_body", "id": "id", "author": "page_name",
         "created_at": "ad_delivery_start_time", "platform": "publisher_platforms",
         "url": "ad_snapshot_url"},
    ),
    "Instagram scrape (DMI sheet)": (
        ["Influencer", "Post URL", "Date Time", "Caption", "Likes", "Comments", "Image Name"],
        {"text": "Caption", "author": "Influencer", "created_at": "Date Time",
         "url": "Post URL"},
    ),
    "Instagram scrape (Apify)": (
        ["id", "type", "shortCode", "caption", "hashtags", "mentions", "url",
         "commentsCount", "displayUrl", "images", "likesCount", "timestamp",
         "ownerFullName", "ownerUsername", "ownerId"],
        {"text": "caption", "id": "id", "author": "ownerUsername", "created_at": "timestamp",
         "url": "url"},
    ),
    "scrape without ids, username and shortcode": (
        ["username", "shortcode", "caption", "taken_at", "display_url", "Image Name"],
        {"text": "caption", "id": "shortcode", "author": "username", "created_at": "taken_at"},
    ),
    "Label Studio JSON": (
        ["id", "data.id", "data.text", "annotations", "predictions", "created_at",
         "updated_at", "inner_id", "project"],
        {"text": "data.text", "id": "data.id", "created_at": "created_at"},
    ),
    "doccano JSONL": (
        ["id", "text", "label", "Comments"],
        {"text": "text", "id": "id"},
    ),
    "Prodigy JSONL": (
        ["text", "label", "answer", "_input_hash", "_task_hash", "_view_id", "meta.source"],
        {"text": "text"},
    ),
    "media columns are not the post's url": (
        ["message", "display_url", "thumbnail_url", "media_url", "image_url", "video_url",
         "full_picture", "Image Name"],
        {"text": "message"},
    ),
    "spreadsheet saved by hand": (
        ["Post ID", "POST_URL", "Screen Name", "dateTime", "Tweet", "Label"],
        {"text": "Tweet", "id": "Post ID", "author": "Screen Name", "created_at": "dateTime",
         "url": "POST_URL"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("shape", list(REAL_HEADERS))
def test_real_headers_map_to_the_right_fields(shape: str) -> None:
    columns, expected = REAL_HEADERS[shape]
    assert detect_mapping(columns, {}) == expected


# The names the issue lists, each alone beside a text column: it must be found.
SYNONYMS = {
    "author": ["Influencer", "username", "handle", "account", "channel", "creator",
               "page_name", "user", "screen_name", "author_name", "owner", "ownerUsername"],
    "created_at": ["Date Time", "posted_at", "timestamp", "date", "published",
                   "published_at", "created", "time", "taken_at"],
    "url": ["Post URL", "link", "permalink", "post_link"],
    "id": ["post_id", "tweet_id", "shortcode", "shortCode"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("field", "name"), [(f, n) for f, names in SYNONYMS.items() for n in names]
)
def test_each_synonym_is_found(field: str, name: str) -> None:
    assert detect_mapping(["caption", name], {})[field] == name


@pytest.mark.parametrize("name", ["caption", "message", "body", "content", "description", "tweet"])
def test_each_text_synonym_is_found(name: str) -> None:
    assert detect_mapping(["likes", name], {}) == {"text": name}


def test_names_compare_without_case_separators_or_camel_case() -> None:
    spellings = ["Date Time", "date_time", "dateTime", "DateTime", "date-time", " DATE_TIME "]
    assert {normalise_column_name(s) for s in spellings} == {"date_time"}
    for spelling in spellings:
        assert detect_mapping(["text", spelling], {})["created_at"] == spelling


def test_each_name_is_listed_for_one_field_only() -> None:
    """A name under two fields would silently go to the first: the table must not say both."""
    owner: dict[str, str] = {}
    for field, names in CANDIDATES.items():
        for name in names:
            key = normalise_column_name(name)
            assert owner.setdefault(key, field) == field, f"{name!r} is under two fields"


def test_a_sheet_header_below_title_rows_is_found_by_scrape_names(
    project: Project, tmp_path: Path
) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [
        ["Scrape of 2025-03-06"],
        [],
        ["Influencer", "Post URL", "Date Time", "Caption"],
        ["ann", "https://www.instagram.com/p/C3aaa111/", "02/03/2025 17:48:52", "hello #ad"],
    ]:
        sheet.append(row)
    workbook.save(tmp_path / "scrape.xlsx")
    report = import_dataset(project, tmp_path / "scrape.xlsx")
    assert report.column_mapping == {
        "text": "Caption",
        "author": "Influencer",
        "created_at": "Date Time",
        "url": "Post URL",
    }


# ----- platform from the url --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        ("https://www.instagram.com/p/C3aaa111/", "instagram"),
        ("https://twitter.com/ann/status/1050118621198921728", "twitter"),
        ("https://x.com/ann/status/1050118621198921728", "twitter"),
        ("https://mobile.twitter.com/ann/status/1", "twitter"),
        ("https://www.facebook.com/GlowCo/posts/123", "facebook"),
        ("https://m.facebook.com/story.php?id=1", "facebook"),
        ("https://fb.com/123", "facebook"),
        ("https://www.tiktok.com/@ann/video/7301", "tiktok"),
        ("https://vm.tiktok.com/ZMabc/", "tiktok"),
        ("https://www.youtube.com/watch?v=abc", "youtube"),
        ("https://youtu.be/abc", "youtube"),
        ("https://old.reddit.com/r/x/comments/abc/", "reddit"),
        ("https://www.linkedin.com/feed/update/urn:li:activity:1/", "linkedin"),
        ("https://t.me/somechannel/42", "telegram"),
        ("instagram.com/p/C3aaa111/", "instagram"),
        ("HTTPS://WWW.INSTAGRAM.COM/p/X/", "instagram"),
        ("https://example.com/post/1", None),
        ("https://notinstagram.com/p/1", None),
        ("https://instagram.com.evil.example/p/1", None),
        ("not a url at all", None),
        ("http://[::1", None),
        ("", None),
        (None, None),
    ],
)
def test_platform_of_url(url: str | None, platform: str | None) -> None:
    assert platform_of_url(url) == platform


def test_import_takes_the_platform_from_the_url_without_a_platform_column(
    project: Project, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "mixed.csv",
        "caption,Post URL\n"
        "one,https://www.instagram.com/p/C3aaa111/\n"
        "two,https://x.com/ann/status/1\n"
        "three,https://example.com/p/3\n"
        "four,\n",
    )
    import_dataset(project, path)
    with project.session() as session:
        assert [p.platform for p in iter_posts(session)] == ["instagram", "twitter", None, None]


def test_a_platform_column_wins_over_the_url(project: Project, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "with_platform.csv",
        "caption,Post URL,platform\none,https://www.instagram.com/p/C3aaa111/,threads\ntwo,,\n",
    )
    import_dataset(project, path)
    with project.session() as session:
        assert [p.platform for p in iter_posts(session)] == ["threads", None]
