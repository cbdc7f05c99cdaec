"""The cluster dialog: the posts that share a text, and one click to label the unlabeled."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook
from annotator.domain.records import AnnotationRecord, PostRecord
from annotator.services.clusters.clustering import ClusterRecord
from annotator.services.labeling.annotating import current_annotation
from annotator.services.project.projects import Project
from annotator.ui.clusters.cluster_badge import cluster_posts

COLUMNS = ["Text", "Author", "Time", "Your label", "Will be labeled"]


class ClusterDialog(QDialog):
    """Lists a cluster's posts; accepting means: label ``targets`` with ``label_key()``."""

    def __init__(
        self,
        *,
        project: Project,
        annotator: str,
        codebook: Codebook,
        cluster: ClusterRecord,
        member_ids: list[int],
        label_key: str | None,
        notes: str,
        sponsor: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Cluster {cluster.id}: {cluster.size} posts")
        self.resize(800, 480)
        posts = cluster_posts(project, annotator, member_ids)
        labels: dict[int, AnnotationRecord | None] = {
            p.id: current_annotation(project, post_id=p.id, annotator=annotator) for p in posts
        }
        #: The posts the annotator has not labeled: the ones a batch will label.
        self.targets = [p.id for p in posts if labels[p.id] is None]
        self.notes, self.sponsor = notes, sponsor

        self.table = QTableWidget(len(posts), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        for row, post in enumerate(posts):
            self._fill_row(row, post, labels[post.id], codebook)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)

        self.label_combo = QComboBox()
        for label in codebook.labels:
            self.label_combo.addItem(label.display_name, label.key)
        index = self.label_combo.findData(label_key) if label_key else -1
        self.label_combo.setCurrentIndex(index)
        self.label_combo.currentIndexChanged.connect(self._update_button)
        form = QFormLayout()
        form.addRow("Label", self.label_combo)
        form.addRow("Note", QLabel(notes or "—"))
        form.addRow("Sponsor", QLabel(sponsor or "—"))
        hint = QLabel("Evidence spans are not copied: they belong to one post's text.")
        hint.setWordWrap(True)

        count = len(self.targets)
        self.label_button = QPushButton(f"Label {count} unlabeled post{'' if count == 1 else 's'}")
        self.label_button.clicked.connect(self.accept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.label_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel((cluster.representative.splitlines() or [""])[0]))
        layout.addWidget(self.table, stretch=1)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self._update_button()

    def _fill_row(
        self, row: int, post: PostRecord, annotation: AnnotationRecord | None, codebook: Codebook
    ) -> None:
        lines = post.text.splitlines()
        label = codebook.get(annotation.label_key) if annotation else None
        shown = label.display_name if label else annotation.label_key if annotation else "—"
        cells = [
            lines[0] if lines else "",
            post.author or "",
            post.created_at or "",
            shown,
            "yes" if annotation is None else "",
        ]
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column == 0:
                item.setToolTip(post.text)
            self.table.setItem(row, column, item)

    def label_key(self) -> str | None:
        data = self.label_combo.currentData()
        return str(data) if data is not None else None

    def _update_button(self) -> None:
        self.label_button.setEnabled(bool(self.targets) and self.label_key() is not None)
