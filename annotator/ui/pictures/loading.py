"""Loading pictures off the GUI thread, keeping only the answer to the latest question.

Each request cancels the one before it (a queued job then never runs) and a result that
arrives for a request no longer current is dropped, so walking posts quickly never shows
the picture of a post already left, and a keypress never waits for a decode.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QImage, QPixmap

from annotator.domain.progress import CancelToken
from annotator.services.media.viewing import Pixels
from annotator.ui.tasks import Operation, TaskRunner

T = TypeVar("T")


def to_pixmap(pixels: Pixels) -> QPixmap:
    """Wrap decoded pixels (cheap: the worker already fitted them to their box)."""
    image = QImage(
        pixels.rgba, pixels.width, pixels.height, pixels.width * 4, QImage.Format.Format_RGBA8888
    )
    return QPixmap.fromImage(image)  # copies, so ``pixels`` may go


class LatestLoader(Generic[T]):
    """Runs one read at a time for ``owner``; only the latest request's result is kept."""

    def __init__(self, owner: QObject, tasks: TaskRunner) -> None:
        self.owner = owner
        self.tasks = tasks
        self._token: CancelToken | None = None
        self._generation = 0

    def load(
        self,
        job: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Start ``job`` on a pool thread; ``done`` gets its result if still wanted."""
        self.cancel()
        generation = self._generation

        def arrived(result: T) -> None:
            if generation == self._generation:
                self._token = None
                done(result)

        def went_wrong(error: BaseException) -> None:
            if generation == self._generation:
                self._token = None
                if failed is not None:
                    failed(error)

        self._token = self.tasks.run(
            Operation(
                job=lambda _progress, _cancel: job(),
                on_success=arrived,
                on_error=went_wrong,
                owner=self.owner,
            )
        )

    def cancel(self) -> None:
        """Forget the request under way (its result, if it comes, is dropped)."""
        self._generation += 1
        if self._token is not None:
            self._token.cancel()
            self._token = None

    @property
    def busy(self) -> bool:
        return self._token is not None
