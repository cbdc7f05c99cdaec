"""The main window: composes the workspace, the tabs (Label, Browse, Review, Clusters), the
queue bar and the controllers (File jobs, Project menu, first run), and builds the menus
from one table of action ids. It refreshes no panel by hand: panels follow the
workspace's ``changed`` signal."""

from __future__ import annotations

import getpass
from functools import partial
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.changes import Change, Changes
from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.people import clean_name
from annotator.domain.queue_modes import QueueMode
from annotator.services.project.projects import Project
from annotator.services.team.assignment import has_assignments
from annotator.ui.actions import (
    MENUS,
    ActionId,
    ActionSpec,
    build_actions,
    build_menus,
    keys_in_use,
)
from annotator.ui.browse.browse_panel import BrowsePanel
from annotator.ui.change_watcher import ChangeWatcher
from annotator.ui.clusters.clusters_panel import ClustersPanel
from annotator.ui.errors import report_error
from annotator.ui.help_overlay import HelpOverlay
from annotator.ui.labeling.labeling_view import LabelingView
from annotator.ui.labeling.queue_bar import QueueBar
from annotator.ui.model_training import ModelTraining, TrainingStatus
from annotator.ui.project.file_jobs import FileJobs
from annotator.ui.project.first_run import FirstRun
from annotator.ui.project.picture_fetching import FetchStatus, PictureFetching
from annotator.ui.project.project_menu import ProjectMenu
from annotator.ui.quiet_tabs import QuietTabWidget
from annotator.ui.review.review_panel import (
    AGREEMENT_PAGE,
    DISAGREEMENTS_PAGE,
    MODEL_PAGE,
    ReviewPanel,
)
from annotator.ui.settings import Preferences, WindowState
from annotator.ui.tasks import TaskRunner
from annotator.ui.workspace import Workspace

LABEL_TAB, BROWSE_TAB, REVIEW_TAB, CLUSTERS_TAB = 0, 1, 2, 3
TAB_NAMES = ("Label", "Browse", "Review", "Clusters")
LABELING_TABS = (LABEL_TAB, BROWSE_TAB)
#: Actions that work on some tabs only (the rest work everywhere). The same keys do
#: other things elsewhere: the digits adjudicate on Review, N writes the gold note there.
#: F1 shows this as "Where".
ONLY_ON: dict[str, tuple[int, ...]] = {
    ActionId.POST_CARET: LABELING_TABS,
    ActionId.POST_EVIDENCE: LABELING_TABS,
    ActionId.POST_SKIP: LABELING_TABS,
    ActionId.POST_FLAG: LABELING_TABS,
    ActionId.POST_CLUSTER: (*LABELING_TABS, CLUSTERS_TAB),
    ActionId.POST_PICTURE: LABELING_TABS,
    ActionId.POST_NOTES: LABELING_TABS,
    ActionId.POST_SPONSOR: LABELING_TABS,
    ActionId.GO_NEXT: LABELING_TABS,
    ActionId.GO_PREVIOUS: LABELING_TABS,
    ActionId.GO_NEXT_UNLABELED: LABELING_TABS,
    ActionId.REVIEW_AGREEMENT: (REVIEW_TAB,),
    ActionId.REVIEW_DISAGREEMENTS: (REVIEW_TAB,),
    ActionId.REVIEW_MODEL: (REVIEW_TAB,),
    ActionId.REVIEW_OTHER_PAGE: (REVIEW_TAB,),
    ActionId.REVIEW_PREVIOUS_PAGE: (REVIEW_TAB,),
    ActionId.REVIEW_GOLD_NOTE: (REVIEW_TAB,),
    ActionId.REVIEW_PREFILL: (REVIEW_TAB,),
    ActionId.REVIEW_REFRESH: (REVIEW_TAB,),
}
#: Actions that also need a post on screen.
NEED_POST = (
    ActionId.POST_CARET,
    ActionId.POST_EVIDENCE,
    ActionId.POST_SKIP,
    ActionId.POST_FLAG,
    ActionId.POST_PICTURE,
)
#: Actions that need an open project.
NEED_PROJECT = (
    ActionId.FILE_IMPORT,
    ActionId.FILE_EXPORT,
    ActionId.FILE_MERGE,
    ActionId.FILE_RESTORE,
    ActionId.FILE_ANNOTATOR,
    ActionId.PROJECT_BLIND,
    ActionId.PROJECT_SUGGESTION,
    ActionId.PROJECT_COLUMNS,
    ActionId.PROJECT_KEYS,
    ActionId.PROJECT_ASSIGN,
    ActionId.PROJECT_PEOPLE,
    ActionId.REVIEW_PREFILL,
    ActionId.REVIEW_REFRESH,
    ActionId.REVIEW_TRAIN,
    ActionId.PROJECT_RETRAIN,
    ActionId.PROJECT_FETCH_SETTINGS,
    ActionId.PROJECT_FETCH_NOW,
)


