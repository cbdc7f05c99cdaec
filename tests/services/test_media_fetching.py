"""Fetching pictures from URLs, against a server on the loopback address only."""

from __future__ import annotations

import pytest

from annotator.domain.changes import Change
from annotator.domain.errors import UserError
from annotator.domain.media import FAILED, REFUSED, STORED
from annotator.domain.progress import CancelToken
from annotator.domain.web_pictures import FETCH_PRIVACY
from annotator.services.media import fetching
from annotator.services.media.downloads import Clock, FetchLimits, public_addresses
from annotator.services.media.fetching import fetch_pictures, media_status_counts
from annotator.services.project.project_settings import fetch_media, set_fetch_media
from annotator.services.project.projects import Project, data_version
from annotator.store.media import media_of_post, stored_hashes
from tests.media_server import ServerState, add_remote_pictures, media_server

#: The tests' limits: loopback allowed (the only place the server is), short timeouts.
LOCAL = FetchLimits(allow_loopback=True, connect_timeout=2, read_timeout=0.5, max_bytes=1024 * 1024)


class FakeClock(Clock):
    """Time that moves only when the fetcher sleeps: rate limits tested without waiting."""

    def __init__(self) -> None:
        self.time = 1000.0
        super().__init__(now=lambda: self.time, sleep=self._sleep)

    def _sleep(self, seconds: float) -> None:
        self.time += seconds


def _outcomes(project: Project, where: dict[str, tuple[int, int]]) -> dict[str, tuple[str, str]]:
    """url -> (status, message) as the post shows it."""
    found = {}
    with project.session() as session:
        for url, (post_id, position) in where.items():
            item = media_of_post(session.connection(), post_id)[position]
            found[url] = (item.status, item.message or "")
    return found


def test_the_switch_is_off_by_default_and_fetching_then_refuses(small_project: Project) -> None:
    add_remote_pictures(small_project, ["http://127.0.0.1:9/pic/a.png"])
    assert not fetch_media(small_project)
    with pytest.raises(UserError) as refused:
        fetch_pictures(small_project, limits=LOCAL)
    assert "off for this project" in str(refused.value) and FETCH_PRIVACY in str(refused.value)
    assert media_status_counts(small_project).remote == 1


def test_pictures_are_stored_and_each_failure_keeps_its_reason(small_project: Project) -> None:
    set_fetch_media(small_project, True)
    with media_server() as server:
        paths = ["/pic/a.png", "/pic/b.png", "/redirect", "/missing", "/slow", "/huge",
                 "/huge-unsized", "/bomb", "/text", "/loop", "/cut", "/inward",
                 "/pic/café au lait.png"]  # fmt: skip
        where = add_remote_pictures(small_project, [server.url(p) for p in paths])
        before = data_version(small_project)
        batches: list[frozenset[int]] = []
        report = fetch_pictures(
            small_project, limits=LOCAL, clock=FakeClock(), on_batch=batches.append
        )
        got = {url.removeprefix(server.base): seen for url, seen in _outcomes(
            small_project, where).items()}  # fmt: skip
    assert got["/pic/a.png"][0] == got["/pic/b.png"][0] == got["/redirect"][0] == STORED
    assert got["/missing"] == (FAILED, "HTTP 404")
    assert got["/slow"] == (FAILED, "timed out after 0.5 s")
    assert got["/huge"] == (FAILED, "larger than 1 MB")
    assert got["/huge-unsized"] == (FAILED, "larger than 1 MB")
    assert got["/loop"] == (FAILED, "more than 5 redirects")
    assert got["/inward"][0] == FAILED and "private address (10.255.255.1)" in got["/inward"][1]
    assert got["/pic/café au lait.png"][0] == STORED  # sent as /pic/caf%C3%A9%20au%20lait.png
    assert got["/cut"] == (FAILED, "download broke off after 100 of 5000 bytes")
    assert got["/bomb"][0] == REFUSED and "decompression bomb" in got["/bomb"][1]
    assert got["/text"][0] == REFUSED and "not a picture" in got["/text"][1]
    assert (report.urls, report.stored, report.failed, report.refused) == (13, 4, 7, 2)
    assert set().union(*batches) == report.post_ids and report.post_ids
    assert data_version(small_project).changed_since(before) & Change.MEDIA
    counts = media_status_counts(small_project)
    assert (counts.stored, counts.failed, counts.remote) == (4, 7, 0)


