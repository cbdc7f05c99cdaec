"""The Clusters tab: clusters of near-identical posts, by size or by spread across
accounts, with each cluster's posts over time, its label shares, and one dialog to label
the posts of a cluster together."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDoubleSpinBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.changes import Change, Changes
from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange
from annotator.services.clusters.clustering import cluster_of
from annotator.services.clusters.summaries import (
    ClusterSummary,
    cluster_summaries,
    cluster_timeline,
)
from annotator.services.labeling.batch_labeling import BatchLabelCommand
from annotator.services.media.viewing import shared_image_counts
from annotator.services.project.project_settings import cluster_threshold, set_cluster_threshold
from annotator.services.project.projects import Project
from annotator.ui.clusters.cluster_dialog import ClusterDialog
from annotator.ui.clusters.cluster_timeline import LabelShareList, TimelineChart
from annotator.ui.clusters.clusters_model import (
    SHARED_IMAGE_COLUMN,
    SIZE_COLUMN,
    TEXT_COLUMN,
    ClusterTableModel,
)
from annotator.ui.errors import report_error
from annotator.ui.flow_layout import FlowLayout
from annotator.ui.look import plain_label
from annotator.ui.tasks import Job, ShownLoader, TaskRunner
from annotator.ui.workspace import Workspace

LIST_PAGE, EMPTY_PAGE = 0, 1


class ClustersPanel(QWidget):
    """The cluster list above; the selected cluster's timeline, shares and actions below."""

    #: Show this post in the labeling view.
    post_opened = Signal(int)
    #: Run the search for clusters (the main window owns that job).
    find_requested = Signal()
    #: The list was loaded again.
    computed = Signal()

    def __init__(
        self, workspace: Workspace, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.project: Project | None = None
        self.annotator: str | None = None
        self.codebook = Codebook()
        self.cluster_dialog: ClusterDialog | None = None
        self.loader = ShownLoader(
            self,
            tasks,
            job_for=self._job,
            on_done=self._loaded_rows,
            on_error=self._failed,
            on_started=self._show_state,
        )
        self._loaded = False
        self._note = ""
        #: The tab was shown before its list loaded: the list takes the keys once it has.
        self._wants_keys = False
        self.model = ClusterTableModel(self)

        self.status = plain_label("clustersStatus")
        self.status.setWordWrap(True)  # on two lines rather than widen the window
        self.min_size = QSpinBox()
        self.min_size.setObjectName("clustersMinSize")
        self.min_size.setAccessibleName("Smallest cluster size")
        self.min_size.setRange(2, 1_000_000)
        self.min_size.setPrefix("at least ")
        self.min_size.setSuffix(" posts")
        self.min_size.setToolTip("List only clusters with this many posts or more")
        self.min_size.valueChanged.connect(lambda _value: self.refresh())
        self.threshold = QDoubleSpinBox()
        self.threshold.setObjectName("clustersThreshold")
        self.threshold.setAccessibleName("Similarity threshold")
        self.threshold.setRange(0.3, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setDecimals(2)
        self.threshold.setPrefix("similarity ≥ ")
        self.threshold.setToolTip(
            "How alike two texts must be to count as one talking point (estimated Jaccard "
            "similarity of their 5-character pieces). Lower finds looser paraphrases; 1.0 "
            "only texts identical after normalising. Kept in the project; Find clusters "
            "and every import use it."
        )
        self.threshold.editingFinished.connect(self._store_threshold)
        self.find_button = QPushButton("Find clusters")
        self.find_button.setObjectName("clustersFind")
        self.find_button.setToolTip(
            "Look for clusters of near-identical posts again (takes a while)"
        )
        self.find_button.clicked.connect(self.find_requested)
        top = QHBoxLayout()
        top.setContentsMargins(8, 4, 8, 0)
        top.addWidget(self.status, stretch=1)
        top.addWidget(self.min_size)
        top.addWidget(self.threshold)
        top.addWidget(self.find_button)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._list_page())
        self.pages.addWidget(self._empty_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.pages, stretch=1)
        workspace.changed.connect(self._on_changed)
        self._show_state()
        self._on_changed(Changes(Change.EVERYTHING))

    # ----- construction --------------------------------------------------------------------

    def _list_page(self) -> QWidget:
        view = self.view = QTableView()
        view.setObjectName("clustersTable")
        view.setAccessibleName("Clusters")
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setShowGrid(False)
        view.setTabKeyNavigation(False)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TEXT_COLUMN, QHeaderView.ResizeMode.Stretch)
        metrics = view.fontMetrics()
        widths = [
            "Accounts",
            "Accounts",
            "2020-02-14 18:03",
            "2020-02-14 18:03",
            "L" * 44,
            "with 1,000 other posts",
        ]
        for column, sample in enumerate(widths):
            view.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        header.setSortIndicator(SIZE_COLUMN, Qt.SortOrder.DescendingOrder)
        view.setSortingEnabled(True)
        view.setColumnHidden(SHARED_IMAGE_COLUMN, True)  # until a cluster shares a picture
        view.selectionModel().selectionChanged.connect(self._selection_changed)
        view.doubleClicked.connect(lambda _index: self.label_cluster())

        self.title = plain_label("clusterTitle")
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.text = QPlainTextEdit()
        self.text.setObjectName("clusterText")
        self.text.setAccessibleName("Cluster's representative text")
        self.text.setReadOnly(True)
        self.text.setMaximumHeight(self.text.fontMetrics().lineSpacing() * 5 + 12)
        self.chart = TimelineChart()
        # Narrow enough for 1024 px with the system font at 150 % and the Codebook open.
        self.chart.setMinimumSize(260, 220)
        self.undated = plain_label("clusterUndated")
        self.undated.setWordWrap(True)
        self.shares = LabelShareList()
        self.label_button = QPushButton("Label this cluster…")
        self.label_button.setObjectName("clusterLabel")
        self.label_button.setToolTip(
            "See the cluster's posts and label your unlabeled ones at once"
        )
        self.label_button.clicked.connect(self.label_cluster)
        self.open_button = QPushButton("Open in labeling view")
        self.open_button.setObjectName("clusterOpen")
        self.open_button.clicked.connect(self.open_representative)

        shares_box = QGroupBox("Labels in this cluster")
        shares_layout = QVBoxLayout(shares_box)
        shares_layout.addWidget(self.shares)
        buttons = FlowLayout()  # one under the other when narrow
        buttons.addWidget(self.label_button)
        buttons.addWidget(self.open_button)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.title)
        side_layout.addWidget(self.text)
        side_layout.addLayout(buttons)
        side_layout.addWidget(shares_box)
        side_layout.addStretch(1)
        timeline = QWidget()
        timeline_layout = QVBoxLayout(timeline)
        timeline_layout.setContentsMargins(0, 0, 0, 0)
        timeline_layout.addWidget(self.chart, stretch=1)
        timeline_layout.addWidget(self.undated)
        details = QWidget()
        details_layout = QHBoxLayout(details)
        details_layout.setContentsMargins(8, 8, 8, 8)
        details_layout.addWidget(timeline, stretch=3)
        details_layout.addWidget(side, stretch=2)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        # The details scroll rather than widen the window (1024 pixels with the Codebook open).
        scroll = QScrollArea()
        scroll.setObjectName("clusterDetails")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(details)
        self.splitter.addWidget(view)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        return self.splitter

    def _empty_page(self) -> QWidget:
        page = QWidget()
        self.empty = plain_label("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty_find = QPushButton("Find clusters")
        self.empty_find.setObjectName("clustersEmptyFind")
        self.empty_find.clicked.connect(self.find_requested)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.empty)
        layout.addWidget(self.empty_find, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        return page

    # ----- public --------------------------------------------------------------------------

    def set_context(
        self, project: Project | None, annotator: str | None, codebook: Codebook | None
    ) -> None:
        """Show this project's clusters; the dialog labels in ``annotator``'s name."""
        self.loader.cancel()
        self.project, self.annotator = project, annotator
        self.codebook = codebook or Codebook()
        self._loaded = False
        self.model.set_rows(self.codebook, [])
        self._show_cluster(None)
        self.loader.stale = project is not None
        if project is not None:
            self.threshold.blockSignals(True)
            self.threshold.setValue(cluster_threshold(project))
            self.threshold.blockSignals(False)
        self._show_state()
        if project is not None and self.isVisible():
            self.refresh()

    def _on_changed(self, what: Changes) -> None:
        """A new project or annotator starts afresh; labels and clusters reload the list."""
        workspace = self.workspace
        if what.touches(Change.PROJECT | Change.ANNOTATOR | Change.CODEBOOK):
            self.set_context(workspace.project, workspace.annotator, workspace.codebook)
        elif what.others and what.touches(Change.LABELS | Change.DATASETS):
            # Others' labels (polled): a load under way finishes, one more follows it.
            if self.project is not None:
                self.loader.follow()
                self._show_state()
        elif what.touches(Change.LABELS | Change.CLUSTERS | Change.DATASETS | Change.MEDIA):
            self.refresh()

    def _store_threshold(self) -> None:
        """Committed at once, so the next search (here or after an import) uses it."""
        project = self.project
        if project is None or abs(self.threshold.value() - cluster_threshold(project)) < 1e-9:
            return
        try:
            set_cluster_threshold(project, round(self.threshold.value(), 2))
        except UserError as error:
            report_error(self, error)

    def refresh(self) -> None:
        """Load the clusters again in the background (when shown; otherwise once shown)."""
        if self.project is None:
            return
        self.loader.request()
        self._show_state()

    @property
    def computing(self) -> bool:
        return self.loader.busy

    def current_summary(self) -> ClusterSummary | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.summary(rows[0].row()) if rows else None

    def select_cluster(self, cluster_id: int | None) -> None:
        row = self.model.row_of(cluster_id) if cluster_id is not None else None
        if row is None:
            self.view.clearSelection()
            self._show_cluster(None)
            return
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0))

    def label_cluster(self) -> ClusterDialog | None:
        """Open the cluster dialog for the selected cluster; accepting labels its posts
        that this annotator has not labeled, as one undoable step."""
        project, annotator, summary = self.project, self.annotator, self.current_summary()
        if project is None or summary is None:
            return None
        if not annotator:
            report_error(self, UserError("choose your name first (File > Switch annotator)"))
            return None
        found = cluster_of(project, summary.representative_post_id)
        if found is None:
            self.status.setText("The clusters were found again meanwhile; look again.")
            self.refresh()
            return None
        cluster, member_ids = found
        dialog = ClusterDialog(
            project=project,
            annotator=annotator,
            codebook=self.codebook,
            cluster=cluster,
            member_ids=member_ids,
            label_key=next((k for k in summary.labels if self.codebook.get(k)), None),
            notes="",
            sponsor="",
            markers=self.workspace.markers,
            parent=self,
        )
        dialog.accepted.connect(lambda: self._label(dialog, project, annotator))
        dialog.finished.connect(dialog.deleteLater)
        self.cluster_dialog = dialog
        dialog.open()
        return dialog

    def take_keys(self) -> None:
        """The tab is shown: the cluster list has the keys (arrows choose, Ctrl+K labels),
        now or once the list has loaded."""
        self._wants_keys = True
        if self.pages.currentIndex() == LIST_PAGE and self.isVisible():
            self._wants_keys = False
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def label_selected_cluster(self) -> None:
        """Post > Open the cluster… (Ctrl+K) on this tab: the selected one, else the first."""
        if self.current_summary() is None and self.model.rowCount():
            self.view.selectRow(0)
        self.label_cluster()

    def open_representative(self) -> None:
        summary = self.current_summary()
        if summary is not None:
            self.post_opened.emit(summary.representative_post_id)

    # ----- loading -------------------------------------------------------------------------

    def _job(self) -> Job[list[ClusterSummary]] | None:
        project = self.project
        if project is None:
            return None
        smallest = self.min_size.value()

        def job(_progress: object, _cancel: object) -> list[ClusterSummary]:
            rows = cluster_summaries(project, min_size=smallest)
            # Copies sharing a picture: one indexed join on the content hash of the
            # representatives' pictures; no picture is read.
            shared = shared_image_counts(project, [row.representative_post_id for row in rows])
            return [
                replace(row, shared_image=shared.get(row.representative_post_id, 0)) for row in rows
            ]

        return job

    def _loaded_rows(self, rows: list[ClusterSummary]) -> None:
        shown = self.current_summary()
        self._loaded = True
        self.model.set_rows(self.codebook, rows)
        self.view.setColumnHidden(SHARED_IMAGE_COLUMN, not self.model.any_shared_image)
        if rows:
            kept = shown is not None and self.model.row_of(shown.id) is not None
            self.select_cluster(shown.id if kept and shown else self.model.summary(0).id)
        else:
            self._show_cluster(None)
        self._show_state()
        if self._wants_keys and QApplication.focusWidget() in (None, self.window()):
            self.take_keys()  # nobody has taken the keys meanwhile
        if self._note:
            self.status.setText(f"{self._note}  {self.status.text()}")
            self._note = ""
        self.computed.emit()

    def _failed(self, error: BaseException) -> None:
        self._show_state()
        report_error(self, error)

    def _show_state(self) -> None:
        """The list with a count above it, or one sentence (and Find clusters) instead."""
        has_project = self.project is not None
        rows = self.model.rowCount()
        self.find_button.setVisible(rows > 0)
        self.empty_find.setVisible(has_project and self._loaded and rows == 0)
        self.min_size.setEnabled(has_project)
        self.min_size.setVisible(rows > 0 or self.min_size.value() > 2)
        empty = ""
        if not has_project:
            empty = "Open a project to see its clusters."
        elif self.computing and not self._loaded:
            empty = "Counting the clusters…"
        elif rows == 0 and self.min_size.value() > 2:
            empty = f"No cluster has {self.min_size.value():,} posts or more."
        elif rows == 0:
            empty = (
                "No clusters found: no two posts share the same or nearly the same text.\n"
                "Clusters are looked for after every import; look again with Find clusters."
            )
        if rows:
            posts = sum(self.model.summary(r).size for r in range(rows))
            self.status.setText(
                f"{rows:,} cluster{'' if rows == 1 else 's'} of {self.min_size.value()} or "
                f"more posts, {posts:,} posts in all. Click a header to sort."
            )
        else:
            self.status.setText("")
        self.empty.setText(empty)
        self.pages.setCurrentIndex(LIST_PAGE if rows else EMPTY_PAGE)

    # ----- the selected cluster ------------------------------------------------------------

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_cluster(self.current_summary())

    def _show_cluster(self, summary: ClusterSummary | None) -> None:
        project = self.project
        self.label_button.setEnabled(summary is not None)
        self.open_button.setEnabled(summary is not None)
        self.shares.set_summary(self.codebook, summary)
        if summary is None or project is None:
            self.title.setText("")
            self.text.setPlainText("")
            self.chart.clear()
            self.undated.setText("")
            return
        self.title.setText(
            f"Cluster {summary.id}: {summary.size:,} posts by {summary.authors:,} "
            f"account{'' if summary.authors == 1 else 's'}"
        )
        self.text.setPlainText(summary.representative)
        timeline = cluster_timeline(project, summary.id)
        self.chart.set_timeline(self.codebook, timeline)
        missing = timeline.undated_total
        one = missing == 1
        self.undated.setText(
            f"{missing:,} post{' has' if one else 's have'} no readable time and "
            f"{'is' if one else 'are'} not in the chart."
        )
        self.undated.setVisible(bool(missing))

    # ----- labeling ------------------------------------------------------------------------

    def _label(self, dialog: ClusterDialog, project: Project, annotator: str) -> None:
        self.cluster_dialog = None
        key = dialog.label_key()
        if key is None or not dialog.targets:
            return
        template = AnnotationChange(
            post_id=dialog.targets[0],
            annotator=annotator,
            label_key=key,
            notes=dialog.notes,
            sponsor=dialog.sponsor,
        )
        count = len(dialog.targets)
        posts = f"{count:,} post{'' if count == 1 else 's'} of a cluster"
        label = self.codebook.get(key)
        name = label.display_name if label is not None else key
        command = BatchLabelCommand(
            project, template, list(dialog.targets), f"label ‘{name}’ on {posts}"
        )

        def labeled() -> None:
            self._note = f"Labeled {count:,} post{'' if count == 1 else 's'} of the cluster."
            self.status.setText(self._note)

        self.workspace.perform(command, then=labeled)

    # ----- events --------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.loader.shown()
