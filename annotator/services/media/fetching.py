"""Fetching the pictures of posts that are web addresses, when the lead turned it on.

Import stores a URL as a picture with status "remote". This fetches each distinct URL
once (a thousand copy-paste posts showing one picture cost one request), hosts in turn
so one slow platform does not hold up the others, under each host's rate limit. Every
download goes through ``images.prepare_image`` like a file does (hostile pictures are
refused with their sentence) and is stored content-addressed; a batch of results is
committed every few pictures or seconds, so a cancel or a crash keeps what was fetched.
What did not work is kept on the picture ("HTTP 404", "timed out after 10 s"), shown on
the post and retried on request; nothing is ever a dialog per picture.
"""

from __future__ import annotations

import http.client
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.errors import ProjectBusyError, UserError
from annotator.domain.media import FAILED, REFUSED, REMOTE, STORED, MediaItem
from annotator.domain.progress import CancelToken, ProgressCallback, no_progress
from annotator.domain.web_pictures import fetching_off_sentence
from annotator.services.media.downloads import (
    Clock,
    DownloadFailed,
    FetchLimits,
    HostLimiter,
    RetryLater,
    download,
    host_of,
    pause,
)
from annotator.services.media.images import (
    PreparedImage,
    RefusedImage,
    content_hash,
    prepare_image,
)
from annotator.services.project.project_settings import fetch_media
from annotator.store import media as store_media
from annotator.store.engine import Project

#: Results committed together: small, so a cancel keeps nearly everything fetched and the
#: Label tab shows pictures as they arrive, yet not one transaction per picture.
BATCH_PICTURES = 10
#: A batch is also committed when this many seconds passed since the last one.
BATCH_SECONDS = 2.0
#: While another program holds the write lock: wait this long between attempts.
BUSY_PAUSE_S = 0.5

#: Called after each committed batch with the ids of posts whose pictures changed.
BatchCallback = Callable[[frozenset[int]], None]


@dataclass
class FetchReport:
    """What one fetch run did, counted in distinct URLs and in pictures of posts."""

    urls: int = 0
    stored: int = 0
    failed: int = 0
    refused: int = 0
    #: URLs whose bytes were already stored (another URL, an import): not stored again.
    already_stored: int = 0
    #: Pictures of posts (rows) whose status changed.
    pictures: int = 0
    cancelled: bool = False
    post_ids: set[int] = field(default_factory=set)

    @property
    def left(self) -> int:
        return self.urls - self.stored - self.failed - self.refused

    def summary(self) -> str:
        parts = [f"Fetched {self.stored:,} of {self.urls:,} picture addresses"]
        if self.failed:
            parts.append(f"{self.failed:,} failed (each post shows why; they can be retried)")
        if self.refused:
            parts.append(f"{self.refused:,} refused as not a picture we read")
        if self.already_stored:
            parts.append(f"{self.already_stored:,} were pictures the project already had")
        if self.cancelled:
            parts.append(f"cancelled with {self.left:,} left for next time")
        return "; ".join(parts) + "."

    def to_json(self) -> dict[str, Any]:
        return {
            "urls": self.urls,
            "stored": self.stored,
            "failed": self.failed,
            "refused": self.refused,
            "already_stored": self.already_stored,
            "pictures": self.pictures,
            "left": self.left,
            "cancelled": self.cancelled,
        }


@dataclass(frozen=True)
class MediaCounts:
    """How many pictures of the project wait on the web, failed, or are stored."""

    remote: int = 0
    failed: int = 0
    stored: int = 0
    other: int = 0


def media_status_counts(project: Project) -> MediaCounts:
    """The counts the fetch dialog shows."""
    with project.session() as session:
        counts = store_media.media_counts(session.connection())
    return MediaCounts(
        remote=counts.get(REMOTE, 0),
        failed=counts.get(FAILED, 0),
        stored=counts.get(STORED, 0),
        other=sum(n for status, n in counts.items() if status not in (REMOTE, FAILED, STORED)),
    )


@dataclass
class _Outcome:
    url: str
    status: str
    sha256: str | None = None
    message: str | None = None
    image: PreparedImage | None = None


class _Batch:
    """Outcomes waiting to be committed, and the hashes already stored or pending."""

    def __init__(self, project: Project, items: dict[str, list[MediaItem]]) -> None:
        self.project = project
        self.items = items
        self.pending: list[_Outcome] = []
        self.pending_hashes: set[str] = set()
        self.started = time.monotonic()

    def is_known(self, sha256: str) -> bool:
        if sha256 in self.pending_hashes:
            return True
        with self.project.session() as session:
            return bool(store_media.stored_hashes(session.connection(), [sha256]))

    def add(self, outcome: _Outcome) -> None:
        self.pending.append(outcome)
        if outcome.image is not None:
            self.pending_hashes.add(outcome.image.sha256)

    def due(self) -> bool:
        return len(self.pending) >= BATCH_PICTURES or (
            bool(self.pending) and time.monotonic() - self.started >= BATCH_SECONDS
        )

    def commit(self, cancel: CancelToken) -> frozenset[int]:
        """Store the pending outcomes in one transaction; wait while another program
        writes (a cancel then leaves them unstored, as if never fetched)."""
        if not self.pending:
            return frozenset()
        while True:
            try:
                posts = self._write()
                break
            except ProjectBusyError:
                if cancel.cancelled:
                    return frozenset()
                time.sleep(BUSY_PAUSE_S)
        self.pending, self.pending_hashes = [], set()
        self.started = time.monotonic()
        return posts

    def _write(self) -> frozenset[int]:
        posts: set[int] = set()
        with self.project.session() as session:
            connection = session.connection()
            store_media.insert_images(
                connection, [o.image.row() for o in self.pending if o.image is not None]
            )
            for outcome in self.pending:
                for item in self.items[outcome.url]:
                    store_media.set_media_outcome(
                        connection,
                        post_id=item.post_id,
                        position=item.position,
                        status=outcome.status,
                        image_sha256=outcome.sha256,
                        message=outcome.message,
                    )
                    posts.add(item.post_id)
            store_media.bump_media_version(connection)
        return frozenset(posts)