def test_addresses_that_are_not_web_addresses_fail_with_a_reason(small_project: Project) -> None:
    set_fetch_media(small_project, True)
    odd = ["http://[::1", "http://", "https://:80/x.png", "http://host:99999/x.png"]
    where = add_remote_pictures(small_project, odd)
    report = fetch_pictures(small_project, limits=LOCAL, clock=FakeClock())
    assert report.failed == 4
    assert {message for _status, message in _outcomes(small_project, where).values()} <= {
        "not a web address", "not a web address (bad port)"
    }  # fmt: skip


def test_one_picture_is_fetched_once_and_stored_once(small_project: Project) -> None:
    """Copy-paste posts share a URL (one request); two URLs of the same bytes share a row."""
    set_fetch_media(small_project, True)
    with media_server() as server:
        urls = [server.url("/same/1"), server.url("/same/2")] * 3
        add_remote_pictures(small_project, urls)
        report = fetch_pictures(small_project, limits=LOCAL)
        assert server.hits("/same/1") == server.hits("/same/2") == 1
    assert (report.urls, report.stored, report.already_stored, report.pictures) == (2, 2, 1, 6)
    with small_project.session() as session:
        connection = session.connection()
        hashes = {
            item.image_sha256 for post_id in report.post_ids
            for item in media_of_post(connection, post_id)
        }  # fmt: skip
        assert len(hashes) == 1 and stored_hashes(connection, hashes) == hashes
    assert media_status_counts(small_project).stored == 6


def test_local_and_private_addresses_are_refused_unless_loopback_is_allowed(
    small_project: Project,
) -> None:
    set_fetch_media(small_project, True)
    with media_server() as server:
        where = add_remote_pictures(small_project, [server.url("/pic/a.png")])
        fetch_pictures(small_project, limits=FetchLimits(read_timeout=0.5))
        assert server.hits("/pic/a.png") == 0  # refused before any connection
    status, message = next(iter(_outcomes(small_project, where).values()))
    assert status == FAILED and "local or private address (127.0.0.1)" in message
    for host in ("10.1.2.3", "192.168.0.1", "172.16.5.4", "169.254.169.254", "::1",
                 "::ffff:127.0.0.1", "100.64.0.1", "0.0.0.0", "fd00::1"):  # fmt: skip
        with pytest.raises(fetching.DownloadFailed, match="local or private"):
            public_addresses(host, 80, FetchLimits())
    assert public_addresses("8.8.8.8", 80, FetchLimits())


def test_a_busy_site_is_retried_after_its_retry_after(small_project: Project) -> None:
    set_fetch_media(small_project, True)
    clock = FakeClock()
    with media_server(ServerState(retry_after="3", busy_times=1)) as server:
        where = add_remote_pictures(small_project, [server.url("/busy")])
        started = clock.time
        report = fetch_pictures(small_project, limits=LOCAL, clock=clock)
        assert server.hits("/busy") == 2
    assert report.stored == 1 and clock.time - started >= 3
    assert next(iter(_outcomes(small_project, where).values()))[0] == STORED


def test_a_site_asking_for_too_long_a_wait_fails_and_is_retried_on_request(
    small_project: Project,
) -> None:
    set_fetch_media(small_project, True)
    clock = FakeClock()
    with media_server(ServerState(retry_after="3600", busy_times=1)) as server:
        where = add_remote_pictures(small_project, [server.url("/busy")])
        fetch_pictures(small_project, limits=LOCAL, clock=clock)
        assert clock.time < 1000 + LOCAL.max_retry_after  # it did not wait an hour
        assert _outcomes(small_project, where)[server.url("/busy")] == (
            FAILED, "HTTP 429 (the site is busy, asked to wait 3600 s)"
        )  # fmt: skip
        assert fetch_pictures(small_project, limits=LOCAL, clock=clock).urls == 0
        again = fetch_pictures(small_project, limits=LOCAL, clock=clock, retry_failed=True)
    assert again.stored == 1
    assert _outcomes(small_project, where)[server.url("/busy")][0] == STORED


