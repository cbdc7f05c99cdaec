"""The Review tab's Model page: what the baseline model learned from the labels so far,
measured out of fold (docs/MODEL.md): the latest run's time, labels and grouping,
macro-F1 and accuracy against always guessing the majority label, the learning curve,
scores per label and the confusion between resolved labels and the model's, and the
"Train now" button. Training itself is ``ModelTraining``'s (in the background)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook
from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.services.model.report import MIN_LABELS, ModelReport
from annotator.services.model.stored_predictions import latest_report
from annotator.services.project.projects import Project
from annotator.ui.errors import report_error
from annotator.ui.label_chips import chip_icon, label_colour
from annotator.ui.look import plain_label
from annotator.ui.model_training import ModelTraining
from annotator.ui.review.reflowing import ReflowingSections
from annotator.ui.review.review_chart import LearningCurveChart
from annotator.ui.review.review_figures import (
    fill_confusion,
    fit_height,
    read_only_table,
    section,
    table_item,
)
from annotator.ui.tasks import Job, ShownLoader, TaskRunner

GROUPING = {
    "cluster": "clusters of near-identical posts kept in one fold",
    "author": "each author's posts kept in one fold",
    "none": "posts split one by one",
}
CAVEAT = (
    "Out-of-fold scores of a baseline trained on this project's labels: not a detector of "
    "undisclosed sponsorship, and never a label (docs/MODEL.md)."
)
CONFUSION_NOTE = "Rows: the resolved label (gold, else a majority); columns: the model's."


def needs_sentence(train_keys: str) -> str:
    """What the page says before any run."""
    return (
        f"No model has been trained for this project yet. Train now ({train_keys}) learns "
        "from each post's resolved label (gold, else a strict majority of its annotators) "
        f"and needs at least {MIN_LABELS} such posts, with at least 5 of each label used. "
        "It also trains by itself in the background after every N new labels "
        "(Project > Retrain the model after…)."
    )


class ModelLabelTable(QTableWidget):
    """Precision, recall, F1 and support of each label, out of fold."""

    HEADERS = ("Label", "Precision", "Recall", "F1", "Support")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        read_only_table(self, "modelPerLabel")
        self.verticalHeader().hide()
        self.setColumnCount(len(self.HEADERS))
        self.setHorizontalHeaderLabels(list(self.HEADERS))
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def set_report(self, report: ModelReport, codebook: Codebook) -> None:
        self.setRowCount(len(report.per_label))
        for row, (key, scores) in enumerate(report.per_label.items()):
            label = codebook.get(key)
            name = table_item(label.display_name if label else key, tip=key)
            name.setIcon(chip_icon(label_colour(codebook, key)))
            cells = [
                name,
                *(
                    table_item(f"{scores[s]:.3f}", align_right=True)
                    for s in ("precision", "recall", "f1")
                ),
                table_item(f"{int(scores['support']):,}", align_right=True),
            ]
            for column, cell in enumerate(cells):
                self.setItem(row, column, cell)
        fit_height(self)


class ModelSummary(QWidget):
    """When and on what the model was trained, and its two headline scores."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run = plain_label("modelRun")
        self.run.setWordWrap(True)
        self.macro_f1 = plain_label("modelMacroF1")
        self.accuracy = plain_label("modelAccuracy")
        self.baseline = plain_label("modelBaseline")
        for value in (self.macro_f1, self.accuracy):
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.addWidget(plain_label("reviewFigureName", "Macro-F1"), 0, 0)
        grid.addWidget(self.macro_f1, 0, 1)
        grid.addWidget(self.baseline, 0, 2)
        grid.addWidget(plain_label("reviewFigureName", "Accuracy"), 1, 0)
        grid.addWidget(self.accuracy, 1, 1)
        grid.setColumnStretch(2, 1)
        self.notes = plain_label("modelNotes")
        self.notes.setWordWrap(True)
        caveat = plain_label("reviewCaveat", CAVEAT)
        caveat.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.run)
        layout.addLayout(grid)
        layout.addWidget(self.notes)
        layout.addWidget(caveat)

    def set_report(self, report: ModelReport) -> None:
        when = datetime.fromisoformat(report.trained_at).astimezone()
        grouping = GROUPING.get(report.grouped_by, report.grouped_by)
        self.run.setText(
            f"Trained {when:%Y-%m-%d %H:%M} on {report.labels_used:,} labels  ·  "
            f"{report.folds}-fold, {grouping}  ·  {report.predicted_posts:,} posts predicted"
        )
        self.macro_f1.setText(f"{report.macro_f1:.3f}")
        self.accuracy.setText(f"{report.accuracy:.3f}")
        self.baseline.setText(f"majority baseline {report.baseline_macro_f1:.3f}")
        self.notes.setText("\n".join(report.notes))
        self.notes.setVisible(bool(report.notes))


