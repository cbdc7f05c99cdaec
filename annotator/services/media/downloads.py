"""Downloading one picture politely and defensively: public addresses only, timeouts, a
size cap, bounded redirects, and a per-host rate limit with back-off.

Why the standard library's ``http.client`` and not ``urllib.request`` or an extra library
(requests, httpx, none of which the app ships): refusing private addresses is only safe
when the connection goes to the very address that was checked. ``urllib`` and requests
resolve the host again themselves (a DNS answer that changes between the check and the
connection would reach the lead's network), follow redirects without asking us about
each target, and use one timeout for connecting and reading. ``http.client`` lets us
connect to the checked address while TLS still verifies the host name, follow each
redirect ourselves, and set the connect and read timeouts apart, in about a hundred lines.
"""

from __future__ import annotations

import email.utils
import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from annotator import __version__
from annotator.domain import web_pictures as limits
from annotator.domain.progress import CancelToken
from annotator.services.media.images import MAX_FILE_BYTES

_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024
#: Characters left as they are when an address is made ASCII (the reserved ones and %).
_SAFE = "/%:@!$&'()*+,;=?~"
#: Sleeps are cut in slices this long so a cancel is heard within them.
_SLICE_S = 0.1


class DownloadFailed(Exception):
    """A picture that could not be fetched; the message is the short reason on the post."""


class RetryLater(DownloadFailed):
    """The site answered 429 or 503: try again after ``seconds`` (None: it did not say)."""

    def __init__(self, message: str, seconds: float | None) -> None:
        super().__init__(message)
        self.seconds = seconds


@dataclass(frozen=True)
class FetchLimits:
    """The limits of one fetch run; tests shorten them, the app keeps the defaults."""

    per_host_rate: float = limits.PER_HOST_RATE
    per_host_burst: int = limits.PER_HOST_BURST
    connect_timeout: float = limits.CONNECT_TIMEOUT_S
    read_timeout: float = limits.READ_TIMEOUT_S
    total_timeout: float = limits.TOTAL_TIMEOUT_S
    max_bytes: int = MAX_FILE_BYTES
    max_redirects: int = limits.MAX_REDIRECTS
    max_retry_after: float = limits.MAX_RETRY_AFTER_S
    max_retries: int = limits.MAX_RETRIES
    #: Loopback addresses (127.0.0.1, ::1) allowed: only the tests' local server needs it.
    allow_loopback: bool = False
    user_agent: str = f"annotator/{__version__} (research annotation; fetches post pictures)"


@dataclass
class Clock:
    """Time for the rate limiter; tests pass one whose ``sleep`` only moves the time."""

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


def pause(clock: Clock, seconds: float, cancel: CancelToken) -> None:
    """Sleep ``seconds`` in short slices, stopping early when cancelled."""
    end = clock.now() + seconds
    while not cancel.cancelled:
        left = end - clock.now()
        if left <= 0:
            return
        clock.sleep(min(left, _SLICE_S))


@dataclass
class TokenBucket:
    """``rate`` requests a second with bursts of ``burst``; ``held_until`` pauses the host
    after a 429/503. A token bucket is a dozen lines; no library needed for it."""

    rate: float
    burst: int
    tokens: float
    updated: float
    held_until: float = 0.0

    def wait(self, now: float) -> float:
        """Seconds until a request may go (0: now)."""
        self._refill(now)
        missing = 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate
        return max(missing, self.held_until - now, 0.0)

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1

    def _refill(self, now: float) -> None:
        self.tokens = min(float(self.burst), self.tokens + (now - self.updated) * self.rate)
        self.updated = now


@dataclass
class HostLimiter:
    """One token bucket per host; records when each request went (tests read it)."""

    limits: FetchLimits
    clock: Clock
    buckets: dict[str, TokenBucket] = field(default_factory=dict)
    sent: list[tuple[str, float]] = field(default_factory=list)

    def bucket(self, host: str) -> TokenBucket:
        found = self.buckets.get(host)
        if found is None:
            now = self.clock.now()
            found = TokenBucket(
                self.limits.per_host_rate, self.limits.per_host_burst,
                float(self.limits.per_host_burst), now,
            )  # fmt: skip
            self.buckets[host] = found
        return found

    def wait(self, host: str) -> float:
        return self.bucket(host).wait(self.clock.now())

    def acquire(self, host: str, cancel: CancelToken) -> None:
        """Wait for the host's next token (a redirect hop to another host waits here)."""
        while not cancel.cancelled:
            delay = self.wait(host)
            if delay <= 0:
                now = self.clock.now()
                self.bucket(host).take(now)
                self.sent.append((host, now))
                return
            pause(self.clock, delay, cancel)

    def hold(self, host: str, seconds: float) -> None:
        bucket = self.bucket(host)
        bucket.held_until = max(bucket.held_until, self.clock.now() + seconds)