def test_each_host_gets_at_most_its_rate(small_project: Project) -> None:
    """Two hosts (127.0.0.1 and localhost), 2 requests/s each after a burst of 2: the
    requests' times on the fake clock show the limit, and hosts take turns."""
    set_fetch_media(small_project, True)
    clock = FakeClock()
    with media_server() as server:
        port = server.base.rsplit(":", 1)[1]
        urls = [f"http://{host}:{port}/pic/{host[0]}{n}.png" for host in ("127.0.0.1",
                "localhost") for n in range(6)]  # fmt: skip
        add_remote_pictures(small_project, urls)
        limiter_sent: list[tuple[str, float]] = []
        original = fetching.HostLimiter

        class Recording(original):  # type: ignore[misc, valid-type]
            def __init__(self, *args: object, **kwargs: object) -> None:
                super().__init__(*args, **kwargs)
                self.sent = limiter_sent

        fetching.HostLimiter = Recording  # type: ignore[misc]
        try:
            report = fetch_pictures(small_project, limits=LOCAL, clock=clock)
        finally:
            fetching.HostLimiter = original  # type: ignore[misc]
    assert report.stored == 12
    for host in ("127.0.0.1", "localhost"):
        times = [at for name, at in limiter_sent if name == host]
        assert len(times) == 6
        # In any window of one second a host gets at most burst + rate requests.
        for index, at in enumerate(times):
            assert sum(1 for other in times[index:] if other < at + 1 - 1e-9) <= 2 + 2
        assert times[-1] - times[0] >= (6 - 2) / 2 - 1e-6  # 4 more at 2/s: 2 s at least
    # Total time is about one host's share, not both hosts' added up: they take turns.
    assert limiter_sent[-1][1] - limiter_sent[0][1] < 3


def test_cancel_keeps_what_was_fetched(
    small_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_fetch_media(small_project, True)
    monkeypatch.setattr(fetching, "BATCH_PICTURES", 2)
    cancel = CancelToken()
    with media_server() as server:
        add_remote_pictures(small_project, [server.url(f"/pic/c{n}.png") for n in range(8)])
        report = fetch_pictures(
            small_project, limits=LOCAL, clock=FakeClock(), cancel=cancel,
            on_batch=lambda _posts: cancel.cancel(),
        )  # fmt: skip
    assert report.cancelled and report.stored == 2 and report.left == 6
    counts = media_status_counts(small_project)
    assert (counts.stored, counts.remote, counts.failed) == (2, 6, 0)


def test_a_read_only_or_switched_off_project_says_so(small_project: Project) -> None:
    add_remote_pictures(small_project, ["http://127.0.0.1:9/pic/a.png"])
    set_fetch_media(small_project, True)
    set_fetch_media(small_project, False)
    with pytest.raises(UserError, match=r"fetch-media .* --enable"):
        fetch_pictures(small_project)
    set_fetch_media(small_project, True)
    read_only = Project(small_project.engine, small_project.location, read_only=True)
    with pytest.raises(UserError, match="read-only"):
        fetch_pictures(read_only)
    with pytest.raises(UserError, match="read-only"):
        set_fetch_media(read_only, False)
    assert media_status_counts(small_project).remote == 1


def test_fetching_on_both_stores(store_target: str) -> None:
    """The batch writes and the media version work on SQLite and PostgreSQL alike."""
    from annotator.services.imports.importing import import_dataset
    from annotator.services.project.projects import init_project
    from tests.conftest import SMALL_CSV, write_csv

    project = init_project(store_target)
    try:
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            import_dataset(project, write_csv(Path(folder) / "small.csv", SMALL_CSV))
        set_fetch_media(project, True)
        with media_server() as server:
            add_remote_pictures(project, [server.url("/pic/a.png"), server.url("/missing")])
            before = data_version(project)
            report = fetch_pictures(project, limits=LOCAL, clock=FakeClock())
        assert (report.stored, report.failed) == (1, 1)
        assert data_version(project).media == before.media + 1
        fetch_pictures(project, limits=LOCAL, clock=FakeClock(), retry_failed=True)
        assert data_version(project).media == before.media + 2
    finally:
        project.close()