class ModelFigures(ReflowingSections):
    """The sections in two columns when wide, one under the other when narrow."""

    BREAKPOINTS = (900,)

    def __init__(self, sections: list[QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_sections(sections)


class ModelPage(QWidget):
    """Review > Model: the latest run's figures, or what training needs; Train now."""

    def __init__(
        self, tasks: TaskRunner, training: ModelTraining, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.training = training
        self.project: Project | None = None
        self.codebook = Codebook()
        self.report: ModelReport | None = None
        #: The service's sentence when the model could not be trained (too few labels).
        self.refusal = ""
        self.train_keys = "Ctrl+Shift+T"
        self.loader = ShownLoader(
            self, tasks, job_for=self._job, on_done=self.show_report, on_error=self._failed
        )

        self.status = plain_label("modelStatus")
        self.status.setWordWrap(True)
        self.train_button = QPushButton("Train now")
        self.train_button.setObjectName("modelTrain")
        self.train_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.train_button.clicked.connect(training.train)
        self.cancel_button = QPushButton("Cancel training")
        self.cancel_button.setObjectName("modelCancel")
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.cancel_button.clicked.connect(training.cancel)
        top = QHBoxLayout()
        top.setContentsMargins(8, 4, 8, 0)
        top.addWidget(self.status, stretch=1)
        top.addWidget(self.train_button)
        top.addWidget(self.cancel_button)

        self.summary = ModelSummary()
        self.labels = ModelLabelTable()
        self.chart = LearningCurveChart()
        self.chart.setMinimumSize(320, 240)
        self.confusion = read_only_table(QTableWidget(), "modelConfusion")
        for header in (self.confusion.horizontalHeader(), self.confusion.verticalHeader()):
            header.setHighlightSections(False)
        self.confusion.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.confusion.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.confusion.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.legend = plain_label("modelConfusionLegend")
        self.legend.setWordWrap(True)
        confusion = QWidget()
        confusion_layout = QVBoxLayout(confusion)
        confusion_layout.setContentsMargins(0, 0, 0, 0)
        confusion_layout.addWidget(self.confusion)
        confusion_layout.addWidget(self.legend)
        self.figures = ModelFigures(
            [
                section("Latest run", self.summary, "modelSummary"),
                section("Per label", self.labels, "modelLabels"),
                self.chart,
                section("Confusion matrix", confusion, "modelConfusionBox", CONFUSION_NOTE),
            ]
        )
        self.empty: QLabel = plain_label("modelEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setContentsMargins(24, 24, 24, 24)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addWidget(self.figures)
        content_layout.addWidget(self.empty)
        content_layout.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("modelScroll")
        self.scroll_area.setAccessibleName("Model figures")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll_area.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.scroll_area, stretch=1)

        training.started.connect(self._show_state)
        training.ended.connect(self._show_state)
        training.trained.connect(self.show_report)
        training.refused.connect(self._refused)
        self._show_state()

    # ----- public --------------------------------------------------------------------------

    def set_project(self, project: Project | None, codebook: Codebook) -> None:
        """Show this project's latest run (read in the background when the page shows)."""
        self.loader.cancel()
        self.project, self.codebook = project, codebook
        self.report, self.refusal = None, ""
        self.loader.stale = False
        if project is not None:
            self.loader.request()
        self._show_state()

    def show_report(self, report: ModelReport | None) -> None:
        """Show a run's figures (None: no run yet)."""
        self.report = report
        if report is not None:
            self.refusal = ""
            self.summary.set_report(report)
            self.labels.set_report(report, self.codebook)
            self.chart.set_curve(
                [(p["n"], p["macro_f1"]) for p in report.learning_curve],
                report.baseline_macro_f1,
            )
            self._show_confusion(report)
        self._show_state()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.loader.shown()

    # ----- inside --------------------------------------------------------------------------

    def _job(self) -> Job[ModelReport | None] | None:
        project = self.project
        if project is None:
            return None

        def job(_progress: ProgressCallback, _cancel: CancelToken) -> ModelReport | None:
            return latest_report(project)

        return job

    def _failed(self, error: BaseException) -> None:
        self._show_state()
        report_error(self, error)

    def _refused(self, sentence: str) -> None:
        self.refusal = sentence
        self._show_state()

    def _show_confusion(self, report: ModelReport) -> None:
        keys = [str(key) for key in report.confusion["labels"]]
        matrix = [[int(count) for count in line] for line in report.confusion["matrix"]]

        def tip(i: int, j: int, count: int) -> str:
            names = [
                label.display_name if (label := self.codebook.get(key)) else key for key in keys
            ]
            return f"Resolved: {names[i]}\nModel: {names[j]}\n{count:,} posts"

        self.legend.setText(fill_confusion(self.confusion, self.codebook, keys, matrix, tip))

    def _show_state(self) -> None:
        training, project = self.training.running, self.project
        self.train_button.setEnabled(project is not None and not project.read_only)
        self.cancel_button.setEnabled(training)
        self.figures.setVisible(self.report is not None)
        self.empty.setVisible(self.report is None)
        if project is None:
            text = "Open a project to see its model."
        elif training:
            text = "Training the model in the background (progress in the status bar)…"
        elif self.refusal:
            text = f"Could not train the model: {self.refusal}"
        elif self.report is None:
            text = "No model yet." if not self.loader.busy else "Reading the latest model…"
        else:
            text = "The latest model; it trains again after new labels, or with Train now."
        self.status.setText(text)
        if self.report is None:
            empty = needs_sentence(self.train_keys)
            if self.refusal:
                empty = f"{self.refusal}\n\n{empty}"
            self.empty.setText(empty if project is not None else text)
