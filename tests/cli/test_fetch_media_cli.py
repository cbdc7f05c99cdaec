"""``annotator fetch-media``: the switch, its privacy sentence, and a fetch (loopback only)."""

from __future__ import annotations

import functools
import json
import os
import signal
import threading

import pytest

from annotator.domain.web_pictures import FETCH_PRIVACY
from annotator.services.media import fetching
from annotator.services.media.downloads import FetchLimits
from annotator.services.media.fetching import media_status_counts
from annotator.services.project.project_settings import fetch_media, set_fetch_media
from annotator.services.project.projects import Project
from tests.cli.conftest import CliRunner
from tests.conftest import REPO
from tests.media_server import ServerState, add_remote_pictures, media_server


def _flat(text: str) -> str:
    """argparse wraps help text: compare with the spaces evened out."""
    return " ".join(text.split())


def test_help_and_enable_say_what_fetching_tells_the_platforms(
    cli: CliRunner, small_project: Project
) -> None:
    location = small_project.location
    assert FETCH_PRIVACY in _flat(cli("fetch-media", "--help").stdout)
    assert "fetch-media" in cli("--help").stdout
    on = cli("fetch-media", location, "--enable")
    assert FETCH_PRIVACY in _flat(on.stdout) and "is on" in on.stdout
    assert fetch_media(small_project)
    off = cli("fetch-media", location, "--disable")
    assert "is off" in off.stdout and not fetch_media(small_project)


def test_the_readme_and_the_lead_guide_quote_the_same_sentence() -> None:
    """The sentence is written once in the code; the docs quote it word for word."""
    for doc in ("README.md", "docs/lead-guide.md"):
        text = (REPO / doc).read_text(encoding="utf-8").replace("\n> ", " ")
        assert FETCH_PRIVACY in _flat(text), doc


def test_fetching_with_the_switch_off_is_one_sentence_and_exit_2(
    cli: CliRunner, small_project: Project
) -> None:
    add_remote_pictures(small_project, ["http://127.0.0.1:9/pic/a.png"])
    refused = cli("fetch-media", small_project.location, check=False)
    assert refused.returncode == 2
    assert "off for this project" in refused.stderr and "--enable" in refused.stderr
    assert "Traceback" not in refused.stderr
    both = cli("fetch-media", small_project.location, "--enable", "--disable", check=False)
    assert both.returncode == 2


def test_fetch_stores_pictures_and_reports_failures_as_json(
    cli: CliRunner, small_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app never fetches from this computer; the test server is only on loopback.
    local = functools.partial(FetchLimits, allow_loopback=True, per_host_rate=100.0)
    monkeypatch.setattr(fetching, "FetchLimits", local)
    location = small_project.location
    with media_server() as server:
        add_remote_pictures(
            small_project, [server.url("/pic/a.png"), server.url("/missing"), server.url("/bomb")]
        )
        cli("fetch-media", location, "--enable")
        report = json.loads(cli("fetch-media", location, "--json").stdout)
        assert (report["urls"], report["stored"], report["failed"], report["refused"]) == (
            3,
            1,
            1,
            1,
        )
        again = cli("fetch-media", location, "--retry-failed")
        assert "Fetched 0 of 1" in again.stdout and "1 failed" in again.stdout
        assert server.hits("/missing") == 2 and server.hits("/pic/a.png") == 1
    counts = media_status_counts(small_project)
    assert (counts.stored, counts.failed, counts.other) == (1, 1, 1)


def test_ctrl_c_stops_after_the_picture_under_way_and_keeps_what_was_fetched(
    cli: CliRunner, small_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = functools.partial(FetchLimits, allow_loopback=True, per_host_rate=100.0)
    monkeypatch.setattr(fetching, "FetchLimits", local)
    monkeypatch.setattr(fetching, "BATCH_PICTURES", 1)
    set_fetch_media(small_project, True)
    with media_server(ServerState(slow_seconds=0.2)) as server:
        add_remote_pictures(small_project, [server.url(f"/slow?{n}") for n in range(20)])
        timer = threading.Timer(0.7, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        try:
            result = cli("fetch-media", small_project.location)
        finally:
            timer.cancel()
    assert "stopping after the picture under way" in result.stderr
    assert "cancelled with" in result.stdout
    counts = media_status_counts(small_project)
    assert counts.stored >= 1 and counts.remote >= 1 and counts.failed == 0
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
