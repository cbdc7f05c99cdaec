"""The contract of long jobs: a progress callback and a cancel token, no Qt."""

from __future__ import annotations

import threading
from collections.abc import Callable

from annotator.domain.errors import CancelledError

#: Called with (done, total, message); total is 0 when unknown.
ProgressCallback = Callable[[int, int, str], None]


def no_progress(done: int, total: int, message: str) -> None:
    """Progress sink for callers that do not show progress."""


class CancelToken:
    """Thread-safe flag a worker polls; the UI sets it from the GUI thread."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise CancelledError("cancelled")
