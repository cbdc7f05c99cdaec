"""Ids a spreadsheet rounded (`1.22987E+18`): refused, with the way on; `--id-col ""` takes it."""

from __future__ import annotations

from pathlib import Path

from annotator.services.project.projects import Project
from annotator.store.queries import iter_posts
from tests.cli.conftest import CliRunner
from tests.cli.conftest import cli as in_process_cli
from tests.conftest import write_csv

cli = in_process_cli  # the command line run in this process, as in tests/cli

#: Tweets saved by Excel: the 19-digit ids became one rounded value shared by many rows.
EXCEL_TWEETS = (
    "id,text,screen_name,created_at\n"
    "1.22987E+18,Proud to stand with Dana Rivera! #Rivera2020,ana_r,2020-02-14T18:03:11Z\n"
    "1.22987E+18,Loving this serum from @glowco use code GLOW20,glow_fan,2020-02-14T18:04:02Z\n"
    "1.22987E+18,Paid for by Rivera for America. Vote on Tuesday!,rivera,2020-02-14T18:05:40Z\n"
)


def _texts(project: Project) -> list[str]:
    with project.session() as session:
        return [post.text for post in iter_posts(session)]


def test_the_refusal_says_how_to_go_on(cli: CliRunner, project: Project, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "tweets_excel.csv", EXCEL_TWEETS)
    result = cli("import", project.location, path, "--no-clusters", check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("annotator: error: tweets_excel.csv, row 2, column 'id': ")
    assert "'1.22987E+18' looks like a number a spreadsheet rounded" in result.stderr
    assert '--id-col ""' in result.stderr
    assert result.stderr.count("\n") == 1  # one sentence, no traceback
    assert _texts(project) == []


def test_id_col_empty_imports_every_row_and_keeps_the_damaged_ids(
    cli: CliRunner, project: Project, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "tweets_excel.csv", EXCEL_TWEETS)
    result = cli("import", project.location, path, "--id-col", "", "--no-clusters")
    assert "read 3, imported 3" in result.stdout
    with project.session() as session:
        posts = list(iter_posts(session))
    assert len({post.external_id for post in posts}) == 3
    assert [post.extra["id"] for post in posts] == ["1.22987E+18"] * 3
