"""The badge on a post that belongs to a cluster: "Same text as N other posts by M accounts"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from annotator.domain.records import PostRecord
from annotator.services.clusters.clustering import ClusterRecord, cluster_of
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.project.projects import Project


def cluster_posts(project: Project, annotator: str, post_ids: list[int]) -> list[PostRecord]:
    """The posts with these ids, in this order."""
    queue = LabelingQueue(project, annotator)
    posts = []
    for post_id in post_ids:
        queue.go_to_post(post_id)
        post = queue.current_post()
        if post is not None:
            posts.append(post)
    return posts


def badge_text(others: int, accounts: int) -> str:
    posts = "post" if others == 1 else "posts"
    people = "account" if accounts == 1 else "accounts"
    return f"Same text as {others} other {posts} by {accounts} {people}"


class ClusterBadge(QPushButton):
    """Shows the current post's cluster, hidden when it is in none; click to open it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFlat(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setToolTip("Open the cluster to see its posts and label the unlabeled ones")
        self.cluster: ClusterRecord | None = None
        self.member_ids: list[int] = []
        # Members' authors per cluster (by its member ids), so moving within it is cheap.
        self._authors: dict[tuple[int, ...], dict[int, str | None]] = {}
        self.hide()

    def show_for(self, project: Project | None, annotator: str, post: PostRecord | None) -> None:
        found = cluster_of(project, post.id) if project is not None and post else None
        if found is None or post is None or project is None:
            self.cluster, self.member_ids = None, []
            self.hide()
            return
        self.cluster, self.member_ids = found
        key = tuple(self.member_ids)
        if key not in self._authors:
            members = cluster_posts(project, annotator, self.member_ids)
            self._authors[key] = {p.id: p.author for p in members}
        others = {a for i, a in self._authors[key].items() if i != post.id and a}
        self.setText(badge_text(len(self.member_ids) - 1, len(others)))
        self.show()

    def forget(self) -> None:
        """Drop cached authors (another project, or clusters found again)."""
        self._authors.clear()
