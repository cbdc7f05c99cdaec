"""The badge on a post that belongs to a cluster: "Same text as N other posts by M accounts"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from annotator.domain.records import PostRecord
from annotator.services.clusters.clustering import ClusterRecord, post_cluster
from annotator.services.project.projects import Project


def badge_text(others: int, accounts: int) -> str:
    posts = "post" if others == 1 else "posts"
    people = "account" if accounts == 1 else "accounts"
    return f"Same text as {others} other {posts} by {accounts} {people}"


class ClusterBadge(QPushButton):
    """Shows the current post's cluster, hidden when it is in none; click to open it.
    Shown at every post, so it reads the cluster's counts, never its members."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFlat(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setToolTip("Open the cluster to see its posts and label the unlabeled ones")
        self.cluster: ClusterRecord | None = None
        self.hide()

    def show_for(self, project: Project | None, post: PostRecord | None) -> None:
        found = post_cluster(project, post.id) if project is not None and post else None
        if found is None:
            self.cluster = None
            self.hide()
            return
        self.cluster, accounts = found
        self.setText(badge_text(self.cluster.size - 1, accounts))
        self.show()
