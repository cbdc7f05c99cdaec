"""Training the baseline model from the app: on request ("Train now") and, in the
background, after every N new labels (the project's "retrain after" setting).

One training at a time per window: a request while one runs is coalesced into one more
run after it. Training runs on the task runner's writer thread (it stores a prediction
for every post), opening its own database sessions there; the labels a person saves
with the keys are written on the GUI thread meanwhile and never wait for it (SQLite WAL
lets them read and commit while the model reads its snapshot; only the final write of
the predictions takes the write lock, briefly). Its progress shows in the status bar,
not in a modal dialog, so annotators keep labeling; Cancel there (or Review > Cancel
training) stops it and nothing of that run is stored.
"""

from __future__ import annotations

import sys
from functools import partial

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from annotator.domain.changes import Change, Changes, changes
from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.services.model.child_training import train_in_child
from annotator.services.model.report import ModelReport, ModelSettings
from annotator.services.project.project_settings import retrain_after_labels
from annotator.services.project.projects import Project
from annotator.ui.look import plain_label
from annotator.ui.tasks import Operation, TaskRunner
from annotator.ui.workspace import Workspace

if getattr(sys, "frozen", False):
    # The bundle trains in a thread of the app (services/model/child_training.py): there
    # scikit-learn is imported with the window, since importing it (2 s, holding the GIL)
    # in the training's thread delayed the first minute's label keys (p95 72 ms against
    # 27 ms at 20,000 posts). Elsewhere only the training child imports it.
    import annotator.services.model.training  # noqa: F401


class ModelTraining(QObject):
    """Starts, counts towards, coalesces and cancels trainings of the open project's model."""

    #: A training started (the status bar shows its progress).
    started = Signal()
    #: (done, total, message) of the training under way.
    progressed = Signal(int, int, str)
    #: A training finished and stored its run: the ``ModelReport``.
    trained = Signal(object)
    #: The model cannot be trained yet (too few labels): the service's sentence.
    refused = Signal(str)
    #: A training ended, however (trained, refused, failed or cancelled).
    ended = Signal()

    def __init__(self, workspace: Workspace, tasks: TaskRunner) -> None:
        super().__init__(workspace)
        self.workspace = workspace
        self.tasks = tasks
        self.settings = ModelSettings()
        #: New labels that start a background training (0: only "Train now").
        self.retrain_after = 0
        #: Labels saved in this window since the last automatic start.
        self.new_labels = 0
        self._project: Project | None = None
        self._token: CancelToken | None = None
        self._again = False
        workspace.changed.connect(self._on_changed)
        self._follow_project()

    @property
    def running(self) -> bool:
        return self._token is not None

    # ----- following the workspace ----------------------------------------------------------

    def _on_changed(self, what: Changes) -> None:
        if what.touches(Change.PROJECT):
            self._follow_project()
            return
        if what.touches(Change.SETTINGS):
            self._read_setting()
        if what.touches(Change.LABELS) and not (what.others or what.undo):
            self.count(len(what.post_ids) or 1)

    def _follow_project(self) -> None:
        """Another project (or none): its own count and setting; a run for the old one stops."""
        project = self.workspace.project
        if project is self._project:
            return
        self.cancel()
        self._project, self.new_labels = project, 0
        self._read_setting()

    def _read_setting(self) -> None:
        """A read-only project stores no model, so it never retrains by itself."""
        project = self._project
        if project is None or project.read_only:
            self.retrain_after = 0
        else:
            self.retrain_after = retrain_after_labels(project)

    def count(self, labels: int) -> None:
        """``labels`` more labels were saved here; the N-th starts a background training.
        Only a counter moves on the GUI thread: the save never waits for training."""
        if self.retrain_after <= 0:
            return
        self.new_labels += labels
        if self.new_labels >= self.retrain_after:
            self.new_labels = 0
            self.train()

    # ----- training -------------------------------------------------------------------------

    def train(self) -> None:
        """Train now in the background; while a training runs, one more follows it."""
        project = self._project
        if project is None:
            return
        if self._token is not None:
            self._again = True
            self.workspace.message.emit("The model is training; it trains again when done.")
            return
        settings = self.settings

        def job(progress: ProgressCallback, cancel: CancelToken) -> ModelReport:
            # In a child process (services/model/child_training.py): the keys stay fast
            # and the app's memory small while a large project trains.
            return train_in_child(project, settings, progress=progress, cancel=cancel)

        self._token = self.tasks.run(
            Operation(
                job=job,
                on_success=partial(self._trained, project),
                on_error=partial(self._failed, project),
                on_cancel=self._cancelled,
                on_progress=self.progressed.emit,
                writes=True,
                owner=self,
            )
        )
        self.started.emit()

    def cancel(self) -> None:
        """Stop the training under way (and forget a coalesced one): nothing is stored."""
        self._again = False
        if self._token is not None:
            self._token.cancel()

    def _trained(self, project: Project, report: ModelReport) -> None:
        self._end()
        if project is not self._project:
            return
        self.workspace.message.emit(
            f"Model trained on {report.labels_used:,} labels: macro-F1 {report.macro_f1:.3f}."
        )
        self.trained.emit(report)
        # The model queues, their counts and the suggestion follow the new predictions.
        self.workspace.notify(changes(Change.MODEL, source=self))
        self._again_if_asked()

    def _failed(self, project: Project, error: BaseException) -> None:
        self._end()
        self._again = False
        if project is not self._project:
            return
        if isinstance(error, UserError):
            self.workspace.message.emit(str(error))
            self.refused.emit(str(error))
        else:
            self.tasks.report(error)

    def _cancelled(self) -> None:
        self._end()
        self.workspace.message.emit("Training cancelled; the last model stays.")

    def _end(self) -> None:
        self._token = None
        self.ended.emit()

    def _again_if_asked(self) -> None:
        if self._again:
            self._again = False
            self.train()


class TrainingStatus(QWidget):
    """The status bar's training progress with its Cancel button; hidden when idle."""

    def __init__(self, training: ModelTraining, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingStatus")
        self.training = training
        self.text = plain_label("trainingText", "Training the model…")
        self.bar = QProgressBar()
        self.bar.setObjectName("trainingProgress")
        self.bar.setAccessibleName("Model training progress")
        self.bar.setMaximumWidth(120)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("trainingCancel")
        self.cancel_button.setAccessibleName("Cancel training")
        self.cancel_button.setToolTip("Stop training the model; the last model stays")
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.cancel_button.clicked.connect(training.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        training.started.connect(self._started)
        training.progressed.connect(self._progressed)
        training.ended.connect(self._ended)
        self.hide()

    def _started(self) -> None:
        self.text.setText("Training the model…")
        self.bar.setRange(0, 0)
        self.show()

    def _progressed(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        self.text.setText(f"Model: {message}…" if message else "Training the model…")

    def _ended(self) -> None:
        if not self.training.running:
            self.hide()