def _prepare(url: str, data: bytes, batch: _Batch) -> _Outcome:
    sha256 = content_hash(data)
    if batch.is_known(sha256):  # stored once, whatever number of URLs lead to it
        return _Outcome(url, STORED, sha256=sha256)
    try:
        image = prepare_image(data, sha256=sha256)
    except RefusedImage as refused:
        return _Outcome(url, REFUSED, message=str(refused))
    return _Outcome(url, STORED, sha256=sha256, image=image)


def fetch_pictures(
    project: Project,
    *,
    retry_failed: bool = False,
    limits: FetchLimits | None = None,
    clock: Clock | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    on_batch: BatchCallback | None = None,
) -> FetchReport:
    """Fetch the project's pictures that are still on the web ("remote"; with
    ``retry_failed`` also those that failed before). Refused with a sentence when the
    switch is off or the project is read-only.

    ``progress`` counts distinct URLs; ``on_batch`` hears the posts of each committed
    batch (the app refreshes them); ``cancel`` is checked between requests and stops
    after committing what was fetched."""
    if not fetch_media(project):
        raise UserError(fetching_off_sentence(project.location))
    project.refuse_if_read_only()
    limits = limits or FetchLimits()
    clock = clock or Clock()
    cancel = cancel or CancelToken()
    statuses = [REMOTE, FAILED] if retry_failed else [REMOTE]
    with project.session() as session:
        work = store_media.media_with_status(session.connection(), statuses)
    items: dict[str, list[MediaItem]] = {}
    for item in work:
        items.setdefault(item.source, []).append(item)
    queues: dict[str, deque[tuple[str, int]]] = {}
    for url in items:
        queues.setdefault(host_of(url), deque()).append((url, 0))
    report = FetchReport(urls=len(items))
    limiter = HostLimiter(limits, clock)
    batch = _Batch(project, items)
    progress(0, report.urls, "Fetching pictures")

    def flush() -> None:
        posts = batch.commit(cancel)
        report.post_ids |= posts
        if posts and on_batch is not None:
            on_batch(posts)

    while queues and not cancel.cancelled:
        # The host that may send soonest (hosts in turn, each under its own limit).
        host = min(queues, key=limiter.wait)
        delay = limiter.wait(host)
        if delay > 0:
            flush()  # nothing to fetch right now: show what arrived meanwhile
            pause(clock, delay, cancel)
            continue
        url, attempt = queues[host].popleft()
        if not queues[host]:
            del queues[host]
        outcome = _fetch_one(url, attempt, limits, limiter, cancel, batch, queues)
        if outcome is None:
            continue  # cancelled, or queued again after a 429/503
        batch.add(outcome)
        report.stored += outcome.status == STORED
        report.failed += outcome.status == FAILED
        report.refused += outcome.status == REFUSED
        report.already_stored += outcome.status == STORED and outcome.image is None
        report.pictures += len(items[url])
        done = report.stored + report.failed + report.refused
        progress(done, report.urls, f"{done:,} of {report.urls:,} pictures ({host})")
        if batch.due():
            flush()
    flush()
    report.cancelled = cancel.cancelled and report.left > 0
    return report


def _fetch_one(
    url: str,
    attempt: int,
    limits: FetchLimits,
    limiter: HostLimiter,
    cancel: CancelToken,
    batch: _Batch,
    queues: dict[str, deque[tuple[str, int]]],
) -> _Outcome | None:
    """One URL's outcome; None when cancelled or put back for a later retry."""
    try:
        data = download(url, limits, limiter, cancel)
    except RetryLater as busy:
        wait = busy.seconds if busy.seconds is not None else 2.0 ** (attempt + 1)
        if attempt >= limits.max_retries or wait > limits.max_retry_after:
            asked = f", asked to wait {wait:g} s" if busy.seconds is not None else ""
            return _Outcome(url, FAILED, message=f"{busy} (the site is busy{asked})")
        limiter.hold(host_of(url), wait)
        queues.setdefault(host_of(url), deque()).appendleft((url, attempt + 1))
        return None
    except DownloadFailed as failed:
        if cancel.cancelled:
            return None  # stays remote: it was not tried to the end
        return _Outcome(url, FAILED, message=str(failed))
    except (ValueError, http.client.HTTPException) as odd:
        # An address or an answer http.client cannot take (a hostile dataset or server):
        # that picture fails with the reason; the fetch goes on.
        return _Outcome(url, FAILED, message=f"could not be fetched ({odd})")
    return _prepare(url, data, batch)