def host_of(url: str) -> str:
    """The rate limit's key: the host name as written, lower-cased."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # "http://[::1" and such: it fails when fetched, with a sentence
        return ""


def _allowed(address: str, limits_: FetchLimits) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return limits_.allow_loopback
    return ip.is_global and not ip.is_multicast


def public_addresses(host: str, port: int, limits_: FetchLimits) -> list[Any]:
    """The host's addresses, refused whole when any is not on the public internet: a
    hostile dataset must not make the app probe the lead's own network (routers,
    printers, 10.x servers, the machine itself)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise DownloadFailed(f"host {host} not found") from None
    for _family, _type, _proto, _name, sockaddr in found:
        if not _allowed(str(sockaddr[0]), limits_):
            raise DownloadFailed(
                f"refused: {host} is a local or private address ({sockaddr[0]}); "
                "only pictures on the public internet are fetched"
            )
    return [sockaddr for *_rest, sockaddr in found]


def _connection(url: str, limits_: FetchLimits) -> tuple[http.client.HTTPConnection, str]:
    """A connection to a checked address of the URL's host, and the request path."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        raise DownloadFailed("not a web address") from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise DownloadFailed("not a web address")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise DownloadFailed("not a web address (bad port)") from None
    addresses = public_addresses(hostname, port, limits_)

    def connect(_address: object, timeout: float, source: object = None) -> socket.socket:
        last: OSError | None = None
        for sockaddr in addresses:  # the checked addresses only, never a new lookup
            try:
                return socket.create_connection(sockaddr[:2], timeout)
            except OSError as error:
                last = error
        raise last or OSError("no address")

    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            hostname, port, timeout=limits_.connect_timeout,
            context=ssl.create_default_context(),
        )  # fmt: skip
    else:
        connection = http.client.HTTPConnection(hostname, port, timeout=limits_.connect_timeout)
    connection._create_connection = connect  # type: ignore[attr-defined]
    # Scrapes carry addresses with spaces and accents; the request line must be ASCII.
    path = quote(parts.path or "/", safe=_SAFE)
    return connection, f"{path}?{quote(parts.query, safe=_SAFE)}" if parts.query else path


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _megabytes(count: int) -> str:
    return f"{count // 1024**2} MB" if count >= 1024**2 else f"{count:,} bytes"


def _read_body(
    response: http.client.HTTPResponse, limits_: FetchLimits, deadline: float, cancel: CancelToken
) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > limits_.max_bytes:
        raise DownloadFailed(f"larger than {_megabytes(limits_.max_bytes)}")
    chunks: list[bytes] = []
    size = 0
    while True:
        if cancel.cancelled:
            raise DownloadFailed("cancelled")
        if time.monotonic() > deadline:
            raise DownloadFailed(f"took longer than {limits_.total_timeout:g} s")
        chunk = response.read1(_CHUNK)
        if not chunk:
            if length and length.strip().isdigit() and size < int(length):
                # Cut off: a network failure to retry, not a damaged picture to refuse.
                raise DownloadFailed(f"download broke off after {size:,} of {length} bytes")
            return b"".join(chunks)
        size += len(chunk)
        if size > limits_.max_bytes:  # stop reading: the rest never reaches memory
            raise DownloadFailed(f"larger than {_megabytes(limits_.max_bytes)}")
        chunks.append(chunk)


def download(url: str, limits_: FetchLimits, limiter: HostLimiter, cancel: CancelToken) -> bytes:
    """The bytes at ``url`` (following at most ``max_redirects`` redirects), or
    ``DownloadFailed`` with a short reason; ``RetryLater`` on 429 and 503."""
    deadline = time.monotonic() + limits_.total_timeout
    for _hop in range(limits_.max_redirects + 1):
        limiter.acquire(host_of(url), cancel)
        if cancel.cancelled:
            raise DownloadFailed("cancelled")
        connection, path = _connection(url, limits_)
        try:
            try:
                connection.connect()
            except TimeoutError:
                raise DownloadFailed(f"no connection after {limits_.connect_timeout:g} s") from None
            except ssl.SSLError as error:
                raise DownloadFailed(f"secure connection failed ({error.reason})") from None
            except ConnectionRefusedError:
                raise DownloadFailed("connection refused") from None
            except OSError as error:
                raise DownloadFailed(f"connection failed ({error})") from None
            assert connection.sock is not None
            connection.sock.settimeout(limits_.read_timeout)
            try:
                connection.request(
                    "GET",
                    path,
                    headers={"User-Agent": limits_.user_agent, "Accept": "image/*"},
                )
                response = connection.getresponse()
            except TimeoutError:
                raise DownloadFailed(f"timed out after {limits_.read_timeout:g} s") from None
            except (OSError, http.client.HTTPException) as error:
                raise DownloadFailed(f"connection failed ({error})") from None
            status = response.status
            if status in _REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise DownloadFailed(f"HTTP {status} without a new address")
                url = urljoin(url, location)
                continue
            if status in (429, 503):
                seconds = _retry_after(response.getheader("Retry-After"))
                raise RetryLater(f"HTTP {status}", seconds)
            if status != 200:
                raise DownloadFailed(f"HTTP {status}")
            try:
                return _read_body(response, limits_, deadline, cancel)
            except TimeoutError:
                raise DownloadFailed(f"timed out after {limits_.read_timeout:g} s") from None
            except (OSError, http.client.HTTPException) as error:
                raise DownloadFailed(f"download broke off ({error})") from None
        finally:
            connection.close()
    raise DownloadFailed(f"more than {limits_.max_redirects} redirects")
