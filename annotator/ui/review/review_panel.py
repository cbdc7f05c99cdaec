"""The Review tab for the lead: how far annotators agree (headline figures with their
interval and Landis and Koch words, per label, per pair, per annotator, confusion), the
disagreements to adjudicate into gold labels, and what the baseline model learned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.changes import Change, Changes
from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.services.project.projects import Project, codebook_of
from annotator.services.review.adjudication import (
    PrefillGoldCommand,
    gold_of,
    unanimous_without_gold,
)
from annotator.services.review.agreement_report import (
    AgreementReport,
    agreement_report,
    look_alike_line,
)
from annotator.ui.errors import report_error
from annotator.ui.look import plain_label
from annotator.ui.model_training import ModelTraining
from annotator.ui.review.adjudication_panel import AdjudicationPanel
from annotator.ui.review.model_page import ModelPage
from annotator.ui.review.reflowing import ReflowingSections, Spot
from annotator.ui.review.review_chart import DistributionChart
from annotator.ui.review.review_disagreements import (
    DisagreementList,
    Disagreements,
    load_disagreements,
)
from annotator.ui.review.review_figures import (
    SMALL_N,
    ConfusionMatrixView,
    HeadlineBox,
    KappaHeatmap,
    LabelAgreementTable,
    section,
)
from annotator.ui.tasks import Job, Operation, ShownLoader, TaskRunner
from annotator.ui.workspace import Workspace

AGREEMENT_PAGE, DISAGREEMENTS_PAGE, MODEL_PAGE = 0, 1, 2


@dataclass(frozen=True)
class ReviewData:
    """What one background computation brings back."""

    report: AgreementReport
    disagreements: Disagreements


def compute_review(project: Project, cancel: CancelToken) -> ReviewData:
    """The agreement report (about a second on big projects: the bootstrap) and the list
    of disagreements, from one snapshot of the project (labels another program saves
    meanwhile show in both or neither); runs on the thread pool."""
    with project.snapshot():
        report = agreement_report(project)
        cancel.raise_if_cancelled()
        return ReviewData(report, load_disagreements(project, cancel))


HEATMAP_NOTE = (
    "Darker: higher kappa; n: posts both labeled. Hatched grey: fewer than "
    f"{SMALL_N} posts, too few to trust."
)
LABEL_TABLE_NOTE = (
    "Specific agreement: how often a second annotator gave the label when one did. "
    "Alpha vs rest: Krippendorff's alpha of this label against all the others. "
    "⚠ rare: under 5% of all labels, so kappa and alpha are unstable."
)


class ReflowingFigures(ReflowingSections):
    """The Agreement page's sections in as many columns as its width allows: headline and
    per label, then pairs, chart and confusion; one under the other when narrow."""

    BREAKPOINTS = (900, 1250)

    def set_sections(self, sections: list[QWidget]) -> None:
        """Headline, per label, pairs, confusion, chart."""
        super().set_sections(sections)

    def spots(self, columns: int) -> list[Spot]:
        headline, labels, pairs, confusion, chart = self.sections
        if columns == 3:
            return [
                (headline, 0, 0, 1, 2), (labels, 0, 2, 1, 1),
                (pairs, 1, 0, 1, 1), (chart, 1, 1, 1, 1), (confusion, 1, 2, 1, 1),
            ]  # fmt: skip
        if columns == 2:
            return [
                (headline, 0, 0, 1, 1), (labels, 0, 1, 1, 1),
                (pairs, 1, 0, 1, 1), (confusion, 1, 1, 1, 1), (chart, 2, 0, 1, 2),
            ]  # fmt: skip
        return [(widget, row, 0, 1, 1) for row, widget in enumerate(self.sections)]


class ReviewPanel(QWidget):
    """Three pages: Agreement (the figures), Disagreements (list and adjudication) and
    Model. Figures are computed off the GUI thread whenever the tab is shown."""

    #: A computation finished and its figures are shown.
    computed = Signal()

    def __init__(
        self, tasks: TaskRunner, training: ModelTraining, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.lead_name: str | None = None
        self.report: AgreementReport | None = None
        self.tasks = tasks
        self.loader = ShownLoader(
            self,
            tasks,
            job_for=self._job,
            on_done=self._computed,
            on_error=self._failed,
            on_started=self._show_state,
        )
        self._gold_changed = False
        self._note = ""

        self.status = plain_label("reviewStatus")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setObjectName("reviewRefresh")
        self.refresh_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.refresh_button.setAccessibleName("Refresh figures")
        self.refresh_button.setToolTip("Compute the figures again from the labels saved now (F5)")
        self.refresh_button.clicked.connect(self.refresh)

        self.headline = HeadlineBox()
        self.labels = LabelAgreementTable()
        self.heatmap = KappaHeatmap()
        self.chart = DistributionChart()
        self.confusion = ConfusionMatrixView()
        self.empty = plain_label("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        #: Old projects may hold one person under look-alike spellings: said above the
        #: figures, which count them as two people until they are merged.
        self.look_alike = plain_label("reviewLookAlike")
        self.look_alike.setWordWrap(True)
        self.look_alike.setContentsMargins(8, 2, 8, 2)
        self.look_alike.hide()
        self.figures = ReflowingFigures()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.disagreements = DisagreementList()
        self.adjudication = AdjudicationPanel(keys_scope=self.splitter)
        self.model_page = ModelPage(tasks, training)

        self.pages = QTabWidget()
        self.pages.setObjectName("reviewPages")
        self.pages.setAccessibleName("Review pages")
        self.pages.setDocumentMode(True)
        self.pages.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pages.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pages.addTab(self._agreement_page(), "Agreement")
        self.pages.addTab(self._disagreements_page(), "Disagreements")
        self.pages.addTab(self.model_page, "Model")
        self.pages.currentChanged.connect(self._page_changed)
        top = QHBoxLayout()
        top.setContentsMargins(8, 4, 8, 0)
        top.addWidget(self.status, stretch=1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.look_alike)
        layout.addWidget(self.pages, stretch=1)
        self._show_state()

    def _agreement_page(self) -> QWidget:
        """The figures in a scroll area that reflows them to its width: in one column when
        narrow (1024 pixels with the Codebook open), in two or three when wide; never wider
        than the window."""
        self.chart.setMinimumSize(380, 260)
        self.figures.set_sections(
            [
                section("Agreement", self.headline, "reviewHeadline"),
                section("Per label", self.labels, "reviewPerLabel", LABEL_TABLE_NOTE),
                section("Cohen's kappa by pair", self.heatmap, "reviewPairs", HEATMAP_NOTE),
                section("Confusion matrix", self.confusion, "reviewConfusion"),
                self.chart,
            ]
        )
        agreement = QWidget()
        agreement_layout = QVBoxLayout(agreement)
        agreement_layout.setContentsMargins(0, 0, 0, 0)
        agreement_layout.addWidget(self.figures, stretch=1)
        agreement_layout.addWidget(self.empty, stretch=1)
        scroll = QScrollArea()
        scroll.setObjectName("reviewScroll")
        scroll.setAccessibleName("Agreement figures")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(agreement)
        return scroll

    def _disagreements_page(self) -> QWidget:
        """The list on the left, the post being adjudicated on the right; the label keys
        work anywhere on the page except in the note field."""
        self.splitter.addWidget(self.disagreements)
        # Scrolls inside rather than asking the window for more room.
        adjudication = QScrollArea()
        adjudication.setObjectName("adjudicationScroll")
        adjudication.setWidgetResizable(True)
        adjudication.setFrameShape(QFrame.Shape.NoFrame)
        adjudication.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        adjudication.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        adjudication.setWidget(self.adjudication)
        self.splitter.addWidget(adjudication)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([500, 500])
        self.disagreements.post_selected.connect(self.adjudication.show_post)
        self.disagreements.post_activated.connect(self.open_disagreement)
        self.disagreements.prefill_requested.connect(self.prefill_unanimous_gold)
        self.adjudication.decided.connect(self._decided)
        return self.splitter

    # ----- public --------------------------------------------------------------------------

    def set_context(self, project: Project | None, lead_name: str | None) -> None:
        """Review this project; gold labels are decided in ``lead_name``'s name."""
        self.loader.cancel()
        self.project, self.lead_name = project, lead_name
        self.report = None
        codebook = codebook_of(project) if project is not None else Codebook()
        self.disagreements.model.clear()
        self.adjudication.set_context(project, codebook, lead_name)
        self.adjudication.show_post(None)
        self.model_page.set_project(project, codebook)
        self.loader.stale = project is not None
        self._show_state()
        if project is not None and self.isVisible():
            self.refresh()

    def bind(self, workspace: Workspace) -> None:
        """Follow the workspace: its project and lead, labels and gold changed anywhere."""
        self._workspace = workspace
        self.adjudication.workspace = workspace
        workspace.changed.connect(self._on_changed)
        self._on_changed(Changes(Change.EVERYTHING))

    def _on_changed(self, what: Changes) -> None:
        workspace = self._workspace
        if what.touches(Change.PROJECT | Change.ANNOTATOR | Change.CODEBOOK):
            self.set_context(workspace.project, workspace.annotator)
            return
        if self.project is None:
            return
        if what.others and what.touches(Change.MODEL):
            # Trained elsewhere (the CLI, another window); this window's own runs reach
            # the page straight from the training that made them.
            self.model_page.loader.follow()
        if what.others:
            self._others_changed(what)
            return
        if what.touches(Change.GOLD) and what.source is not self.adjudication:
            self._gold_changed = True
            self._follow_gold(what.post_ids)
        if what.touches(Change.LABELS | Change.DATASETS):
            self.refresh()

    def _others_changed(self, what: Changes) -> None:
        """Someone else labeled or decided gold (seen by polling): compute again, as
        Refresh does, now if the tab is shown, else when it is next shown; a computation
        under way is not cancelled, one more follows it."""
        if not what.touches(Change.LABELS | Change.GOLD | Change.DATASETS):
            return
        if what.touches(Change.GOLD):
            self._gold_changed = True
        self.loader.follow()
        self._show_state()

    def _follow_gold(self, post_ids: frozenset[int]) -> None:
        """Gold changed elsewhere (an undo): the list and the shown post follow."""
        project, model = self.project, self.disagreements.model
        assert project is not None
        if not post_ids:
            self.refresh()
            return
        for post_id in post_ids:
            if model.row_of(post_id) is not None:
                decision = gold_of(project, post_id)
                model.set_gold(post_id, decision.label_key if decision else None)
        self.disagreements.show_counts()
        if self.adjudication.post_id in post_ids:
            self.adjudication.show_post(self.adjudication.post_id)

    @property
    def computing(self) -> bool:
        return self.loader.busy

    def refresh(self) -> None:
        """Compute the figures again in the background (when shown; otherwise once shown)."""
        if self.project is None:
            return
        self.loader.request()
        self._show_state()

    def open_disagreement(self, post_id: int) -> None:
        """Show a disagreement for adjudication and give it the keys."""
        self.pages.setCurrentIndex(DISAGREEMENTS_PAGE)
        self.disagreements.select_post(post_id)
        if self.adjudication.post_id != post_id:
            self.adjudication.show_post(post_id)
        self.adjudication.take_keys()

    def show_page(self, index: int) -> None:
        """Review > Agreement, Disagreements or Model page."""
        self.pages.setCurrentIndex(index)
        self.take_keys()

    def next_page(self, step: int = 1) -> None:
        """Ctrl+Tab: the next page (Ctrl+Shift+Tab, ``step`` -1: the previous), round."""
        self.show_page((self.pages.currentIndex() + step) % self.pages.count())

    def take_keys(self) -> None:
        """On Disagreements the label keys adjudicate at once, without a click: a post is
        selected (the first without gold) and the adjudication panel has the keys."""
        if self.pages.currentIndex() != DISAGREEMENTS_PAGE:
            window = self.window()
            if window is not None:
                window.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        model = self.disagreements.model
        if self.disagreements.current_post_id() is None and model.rowCount():
            self.disagreements.select_post(model.next_without_gold(None) or model.post_id(0))
        self.adjudication.take_keys()

    def focus_gold_note(self) -> None:
        """Review > Write the gold note (N): on the Disagreements page, in the note field."""
        if self.pages.currentIndex() != DISAGREEMENTS_PAGE:
            self.show_page(DISAGREEMENTS_PAGE)
        self.adjudication.focus_note()

    def prefill_unanimous_gold(self) -> None:
        """After the lead confirms the count, give every unanimous post its label as gold."""
        project, lead = self.project, self.lead_name
        if project is None:
            return
        if not lead:
            report_error(self, UserError("choose your name first (File > Switch annotator)"))
            return
        posts = unanimous_without_gold(project)
        if not posts:
            QMessageBox.information(
                self, "Nothing to pre-fill", "No post without gold has the same label from all."
            )
            return
        # The first line holds no names: Qt reads it to guess whether the text is HTML.
        answer = QMessageBox.question(
            self,
            "Pre-fill gold labels",
            f"Pre-fill gold for {len(posts):,} unanimous posts?\n\n"
            "Every annotator who labeled each of these posts (two or more) gave it the same "
            f"label, and none has gold yet. That label becomes gold, recorded as decided by "
            f"{lead} with the method “unanimous”. Each can be changed later.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.status.setText("Nothing pre-filled.")
            return

        command = PrefillGoldCommand(project, lead)

        def job(_progress: ProgressCallback, _cancel: CancelToken) -> PrefillGoldCommand:
            command.do()  # one transaction: all the posts or none
            return command

        def done(_command: PrefillGoldCommand) -> None:
            self._note = f"{command.count:,} unanimous posts got their shared label as gold."
            self._workspace.record(command, source=self)
            self.refresh()

        self.tasks.run(
            Operation(
                job=job,
                on_success=done,
                on_error=lambda error: report_error(self, error),
                title="Pre-filling gold labels",
                writes=True,
                owner=self,
            )
        )

    # ----- computing -----------------------------------------------------------------------

    def _job(self) -> Job[ReviewData] | None:
        project = self.project
        if project is None:
            return None
        return lambda _progress, cancel: compute_review(project, cancel)

    def _computed(self, data: ReviewData) -> None:
        self._gold_changed = False
        report = self.report = data.report
        for figure in (self.headline, self.labels, self.heatmap, self.chart, self.confusion):
            figure.set_report(report)
        lines = [look_alike_line(group) for group in report.look_alike]
        self.look_alike.setText("\n".join(line[:1].upper() + line[1:] for line in lines))
        self.look_alike.setVisible(bool(report.look_alike))
        shown = self.disagreements.current_post_id()
        typed = self.adjudication.typed_note()
        self.disagreements.model.set_data(report.codebook, report.annotators, data.disagreements)
        self.adjudication.set_context(self.project, report.codebook, self.lead_name)
        model = self.disagreements.model
        if shown is None or model.row_of(shown) is None:
            shown = model.next_without_gold(None) or (
                model.post_id(0) if model.rowCount() else None
            )
        self.disagreements.select_post(shown)
        if shown is None:
            self.adjudication.show_post(None)
        self.adjudication.keep_typed_note(typed)
        self.disagreements.show_counts()
        self.pages.setTabText(DISAGREEMENTS_PAGE, f"Disagreements ({model.total:,})")
        self._show_state(done=True)
        self.computed.emit()

    def _failed(self, error: BaseException) -> None:
        self._show_state()
        self.status.setText("Could not compute the figures.")
        report_error(self, error)

    def _show_state(self, *, done: bool = False) -> None:
        has_report = self.report is not None
        self.figures.setVisible(has_report)
        self.empty.setVisible(not has_report)
        self.refresh_button.setEnabled(self.project is not None and not self.computing)
        if self.project is None:
            text = "Open a project to review agreement."
        elif self.computing:
            text = "Computing…"
        elif self.report is None:
            text = "Not computed yet."
        elif done:
            text = f"Computed at {datetime.now():%H:%M:%S} from the labels saved then."
            if self._note:
                text = f"{self._note}  {text}"
                self._note = ""
        else:
            text = self.status.text()
        self.status.setText(text)
        self.empty.setText("Computing…" if self.computing else text)
        self.disagreements.prefill.setEnabled(self.project is not None and bool(self.lead_name))
        if self.computing:
            self.disagreements.show_counts(computing=True)
        elif self.project is None:
            self.disagreements.count.setText("No project open")

    # ----- events --------------------------------------------------------------------------

    def _decided(self, post_id: int, key: str | None) -> None:
        """Gold changed: mark it in the list and move on to the next post without gold."""
        self._gold_changed = True
        model = self.disagreements.model
        model.set_gold(post_id, key)
        self.disagreements.show_counts()
        if key is None:
            return
        following = model.next_without_gold(post_id)
        if following is None:
            self.adjudication.status.setText(
                self.adjudication.status.text() + ".  Every listed disagreement has gold now."
            )
            return
        self.disagreements.select_post(following)

    def _page_changed(self, index: int) -> None:
        if index == AGREEMENT_PAGE and self._gold_changed:
            self.refresh()
        if self.isVisible():
            self.take_keys()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.loader.shown()
