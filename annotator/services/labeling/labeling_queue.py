"""The posts an annotator walks through, in a chosen mode, and where they are in it.

Backed by SQL (``store.navigation``), never by a list of every id, so it opens and
steps instantly on a million posts.
"""

from __future__ import annotations

from annotator.domain.queue_modes import ORDERED_MODES, QueueMode
from annotator.domain.records import PostRecord
from annotator.services.model.stored_predictions import has_predictions
from annotator.store.engine import Project
from annotator.store.navigation import (
    annotator_id_of,
    contains,
    count_in_mode,
    count_labeled_by,
    first_id,
    next_id,
    previous_id,
)
from annotator.store.queries import get_post


class LabelingQueue:
    """A mode, a current post, and moves. In "unlabeled" mode the arrows walk every post
    (so the post just labeled is one step back) while labeling jumps to the next post
    I have neither labeled nor skipped."""

    def __init__(
        self,
        project: Project,
        annotator: str,
        mode: QueueMode | None = None,
        start_at: int | None = None,
    ) -> None:
        self.project = project
        self.annotator = annotator
        self.mode = mode or QueueMode()
        self.current_id: int | None = None
        #: The post last read and the place last counted, each with its post id: a label
        #: key shows the next post once, not once per part of the screen, and counts its
        #: place from the last one (counting from the first post grows with the place:
        #: tens of milliseconds half-way through a million posts).
        self._post_read: PostRecord | None = None
        self._place: tuple[int, int] | None = None
        self._total = 0
        self._project_total: int | None = None
        with project.session() as session:
            self._annotator_id = annotator_id_of(session, annotator)
        self.refresh_counts()
        if start_at is not None and self._exists(start_at):
            self.current_id = start_at
        elif self.mode.kind in ("unlabeled", "assigned"):
            self.current_id = self._next(0, unlabeled=True) or self._next(0, unlabeled=False)
        else:
            self.current_id = self._next(0, unlabeled=False)

    @property
    def _walk_mode(self) -> QueueMode:
        return QueueMode("all") if self.mode.kind == "unlabeled" else self.mode

    def _annotator(self) -> int | None:
        if self._annotator_id is None:
            with self.project.session() as session:
                self._annotator_id = annotator_id_of(session, self.annotator)
        return self._annotator_id

    def _next(self, after: int, *, unlabeled: bool) -> int | None:
        with self.project.session() as session:
            return next_id(session, self._walk_mode, self._annotator(), after, unlabeled=unlabeled)

    def _exists(self, post_id: int) -> bool:
        with self.project.session() as session:
            return contains(session, self._walk_mode, self._annotator(), post_id)

    @property
    def needs_model(self) -> bool:
        """A model queue chosen before any model was trained: nothing to walk yet."""
        return self.mode.kind in ORDERED_MODES and not has_predictions(self.project)

    def refresh_counts(self) -> None:
        """Re-read the totals (after an import or a label from elsewhere)."""
        with self.project.session() as session:
            self._total = count_in_mode(session, self._walk_mode, self._annotator())
            self._project_total = None
            self._labeled = count_labeled_by(session, self._annotator())
        self._post_read, self._place = None, None

    def __len__(self) -> int:
        return self._total

    def total_posts(self) -> int:
        """Posts in the whole project (for "n of N labeled by me")."""
        if self._walk_mode.kind == "all":
            return self._total
        if self._project_total is None:
            with self.project.session() as session:
                self._project_total = count_in_mode(session, QueueMode("all"), None)
        return self._project_total

    @property
    def labeled_count(self) -> int:
        """Posts this annotator has labeled, in the whole project."""
        return self._labeled

    @property
    def position(self) -> int:
        """1-based place of the current post in the mode (0 when there is none)."""
        current = self.current_id
        if current is None:
            return 0
        mode, annotator_id = self._walk_mode, self._annotator()
        with self.project.session() as session:
            if self._place is not None and mode.kind == "all":
                # Every post belongs to "all" whatever is labeled, so the posts between
                # the last place and this one are all that moved.
                last_id, last_place = self._place
                low, high = sorted((last_id, current))
                between = count_in_mode(session, mode, annotator_id, up_to=high, after=low)
                place = last_place + between if current >= last_id else last_place - between
            else:
                place = count_in_mode(session, mode, annotator_id, up_to=current)
        self._place = (current, place)
        return place

    def current_post(self) -> PostRecord | None:
        """The post on screen, read once per visit (posts do not change while shown;
        ``refresh_counts`` forgets it after imports and merges)."""
        current = self.current_id
        if current is None:
            return None
        if self._post_read is None or self._post_read.id != current:
            with self.project.session() as session:
                self._post_read = get_post(session, current)
        return self._post_read

    def refresh_labeled(self) -> None:
        """Re-count my labels (indexed by annotator: cheap) after a label changes; the
        informative queue loses the posts I label, so its size is counted again too
        (predictions less my labels: cheap as well)."""
        with self.project.session() as session:
            self._labeled = count_labeled_by(session, self._annotator())
            if self.mode.kind == "informative":
                self._total = count_in_mode(session, self.mode, self._annotator())

    def go_next(self) -> bool:
        """Next post in the mode; False (and no move) at the end."""
        found = self._next(self.current_id or 0, unlabeled=False)
        if found is None:
            return False
        self.current_id = found
        return True

    def go_previous(self) -> bool:
        if self.current_id is None:
            return False
        with self.project.session() as session:
            found = previous_id(session, self._walk_mode, self._annotator(), self.current_id)
        if found is None:
            return False
        self.current_id = found
        return True

    def go_to_next_unlabeled(self) -> bool:
        """The next post I have neither labeled nor skipped, wrapping round to the start."""
        start = self.current_id or 0
        found = self._next(start, unlabeled=True) or self._next(0, unlabeled=True)
        if found is None or found == self.current_id:
            return False
        self.current_id = found
        return True

    def advance(self) -> bool:
        """Where a label key goes next: the next unlabeled post, or the next in the mode."""
        if self.mode.kind in ("unlabeled", "assigned"):
            return self.go_to_next_unlabeled()
        return self.go_next()

    def go_to_post(self, post_id: int) -> None:
        """Show a given post (from the browse table or the author list), in any mode."""
        self.current_id = post_id

    def first(self) -> int | None:
        with self.project.session() as session:
            return first_id(session, self._walk_mode, self._annotator())
