"""A database server that accepts the connection and never answers gets a sentence, soon."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

import annotator.store.engine as engine
from annotator.domain.errors import ProjectError
from annotator.services.project.projects import open_project


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


def test_a_silent_server_is_refused_in_a_sentence_within_the_timeout(
    silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("psycopg")
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT_S", 2)
    url = f"postgresql+psycopg://ana:secret@127.0.0.1:{silent_server}/study"
    started = time.monotonic()
    with pytest.raises(ProjectError) as refused:
        open_project(url)
    assert time.monotonic() - started < 10
    message = str(refused.value)
    assert "cannot connect" in message and "timeout" in message.lower()
    assert "secret" not in message and "\n" not in message