def where_text(tabs: tuple[int, ...] | None) -> str:
    """The tabs an action works on, as F1 lists them."""
    return ", ".join(TAB_NAMES[tab] for tab in tabs) if tabs else "Everywhere"


class MainWindow(QMainWindow):
    """Label keys save and advance, arrows move, menus hold every action with its keys."""

    def __init__(self, preferences: Preferences, annotator_name: str | None = None) -> None:
        super().__init__()
        self.preferences = preferences
        self.window_state = WindowState()
        self.workspace = Workspace(annotator_name or preferences.annotator_name or None, self)
        self.tasks = TaskRunner(self)
        #: Announces what other people write to the project (polled every few seconds).
        self.watcher = ChangeWatcher(self.workspace, self.tasks)
        #: Trains the model on request and after every N new labels, in the background.
        self.model_training = ModelTraining(self.workspace, self.tasks)

        self.labeling = LabelingView(self.workspace, tasks=self.tasks)
        self.labeling.changed.connect(self.refresh_actions)
        self.labeling.message.connect(self.say)
        self.browse = BrowsePanel(tasks=self.tasks)
        self.browse.bind(self.workspace)
        self.browse.post_activated.connect(self.open_post)
        self.review = ReviewPanel(self.tasks, self.model_training)
        self.review.bind(self.workspace)
        self.clusters = ClustersPanel(self.workspace, self.tasks)
        self.clusters.post_opened.connect(self.open_post)
        self.tabs = QuietTabWidget()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.addTab(self.labeling, "Label")
        self.tabs.addTab(self.browse, "Browse")
        self.tabs.addTab(self.review, "Review")
        self.tabs.addTab(self.clusters, "Clusters")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.queue_bar = QueueBar()
        self.queue_bar.bind(self.workspace)
        work_area = QWidget()
        layout = QVBoxLayout(work_area)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.queue_bar)
        layout.addWidget(self.tabs, stretch=1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.annotator_label = QLabel()
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(180)
        self.progress_bar.setTextVisible(False)
        self.training_status = TrainingStatus(self.model_training)
        #: Fetches the project's web pictures in the background (Project menu).
        self.picture_fetching = PictureFetching(
            window=self, workspace=self.workspace, tasks=self.tasks
        )
        self.fetch_status = FetchStatus(self.picture_fetching)
        for widget in (
            self.fetch_status,
            self.training_status,
            self.annotator_label,
            self.progress_bar,
            self.progress_label,
        ):
            self.statusBar().addPermanentWidget(widget)

        self.file_jobs = FileJobs(
            window=self,
            workspace=self.workspace,
            tasks=self.tasks,
            status=self.statusBar(),
            open_project=self.open_project,
            close_project=self.close_project,
        )
        self.clusters.find_requested.connect(self.file_jobs.start_clustering)
        self.project_menu = ProjectMenu(
            window=self,
            workspace=self.workspace,
            preferences=preferences,
            status=self.statusBar(),
        )
        self.first_run = FirstRun(
            window=self,
            work_area=work_area,
            workspace=self.workspace,
            preferences=preferences,
            window_state=self.window_state,
            file_jobs=self.file_jobs,
            tasks=self.tasks,
            label_panel=self.labeling.label_panel,
            actions=lambda: self.actions_by_id,
        )
        self.actions_by_id: dict[str, QAction] = build_actions(
            self,
            [
                *self.file_jobs.action_specs(),
                *self._action_specs(),
                *self.project_menu.action_specs(),
                *self.picture_fetching.action_specs(),
                *self.first_run.action_specs(),
            ],
        )
        self.actions_by_id.update(self._undo_actions())
        # Tab reads the window top down: Show, Search, then the labeling view.
        QWidget.setTabOrder(self.queue_bar.modes, self.queue_bar.search)
        QWidget.setTabOrder(self.queue_bar.search, self.labeling.post_panel.text)
        for action_id, action in self.actions_by_id.items():
            action.setProperty("where", where_text(ONLY_ON.get(action_id)))
        self.menus = build_menus(self.menuBar(), self.actions_by_id, MENUS)
        self.label_menu: QMenu = self.menus["&Label"]
        self.label_actions: dict[str, QAction] = {}
        self.project_menu.attach(self.actions_by_id)
        self.first_run.attach(self.actions_by_id)
        self._restore_geometry()

        self.workspace.changed.connect(self._on_changed)
        self.workspace.message.connect(self.say)
        self.workspace.failed.connect(lambda error: report_error(self, error))
        self.model_training.started.connect(self._training_changed)
        self.model_training.ended.connect(self._training_changed)
        self._training_changed()
        self._on_changed(Changes(Change.EVERYTHING))

    # ----- construction -------------------------------------------------------------------

    def _action_specs(self) -> list[ActionSpec]:
        view = self.labeling
        return [
            ActionSpec(ActionId.FILE_ANNOTATOR, "Switch &annotator…", None, self.switch_annotator),
            ActionSpec(ActionId.FILE_QUIT, "&Quit", QKeySequence.StandardKey.Quit, self.close),
            ActionSpec(
                ActionId.POST_CARET,
                "Move a caret in the post &text",
                "T",
                self._focus_post_text,
                tip="Arrows move, Shift+Ctrl+arrows select words, E adds them; Esc returns",
            ),
            ActionSpec(
                ActionId.POST_EVIDENCE,
                "Add &evidence from selection",
                "E",
                view.add_evidence_from_selection,
                auto_repeat=False,
            ),
            ActionSpec(ActionId.POST_SKIP, "&Skip post", "S", view.skip, auto_repeat=False),
            ActionSpec(
                ActionId.POST_FLAG, "&Flag for the lead", "F", view.toggle_flag, auto_repeat=False
            ),
            ActionSpec(
                ActionId.POST_CLUSTER,
                "Open the &cluster…",
                "Ctrl+K",
                self.open_cluster,
                tip="The shown post's cluster; on the Clusters tab, the selected one",
            ),
            ActionSpec(
                ActionId.POST_PICTURE,
                "Open the p&icture full size",
                "Ctrl+Shift+I",
                view.open_picture,
                tip="The post's first picture full size; Left and Right switch, Esc closes",
                auto_repeat=False,
            ),
            ActionSpec(ActionId.POST_NOTES, "Write &notes", "N", self._focus_notes),
            ActionSpec(ActionId.POST_SPONSOR, "Enter s&ponsor", "P", self._focus_sponsor),
            ActionSpec(ActionId.GO_NEXT, "&Next post", "Right", lambda: view.go("next")),
            ActionSpec(ActionId.GO_PREVIOUS, "&Previous post", "Left", lambda: view.go("previous")),
            ActionSpec(
                ActionId.GO_NEXT_UNLABELED,
                "Next &unlabeled post",
                "Ctrl+Right",
                lambda: view.go("unlabeled"),
            ),
            ActionSpec(
                ActionId.GO_SHOW,
                "&Show… (which posts)",
                "Ctrl+Shift+S",
                self.queue_bar.open_choices,
                tip="Choose the posts to walk: arrows, then Enter",
            ),
            ActionSpec(
                ActionId.REVIEW_AGREEMENT,
                "&Agreement page",
                "Ctrl+PgUp",
                lambda: self.review.show_page(AGREEMENT_PAGE),
            ),
            ActionSpec(
                ActionId.REVIEW_DISAGREEMENTS,
                "&Disagreements page",
                "Ctrl+PgDown",
                lambda: self.review.show_page(DISAGREEMENTS_PAGE),
            ),
            ActionSpec(
                ActionId.REVIEW_MODEL,
                "&Model page",
                "Ctrl+Shift+M",
                lambda: self.review.show_page(MODEL_PAGE),
            ),
            ActionSpec(ActionId.REVIEW_OTHER_PAGE, "Ne&xt page", "Ctrl+Tab", self.review.next_page),
            ActionSpec(
                ActionId.REVIEW_PREVIOUS_PAGE,
                "Pre&vious page",
                "Ctrl+Shift+Tab",
                lambda: self.review.next_page(-1),
            ),
            ActionSpec(
                ActionId.REVIEW_GOLD_NOTE,
                "Write the gold &note",
                "N",
                self.review.focus_gold_note,
                tip="Esc gives the keys back to adjudication",
            ),
            ActionSpec(
                ActionId.REVIEW_PREFILL,
                "&Pre-fill gold for unanimous posts…",
                "Ctrl+Shift+U",
                self.review.prefill_unanimous_gold,
            ),
            ActionSpec(ActionId.REVIEW_REFRESH, "&Refresh figures", "F5", self.review.refresh),
            ActionSpec(
                ActionId.REVIEW_TRAIN,
                "&Train the model now",
                "Ctrl+Shift+T",
                self.train_model,
                tip="Train in the background; the Model page shows the result",
            ),
            ActionSpec(
                ActionId.REVIEW_CANCEL_TRAINING,
                "&Cancel training",
                None,
                self.model_training.cancel,
            ),
            ActionSpec(
                ActionId.VIEW_SEARCH,
                "&Search…",
                QKeySequence.StandardKey.Find,
                self.queue_bar.focus_search,
            ),
            ActionSpec(
                ActionId.VIEW_LABEL,
                "&Labeling view",
                "Ctrl+L",
                lambda: self.tabs.setCurrentIndex(LABEL_TAB),
            ),
            ActionSpec(
                ActionId.VIEW_BROWSE,
                "&Browse table",
                "Ctrl+B",
                lambda: self.tabs.setCurrentIndex(BROWSE_TAB),
            ),
            ActionSpec(
                ActionId.VIEW_REVIEW,
                "&Review and adjudicate",
                "Ctrl+R",
                lambda: self.tabs.setCurrentIndex(REVIEW_TAB),
            ),
            ActionSpec(
                ActionId.VIEW_CLUSTERS,
                "&Clusters (coordinated posting)",
                "Ctrl+M",
                lambda: self.tabs.setCurrentIndex(CLUSTERS_TAB),
            ),
            ActionSpec(ActionId.HELP_KEYS, "&Keys…", "F1", self.show_help, more_shortcuts=("?",)),
        ]

    def _undo_actions(self) -> dict[str, QAction]:
        """Edit > Undo and Redo over the workspace's one history, named in words."""
        stack = self.workspace.undo_stack
        undo = QAction("&Undo", self)
        undo.setObjectName(ActionId.EDIT_UNDO)
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        undo.triggered.connect(self.workspace.undo)
        redo = QAction("&Redo", self)
        redo.setObjectName(ActionId.EDIT_REDO)
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        redo.triggered.connect(self.workspace.redo)
        for action in (undo, redo):
            self.addAction(action)

        def follow() -> None:
            if not (shiboken6.isValid(stack) and shiboken6.isValid(undo)):  # emitted in teardown
                return
            undo.setEnabled(stack.canUndo())
            redo.setEnabled(stack.canRedo())
            undo.setText(f"&Undo: {stack.undoText()}" if stack.canUndo() else "&Undo")
            redo.setText(f"&Redo: {stack.redoText()}" if stack.canRedo() else "&Redo")

        stack.indexChanged.connect(lambda _index: follow())
        stack.cleanChanged.connect(lambda _clean: follow())
        follow()
        return {ActionId.EDIT_UNDO: undo, ActionId.EDIT_REDO: redo}

    def rebuild_label_actions(self) -> None:
        """One action per codebook label, with its key (after the codebook changed)."""
        for action in self.label_actions.values():
            self.removeAction(action)
            action.deleteLater()
        self.label_menu.clear()
        self.label_actions = {}
        codebook = self.workspace.codebook
        if codebook is None:
            return
        taken = keys_in_use(self)
        clashes: list[str] = []
        specs = []
        for label in codebook.labels:
            key = label.shortcut
            if key and QKeySequence(key).toString().casefold() in taken:
                clashes.append(
                    f"{key} (“{label.display_name}”) already does "
                    f"“{taken[QKeySequence(key).toString().casefold()]}”"
                )
                key = ""
            specs.append(
                ActionSpec(
                    f"label.{label.key}",
                    label.display_name,
                    key or None,
                    partial(self.labeling.apply_label, label.key),
                    tip=label.description,
                    # Holding a key down must not label a run of posts.
                    auto_repeat=False,
                )
            )
        if clashes:
            self.say(
                "The codebook's key "
                + "; ".join(clashes)
                + ": that label has no key until you choose one (Project > Label keys…).",
                0,
            )
        self.label_actions = build_actions(self, specs)
        for action in self.label_actions.values():
            action.setProperty("where", where_text(LABELING_TABS))
        self.label_menu.addActions(list(self.label_actions.values()))

    def _restore_geometry(self) -> None:
        geometry = self.window_state.load("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1200, 760)
        splitter = self.window_state.load("splitter")
        if splitter is not None:
            self.labeling.splitter.restoreState(splitter)

    # ----- what is open (read through the workspace) -----------------------------------------

    @property
    def project(self) -> Project | None:
        return self.workspace.project

    @property
    def codebook(self) -> Codebook | None:
        return self.workspace.codebook

    @property
    def annotator_name(self) -> str | None:
        return self.workspace.annotator

    def say(self, text: str, msecs: int = 8000) -> None:
        """A sentence in the status bar."""
        self.statusBar().showMessage(text, msecs)

    # ----- project and annotator ----------------------------------------------------------------

    def open_project(self, target: str | Path) -> bool:
        """Open a project; a bad file gets a sentence and the current project stays open."""
        if self.workspace.annotator is None:
            self.workspace.annotator = self._ask_annotator()
        try:
            project = self.workspace.open(target, start_mode=_start_mode)
        except UserError as error:
            report_error(self, error)
            return False
        self.preferences.add_recent_project(project.location)
        return True

    def close_project(self) -> None:
        """Let the last edits land, then close the project (the panels empty themselves)."""
        self.workspace.close()

    def _ask_annotator(self) -> str | None:
        typed = self.preferences.annotator_name or getpass.getuser()
        while True:
            typed, ok = QInputDialog.getText(
                self,
                "Who is labeling?",
                "Your annotator name (saved with every label you give):",
                text=typed,
            )
            if not (ok and typed.strip()):
                return None
            try:
                name = clean_name(typed)
            except UserError as error:  # an invisible character or mixed scripts: ask again
                report_error(self, error)
                continue
            self.preferences.annotator_name = name
            return name

    def switch_annotator(self) -> None:
        name = self._ask_annotator()
        if name is not None:
            self.workspace.set_annotator(name)

    def open_post(self, post_id: int) -> None:
        """Show a post (from the browse table or a cluster) in the labeling view."""
        self.tabs.setCurrentIndex(LABEL_TAB)
        self.labeling.open_post(post_id)

    def _tab_changed(self, index: int) -> None:
        if index != LABEL_TAB:
            self.labeling.leave_post()  # typed text lands before another tab reads
        self.refresh_actions()
        if index == REVIEW_TAB:
            self.review.take_keys()  # on Disagreements the digits adjudicate at once
        elif index == CLUSTERS_TAB:
            self.clusters.take_keys()  # arrows choose a cluster, Ctrl+K labels it
        else:
            self.setFocus()

    def show_help(self) -> None:
        """F1: the menus' actions, and the keys that live on one page (adjudication)."""
        adjudication = self.review.adjudication
        HelpOverlay(
            self.menuBar(),
            [*adjudication.key_actions.values(), adjudication.remove_action],
            current=TAB_NAMES[self.tabs.currentIndex()],
            parent=self,
        ).open()

    def train_model(self) -> None:
        """Review > Train the model now, from any tab: training in the background (the
        status bar shows it); on Review the Model page opens to show the result. On the
        Label tab the person stays on their post, and a model queue fills when it ends."""
        if self.tabs.currentIndex() == REVIEW_TAB:
            self.review.show_page(MODEL_PAGE)
        self.model_training.train()

    def _training_changed(self) -> None:
        self.actions_by_id[ActionId.REVIEW_CANCEL_TRAINING].setEnabled(self.model_training.running)

    def open_cluster(self) -> None:
        """Post > Open the cluster (Ctrl+K), one meaning on every tab: the cluster in
        view. That is the shown post's (what clicking its badge does), or on the Clusters
        tab the selected row's."""
        if self.tabs.currentIndex() == CLUSTERS_TAB:
            self.clusters.label_selected_cluster()
            return
        if self.labeling.queue is None or self.labeling.queue.current_id is None:
            return
        if self.labeling.cluster_badge.cluster is None:
            self.say("This post is in no cluster of near-identical posts.")
            return
        self.labeling.open_cluster()

    def _focus_notes(self) -> None:
        """N: write notes, going on from the end of what is there."""
        self.tabs.setCurrentIndex(LABEL_TAB)
        notes = self.labeling.label_panel.notes
        notes.setFocus(Qt.FocusReason.ShortcutFocusReason)
        notes.moveCursor(QTextCursor.MoveOperation.End)

    def _focus_sponsor(self) -> None:
        self.tabs.setCurrentIndex(LABEL_TAB)
        self.labeling.label_panel.sponsor.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _focus_post_text(self) -> None:
        """T: a caret in the post text, to select evidence words by keyboard."""
        self.tabs.setCurrentIndex(LABEL_TAB)
        self.labeling.post_panel.take_caret()

    # ----- following the workspace ----------------------------------------------------------

    def _on_changed(self, what: Changes) -> None:
        if what.touches(Change.PROJECT | Change.CODEBOOK):
            self.rebuild_label_actions()
        if what.touches(Change.PROJECT | Change.SETTINGS):
            self.actions_by_id[ActionId.PROJECT_BLIND].setChecked(self.workspace.blind)
            self.actions_by_id[ActionId.PROJECT_SUGGESTION].setChecked(
                self.workspace.show_model_suggestion
            )
        if what.touches(Change.PROJECT | Change.ANNOTATOR | Change.CODEBOOK | Change.SETTINGS):
            self.refresh_actions()

    def refresh_actions(self) -> None:
        """Enable what applies to the tab and post shown; status bar and title follow."""
        queue, project = self.labeling.queue, self.workspace.project
        has_post = queue is not None and queue.current_id is not None
        tab = self.tabs.currentIndex()
        for action_id in {*ONLY_ON, *NEED_PROJECT}:
            self.actions_by_id[action_id].setEnabled(
                tab in ONLY_ON.get(action_id, (tab,))
                and (has_post or action_id not in NEED_POST)
                and (project is not None or action_id not in NEED_PROJECT)
            )
        for action in self.label_actions.values():
            action.setEnabled(has_post and tab in LABELING_TABS)
        if queue is not None and project is not None:
            total = queue.total_posts()
            self.progress_label.setText(f"{queue.labeled_count:,} of {total:,} labeled by me")
            self.progress_bar.setRange(0, max(total, 1))
            self.progress_bar.setValue(min(queue.labeled_count, total))
            self.progress_bar.show()
        else:
            self.progress_label.setText("")
            self.progress_bar.hide()
        name = self.workspace.annotator
        self.annotator_label.setText(f"Annotator: {name}" if name else "No annotator")
        parts = []  # "<project> — <annotator> — annotator", the document first
        if project is not None:
            stem = Path(project.location).stem
            parts.append(f"{stem} (read-only)" if project.read_only else stem)
            if name:
                parts.append(name)
        self.setWindowTitle(" — ".join([*parts, "annotator"]))

    # ----- closing -------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.model_training.cancel()  # a training would only be thrown away: stop it first
        self.picture_fetching.cancel()  # what was fetched is committed; the rest waits
        self.tasks.wait()
        self.window_state.save("geometry", self.saveGeometry())
        self.window_state.save("splitter", self.labeling.splitter.saveState())
        self.close_project()
        event.accept()


def _start_mode(project: Project, annotator: str | None) -> QueueMode:
    """An annotator the lead has handed posts to starts on those."""
    if annotator and has_assignments(project, annotator):
        return QueueMode("assigned")
    return QueueMode()
