"""Numeric dates as scrapers write them ("02/03/2025 17:48:52"): the order of day and month
is decided by the whole column, stored as ISO 8601, and the text as written is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.post_time import DateOrderEvidence, decide_date_order, numeric_time_iso
from annotator.domain.queue_modes import QueueMode
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.labeling.browsing import browse_rows
from annotator.services.project.projects import Project
from annotator.store.queries import iter_posts
from tests.cli.conftest import CliRunner
from tests.cli.conftest import cli as in_process_cli
from tests.conftest import write_csv

cli = in_process_cli  # the command line run in this process, as in tests/cli

#: The shape of a Dutch Instagram scrape: no id column, a Post URL per row, the time in
#: the scraper's locale. Only row 4 (29/01/2025) shows that the day comes first.
DUTCH_SCRAPE = (
    "Influencer,Post URL,Date Time,Caption,Likes\n"
    "lisa.vd.berg,https://www.instagram.com/p/C3xA1/,02/03/2025 17:48:52,Nieuwe look! #ad,120\n"
    "lisa.vd.berg,https://www.instagram.com/p/C1yB2/,29/10/2024 08:01:10,Herfstwandeling,88\n"
    "sanne_eet,https://www.instagram.com/p/C2zC3/,29/01/2025 12:00:00,Lekker ontbijt,301\n"
    "sanne_eet,https://www.instagram.com/p/C1wD4/,05/11/2024 21:15:00,Gesponsord door X,45\n"
)
UNDECIDED_SCRAPE = (
    "Influencer,Post URL,Date Time,Caption\n"
    "lisa.vd.berg,https://www.instagram.com/p/C3xA1/,02/03/2025 17:48:52,Nieuwe look! #ad\n"
    "sanne_eet,https://www.instagram.com/p/C1wD4/,05/11/2024 21:15:00,Gesponsord door X\n"
)


def _scrape(tmp_path: Path, text: str) -> Path:
    return write_csv(tmp_path / "scrapping_dmi.csv", text)


def _times(project: Project) -> dict[str, tuple[str | None, object]]:
    with project.session() as session:
        return {
            post.text: (post.created_at, post.extra.get("created_at_original"))
            for post in iter_posts(session)
        }


def test_one_day_over_twelve_decides_the_whole_column(project: Project, tmp_path: Path) -> None:
    report = import_dataset(
        project, _scrape(tmp_path, DUTCH_SCRAPE), ImportOptions(time_col="Date Time")
    )
    assert _times(project) == {
        "Nieuwe look! #ad": ("2025-03-02T17:48:52", "02/03/2025 17:48:52"),
        "Herfstwandeling": ("2024-10-29T08:01:10", "29/10/2024 08:01:10"),
        "Lekker ontbijt": ("2025-01-29T12:00:00", "29/01/2025 12:00:00"),
        "Gesponsord door X": ("2024-11-05T21:15:00", "05/11/2024 21:15:00"),
    }
    assert report.time_note is not None and "day/month" in report.time_note
    assert "row 3" in report.time_note  # 29/10/2024, the first value that decides


def test_browse_sorts_day_first_times_by_date(project: Project, tmp_path: Path) -> None:
    import_dataset(project, _scrape(tmp_path, DUTCH_SCRAPE), ImportOptions(time_col="Date Time"))
    rows = browse_rows(project, QueueMode("all"), None, sort="created_at")
    assert [row.text for row in rows] == [
        "Herfstwandeling",  # 29/10/2024
        "Gesponsord door X",  # 05/11/2024
        "Lekker ontbijt",  # 29/01/2025: as text it sorted before 29/10/2024
        "Nieuwe look! #ad",  # 02/03/2025
    ]


def test_the_original_column_comes_back_on_export(
    cli: CliRunner, tmp_path: Path, project: Project
) -> None:
    import pandas as pd

    cli(
        "import",
        project.location,
        _scrape(tmp_path, DUTCH_SCRAPE),
        "--time-col",
        "Date Time",
        "--no-clusters",
    )
    out = tmp_path / "posts.csv"
    cli("export", project.location, out)
    exported = pd.read_csv(out, dtype=str, encoding="utf-8-sig").set_index("text")
    assert exported.loc["Lekker ontbijt", "created_at"] == "2025-01-29T12:00:00"
    assert exported.loc["Lekker ontbijt", "created_at_original"] == "29/01/2025 12:00:00"


def test_an_undecided_column_says_which_order_it_assumed(
    cli: CliRunner, tmp_path: Path, project: Project
) -> None:
    result = cli(
        "import",
        project.location,
        _scrape(tmp_path, UNDECIDED_SCRAPE),
        "--time-col",
        "Date Time",
        "--no-clusters",
    )
    assert (
        "Times like 02/03/2025 17:48:52 read as day/month (nothing in the column decided; "
        "use --dayfirst/--monthfirst)." in result.stdout
    )
    assert _times(project)["Nieuwe look! #ad"][0] == "2025-03-02T17:48:52"


def test_monthfirst_reads_an_undecided_column_the_other_way(
    cli: CliRunner, tmp_path: Path, project: Project
) -> None:
    result = cli(
        "import",
        project.location,
        _scrape(tmp_path, UNDECIDED_SCRAPE),
        "--time-col",
        "Date Time",
        "--monthfirst",
        "--no-clusters",
    )
    assert "read as month/day (--monthfirst)" in result.stdout
    assert _times(project)["Nieuwe look! #ad"][0] == "2025-02-03T17:48:52"


def test_a_stated_order_the_column_contradicts_is_refused(
    cli: CliRunner, tmp_path: Path, project: Project
) -> None:
    result = cli(
        "import",
        project.location,
        _scrape(tmp_path, DUTCH_SCRAPE),
        "--time-col",
        "Date Time",
        "--monthfirst",
        "--no-clusters",
        check=False,
    )
    assert result.returncode == 2
    assert "scrapping_dmi.csv, row 3, column 'Date Time'" in result.stderr
    assert "'29/10/2024 08:01:10' cannot be read as month/day" in result.stderr
    assert "Traceback" not in result.stderr
    assert _times(project) == {}  # nothing imported


def test_contradicting_values_keep_the_column_as_text(project: Project, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "mixed.csv",
        "id,text,date\n1,a,29/01/2025 10:00\n2,b,01/29/2025 10:00\n3,c,02/03/2025 10:00\n",
    )
    report = import_dataset(project, path)
    assert _times(project) == {
        "a": ("29/01/2025 10:00", None),
        "b": ("01/29/2025 10:00", None),
        "c": ("02/03/2025 10:00", None),
    }
    assert report.time_note == (
        "Times in 'date' kept as text: 29/01/2025 10:00 (row 2) is day/month but "
        "01/29/2025 10:00 (row 3) is month/day."
    )


def test_iso_and_twitter_times_are_unchanged(project: Project, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "tweets.csv",
        "id_str,text,created_at\n"
        "1,iso,2020-02-14T18:03:11Z\n"
        '2,twitter,"Wed Oct 10 20:19:24 +0000 2018"\n'
        "3,free,Sunday lunchtime\n",
    )
    report = import_dataset(project, path)
    assert _times(project) == {
        "iso": ("2020-02-14T18:03:11Z", None),
        "twitter": ("2018-10-10T20:19:24+00:00", None),
        "free": ("Sunday lunchtime", None),
    }
    assert report.time_note is None
    assert not any("day/month" in line for line in report.details())


@pytest.mark.parametrize(
    ("written", "day_first", "iso"),
    [
        ("02/03/2025 17:48:52", True, "2025-03-02T17:48:52"),
        ("02/03/2025 17:48:52", False, "2025-02-03T17:48:52"),
        ("2.3.2025", True, "2025-03-02"),
        ("3/2/2025 5:48 PM", False, "2025-03-02T17:48:00"),
        ("3/2/2025 12:05 am", False, "2025-03-02T00:05:00"),
        ("02-03-2025, 17:48:52.25", True, "2025-03-02T17:48:52.250000"),
        ("31/02/2025", True, None),  # no 31 February: kept as written
        ("02/03/2025 25:00", True, None),
        ("2025-03-02", True, None),  # ISO is not a numeric day/month date
    ],
)
def test_numeric_times_read_in_a_given_order(written: str, day_first: bool, iso: str) -> None:
    assert numeric_time_iso(written, day_first=day_first) == iso


def test_the_first_deciding_row_is_named() -> None:
    evidence = DateOrderEvidence("Date Time")
    for row, value in enumerate(["02/03/2025", None, "Sunday", "3/13/2025", "4/14/2025"], 2):
        evidence.observe(row, value)
    order = decide_date_order(evidence, stated=None)
    assert order.day_first is False
    assert order.note == "Times like 02/03/2025 read as month/day (3/13/2025 on row 5 decided)."


def test_a_column_without_numeric_dates_needs_no_order() -> None:
    evidence = DateOrderEvidence("created_at")
    evidence.observe(2, "2020-02-14T18:03:11Z")
    assert decide_date_order(evidence, stated=True).note is None
    evidence.observe(3, "13/02/2020")
    with pytest.raises(UserError, match="row 3, column 'created_at'"):
        decide_date_order(evidence, stated=False)
