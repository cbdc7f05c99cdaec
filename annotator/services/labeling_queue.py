"""The order an annotator walks through posts, and which of them they have labeled."""

from __future__ import annotations

from annotator.domain.records import PostRecord
from annotator.store.engine import Project
from annotator.store.queries import get_post, labeled_post_ids, post_ids


class LabelingQueue:
    """Posts in import order, a cursor, and the current annotator's labeled set.

    Holds ids only (a million ints is a few MB); post bodies are fetched one at a time.
    """

    def __init__(self, project: Project, annotator: str) -> None:
        self.project = project
        self.annotator = annotator
        with project.session() as session:
            self._ids = post_ids(session)
            self._labeled = labeled_post_ids(session, annotator) & set(self._ids)
        self.position = 0 if self._ids else -1
        first = self.next_unlabeled_position(start=0)
        if first is not None:
            self.position = first

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def labeled_count(self) -> int:
        return len(self._labeled)

    @property
    def current_id(self) -> int | None:
        return self._ids[self.position] if self.position >= 0 else None

    def current_post(self) -> PostRecord | None:
        post_id = self.current_id
        if post_id is None:
            return None
        with self.project.session() as session:
            return get_post(session, post_id)

    def is_labeled(self, post_id: int) -> bool:
        return post_id in self._labeled

    def mark(self, post_id: int, *, labeled: bool) -> None:
        if labeled:
            self._labeled.add(post_id)
        else:
            self._labeled.discard(post_id)

    def next_unlabeled_position(self, start: int) -> int | None:
        """First unlabeled position at or after ``start``, wrapping round; None if all done."""
        count = len(self._ids)
        for offset in range(count):
            position = (start + offset) % count
            if self._ids[position] not in self._labeled:
                return position
        return None

    def go_to_next_unlabeled(self) -> bool:
        """Move to the next unlabeled post after the current one; False when none is left."""
        if not self._ids:
            return False
        found = self.next_unlabeled_position(self.position + 1)
        if found is None:
            return False
        self.position = found
        return True

    def step(self, delta: int) -> bool:
        """Move by ``delta`` posts; False (and no move) at either end."""
        target = self.position + delta
        if not self._ids or not 0 <= target < len(self._ids):
            return False
        self.position = target
        return True

    def go_to_post(self, post_id: int) -> bool:
        try:
            self.position = self._ids.index(post_id)
        except ValueError:
            return False
        return True
