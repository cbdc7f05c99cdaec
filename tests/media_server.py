"""A picture server on the loopback address for the fetching tests (never the internet).

``http.server`` in a thread on 127.0.0.1, port 0 (the system picks a free one). Paths:
``/pic/NAME.png`` a picture (NAME picks its colour), ``/same/N`` one picture under many
addresses, ``/slow`` answers after ``slow_seconds``, ``/huge`` and ``/huge-unsized`` more
bytes than the limit (with and without Content-Length), ``/cut`` ends before its
Content-Length, ``/missing`` 404, ``/busy`` 429 with Retry-After the first ``busy_times``
times, ``/redirect``, ``/inward`` (to 10.255.255.1) and ``/loop``
redirects, ``/bomb`` a decompression bomb, ``/text`` an
HTML page.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.media_images import decompression_bomb, picture

COLORS = ("red", "green", "blue", "yellow", "purple", "orange", "white", "black")


@dataclass
class ServerState:
    """What the server was asked, and knobs the tests turn."""

    slow_seconds: float = 2.0
    huge_bytes: int = 3 * 1024 * 1024
    retry_after: str = "1"
    busy_times: int = 1
    requests: list[str] = field(default_factory=list)
    busy_seen: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class MediaServer:
    base: str
    state: ServerState

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def hits(self, path: str) -> int:
        """Requests for ``path`` (any query)."""
        with self.state.lock:
            return sum(1 for seen in self.state.requests if seen.split("?")[0] == path)


def _handler(state: ServerState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests read ``state.requests`` instead."""

        def _send(self, status: int, body: bytes, kind: str = "image/png", **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]  # a query only makes addresses distinct
            with state.lock:
                state.requests.append(self.path)
            if path.startswith("/pic/"):
                name = path.rsplit("/", 1)[-1].split(".")[0]
                color = COLORS[sum(map(ord, name)) % len(COLORS)]
                self._send(200, picture(80 + len(name), 60, color))
            elif path.startswith("/same/"):
                self._send(200, picture(90, 70, "green"))
            elif path == "/slow":
                time.sleep(state.slow_seconds)
                self._send(200, picture())
            elif path == "/huge":
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(state.huge_bytes))
                self.end_headers()  # the client refuses before any body is sent
            elif path == "/huge-unsized":
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    block = b"\0" * 65536
                    for _ in range(state.huge_bytes // len(block) + 2):
                        self.wfile.write(block)
                except OSError:
                    pass  # the client stopped reading at the limit
                self.close_connection = True
            elif path == "/cut":
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", "5000")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(picture()[:100])
                self.close_connection = True
            elif path == "/missing":
                self._send(404, b"not here", "text/plain")
            elif path == "/busy":
                with state.lock:
                    state.busy_seen += 1
                    busy = state.busy_seen <= state.busy_times
                if busy:
                    self._send(429, b"slow down", "text/plain", Retry_After=state.retry_after)
                else:
                    self._send(200, picture(70, 50, "purple"))
            elif path == "/redirect":
                self._send(302, b"", "text/plain", Location="/pic/redirected.png")
            elif path == "/inward":  # a public page sending the fetcher into the LAN
                self._send(302, b"", "text/plain", Location="http://10.255.255.1/router.png")
            elif path == "/loop":
                self._send(302, b"", "text/plain", Location="/loop")
            elif path == "/bomb":
                self._send(200, decompression_bomb())
            elif path == "/text":
                self._send(200, b"<html>not a picture</html>", "text/html")
            else:
                self._send(404, b"", "text/plain")

    return Handler


@contextmanager
def media_server(state: ServerState | None = None) -> Iterator[MediaServer]:
    """Serve on 127.0.0.1 for the block; the thread stops after it."""
    state = state or ServerState()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield MediaServer(f"http://127.0.0.1:{server.server_address[1]}", state)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def add_remote_pictures(project: object, urls: list[str]) -> dict[str, tuple[int, int]]:
    """Give the project's posts these URLs as "remote" pictures, as import does: one per
    post in turn, positions counting up. Returns url -> (post id, position) of its first use."""
    from annotator.domain.media import REMOTE
    from annotator.store.engine import Project
    from annotator.store.media import insert_post_media
    from annotator.store.queries import post_ids

    assert isinstance(project, Project)
    with project.session() as session:
        ids = list(post_ids(session))
        rows, where = [], {}
        for index, url in enumerate(urls):
            post_id, position = ids[index % len(ids)], index // len(ids)
            rows.append(
                {"post_id": post_id, "position": position, "source_column": "image_url",
                 "source": url, "status": REMOTE}
            )  # fmt: skip
            where.setdefault(url, (post_id, position))
        insert_post_media(session.connection(), rows)
    return where
