"""Thumbnails for a table of posts (Browse's Picture column), loaded for the rows a view
asks about, a batch at a time in a worker, and cached.

A view asks only for the cells it paints, so scrolling a million posts reads the pictures
of the few dozen rows on screen. Posts without a picture are remembered as such, so they
are asked once.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from PySide6.QtCore import QObject, QSize, QTimer, Signal
from PySide6.QtGui import QPixmap

from annotator.services.media.viewing import Pixels, first_thumbnails
from annotator.services.project.projects import Project
from annotator.ui.pictures.loading import to_pixmap
from annotator.ui.tasks import Operation, TaskRunner

_log = logging.getLogger(__name__)

#: Thumbnails kept (about 10 KB each at 40 px).
CACHE_SIZE = 2_000


class ThumbnailCache(QObject):
    """post id -> thumbnail pixmap of its first stored picture; ``loaded`` names the posts
    whose thumbnails arrived, for the model to repaint them."""

    loaded = Signal(list)

    def __init__(self, tasks: TaskRunner, box: QSize, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.box = box
        self.project: Project | None = None
        self._cache: OrderedDict[int, QPixmap | None] = OrderedDict()
        self._wanted: set[int] = set()
        self._asked: set[int] = set()
        self._generation = 0

    def set_project(self, project: Project | None) -> None:
        """Another project (or none): forget everything."""
        self.project = project
        self.forget()

    def forget(self, post_ids: set[int] | None = None) -> None:
        """Read these posts' pictures again (all when None): they changed."""
        if post_ids is None:
            self._generation += 1
            self._cache.clear()
            self._wanted.clear()
            self._asked.clear()
            return
        for post_id in post_ids:
            self._cache.pop(post_id, None)
            self._asked.discard(post_id)

    def get(self, post_id: int) -> QPixmap | None:
        """The thumbnail if loaded; else None, and it is asked for (once)."""
        if post_id in self._cache:
            self._cache.move_to_end(post_id)
            return self._cache[post_id]
        if self.project is not None and post_id not in self._asked:
            if not self._wanted:
                QTimer.singleShot(0, self._start)  # every cell painted now, in one job
            self._wanted.add(post_id)
            self._asked.add(post_id)
        return None

    def _start(self) -> None:
        project, wanted = self.project, sorted(self._wanted)
        self._wanted.clear()
        if project is None or not wanted:
            return
        generation = self._generation
        box = (self.box.width(), self.box.height())

        def arrived(found: dict[int, Pixels | None]) -> None:
            if generation != self._generation:
                return  # another project, or everything forgotten since
            for post_id, pixels in found.items():
                self._cache[post_id] = None if pixels is None else to_pixmap(pixels)
            while len(self._cache) > CACHE_SIZE:
                oldest, _ = self._cache.popitem(last=False)
                self._asked.discard(oldest)
            self.loaded.emit(list(found))

        self.tasks.run(
            Operation(
                job=lambda _progress, _cancel: first_thumbnails(project, wanted, box=box),
                on_success=arrived,
                # A thumbnail that cannot be read is a blank cell, not a dialog per row.
                on_error=lambda error: _log.warning("thumbnails not read: %s", error),
                owner=self,
            )
        )
