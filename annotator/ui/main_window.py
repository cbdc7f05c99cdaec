"""The main window: composes the labeling view, the browse tab and the queue bar, owns
the menus, the undo stack, background tasks and the open project."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.markers import Marker, load_markers
from annotator.domain.progress import CancelToken
from annotator.services.labeling.browsing import annotator_list, dataset_names
from annotator.services.project.codebook_editing import set_label_shortcuts
from annotator.services.project.project_settings import (
    blind_mode,
    marker_list,
    set_blind_mode,
    set_shown_extra_columns,
    shown_extra_columns,
)
from annotator.services.project.projects import Project, codebook_of, open_project
from annotator.services.team.annotators import merge_annotators, rename_annotator
from annotator.services.team.assignment import assign_posts, has_assignments
from annotator.store.navigation import QueueMode
from annotator.ui.actions import ActionSpec, build_actions
from annotator.ui.browse.browse_panel import BrowsePanel
from annotator.ui.clusters.clusters_panel import CampaignsPanel
from annotator.ui.errors import report_error
from annotator.ui.help_overlay import HelpOverlay
from annotator.ui.labeling.labeling_view import LabelingContext, LabelingView
from annotator.ui.labeling.queue_bar import QueueBar
from annotator.ui.project.assign_dialog import AssignDialog, AssignRequest
from annotator.ui.project.file_jobs import FileJobs
from annotator.ui.project.first_run import install_first_run
from annotator.ui.project.label_keys_dialog import LabelKeysDialog
from annotator.ui.review.review_panel import ReviewPanel
from annotator.ui.settings import Positions, Preferences, WindowState
from annotator.ui.tasks import TaskRunner

#: Minutes between automatic backups of an open project.
BACKUP_MINUTES = 10
LABEL_TAB, BROWSE_TAB, REVIEW_TAB, CAMPAIGNS_TAB = 0, 1, 2, 3
#: Besides the label and post actions, keys of the labeling view that are off while the
#: Review tab shows: there the same keys adjudicate (the review panel's own actions).
NOT_IN_REVIEW = ("post.notes", "post.sponsor", "go.next", "go.previous", "go.next_unlabeled")


class MainWindow(FileJobs, QMainWindow):
    """Label keys save and advance, arrows move, menus hold every action with its keys."""

    #: Emitted when a background search for campaigns has stored its groups.
    clustering_finished = Signal()
    #: Emitted after a project was opened or closed (the welcome page and docks follow).
    project_changed = Signal()
    #: Emitted while the project is still open, just before it closes: last edits land.
    project_closing = Signal()

    def __init__(self, preferences: Preferences, annotator_name: str | None = None) -> None:
        super().__init__()
        #: The running search for campaigns per project: a second request waits for it.
        self._clustering: dict[int, CancelToken] = {}
        self.preferences = preferences
        self.window_state = WindowState()
        self.positions = Positions()
        self.project: Project | None = None
        self.codebook: Codebook | None = None
        self.markers: list[Marker] = load_markers()
        self.annotator_name = annotator_name or preferences.annotator_name or None
        self.undo_stack = QUndoStack(self)
        self.tasks = TaskRunner(self)

        self.labeling = LabelingView(self.undo_stack)
        self.labeling.changed.connect(self.refresh_actions)
        self.labeling.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.browse = BrowsePanel()
        self.browse.post_activated.connect(self.open_post)
        self.tabs = QTabWidget()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.addTab(self.labeling, "Label")
        self.tabs.addTab(self.browse, "Browse")
        self.review = ReviewPanel()
        self.tabs.addTab(self.review, "Review")
        self.campaigns = CampaignsPanel(self.undo_stack)
        self.campaigns.post_opened.connect(self.open_post)
        self.campaigns.find_requested.connect(self.start_clustering)
        self.campaigns.labels_changed.connect(self._labels_changed)
        self.clustering_finished.connect(self.campaigns.refresh)
        self.tabs.addTab(self.campaigns, "Campaigns")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.queue_bar = QueueBar()
        self.queue_bar.mode_changed.connect(self.set_mode)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.queue_bar)
        layout.addWidget(self.tabs, stretch=1)
        self.setCentralWidget(central)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.annotator_label = QLabel()
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(180)
        self.progress_bar.setTextVisible(False)
        for widget in (self.annotator_label, self.progress_bar, self.progress_label):
            self.statusBar().addPermanentWidget(widget)

        self.actions_by_id = build_actions(self, self._action_specs())
        self.label_actions: dict[str, QAction] = {}
        self._build_menus()
        self._restore_geometry()
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(BACKUP_MINUTES * 60_000)
        self.backup_timer.timeout.connect(self._timed_backup)
        self.backup_timer.start()
        self.refresh_actions()
        self.first_run = install_first_run(self)

    # ----- construction -------------------------------------------------------------------

    def _action_specs(self) -> list[ActionSpec]:
        view = self.labeling
        return [
            ActionSpec("file.new", "&New project…", QKeySequence.StandardKey.New, self.new_project),
            ActionSpec(
                "file.open", "&Open project…", QKeySequence.StandardKey.Open, self.choose_project
            ),
            ActionSpec("file.import", "&Import dataset…", "Ctrl+I", self.choose_import),
            ActionSpec("file.export", "&Export…", "Ctrl+E", self.choose_export),
            ActionSpec("file.merge", "&Merge packages…", None, self.choose_packages),
            ActionSpec("file.restore", "&Restore backup…", None, self.choose_backup),
            ActionSpec("file.annotator", "Switch &annotator…", None, self.switch_annotator),
            ActionSpec("file.quit", "&Quit", QKeySequence.StandardKey.Quit, self.close),
            ActionSpec(
                "post.evidence",
                "Add &evidence from selection",
                "E",
                view.add_evidence_from_selection,
                auto_repeat=False,
            ),
            ActionSpec("post.skip", "&Skip post", "S", view.skip, auto_repeat=False),
            ActionSpec("post.flag", "&Flag for the lead", "F", view.toggle_flag, auto_repeat=False),
            ActionSpec("post.cluster", "Open this post's &cluster…", "Ctrl+K", self.open_cluster),
            ActionSpec("post.notes", "Write &notes", "N", self._focus_notes),
            ActionSpec("post.sponsor", "Enter s&ponsor", "P", self._focus_sponsor),
            ActionSpec("go.next", "&Next post", "Right", lambda: view.move("next")),
            ActionSpec("go.previous", "&Previous post", "Left", lambda: view.move("previous")),
            ActionSpec(
                "go.next_unlabeled",
                "Next &unlabeled post",
                "Ctrl+Right",
                lambda: view.move("unlabeled"),
            ),
            ActionSpec(
                "view.search",
                "&Search…",
                QKeySequence.StandardKey.Find,
                self.queue_bar.focus_search,
            ),
            ActionSpec(
                "view.label",
                "&Labeling view",
                "Ctrl+L",
                lambda: self.tabs.setCurrentIndex(LABEL_TAB),
            ),
            ActionSpec(
                "view.browse",
                "&Browse table",
                "Ctrl+B",
                lambda: self.tabs.setCurrentIndex(BROWSE_TAB),
            ),
            ActionSpec(
                "view.review",
                "&Review and adjudicate",
                "Ctrl+R",
                lambda: self.tabs.setCurrentIndex(REVIEW_TAB),
            ),
            ActionSpec(
                "view.campaigns",
                "&Campaigns (coordinated posting)",
                "Ctrl+M",
                lambda: self.tabs.setCurrentIndex(CAMPAIGNS_TAB),
            ),
            ActionSpec("project.blind", "&Blind mode: hide authors", None, self.toggle_blind),
            ActionSpec("project.columns", "Extra &columns shown…", None, self.choose_columns),
            ActionSpec("project.keys", "Label &keys…", None, self.edit_label_keys),
            ActionSpec(
                "project.people", "Rename or &merge annotators…", None, self.edit_annotators
            ),
            ActionSpec("project.assign", "&Assign posts…", None, self.assign_posts_dialog),
            ActionSpec("help.keys", "&Keys…", "F1", self.show_help),
        ]

    def _build_menus(self) -> None:
        bar = self.menuBar()
        ids = self.actions_by_id

        def menu(title: str, action_ids: list[str | None]) -> Any:
            created = bar.addMenu(title)
            for action_id in action_ids:
                if action_id is None:
                    created.addSeparator()
                else:
                    created.addAction(ids[action_id])
            return created

        menu(
            "&File",
            [
                "file.new",
                "file.open",
                None,
                "file.import",
                "file.export",
                "file.merge",
                None,
                "file.restore",
                "file.annotator",
                None,
                "file.quit",
            ],
        )
        edit_menu = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        ids["edit.undo"], ids["edit.redo"] = undo, redo
        self.label_menu = bar.addMenu("&Label")
        menu(
            "&Post",
            [
                "post.evidence",
                "post.notes",
                "post.sponsor",
                None,
                "post.skip",
                "post.flag",
                None,
                "post.cluster",
            ],
        )
        menu("&Go", ["go.next", "go.previous", "go.next_unlabeled"])
        menu(
            "&View",
            ["view.search", None, "view.label", "view.browse", "view.review", "view.campaigns"],
        )
        ids["project.blind"].setCheckable(True)
        menu(
            "P&roject",
            [
                "project.blind",
                "project.columns",
                "project.keys",
                None,
                "project.assign",
                "project.people",
            ],
        )
        ids["help.keys"].setShortcuts([QKeySequence("F1"), QKeySequence("?")])
        menu("&Help", ["help.keys"])

    def rebuild_label_actions(self) -> None:
        """One action per codebook label, with its key (after the codebook changed)."""
        for action in self.label_actions.values():
            self.removeAction(action)
            action.deleteLater()
        self.label_menu.clear()
        self.label_actions = {}
        if self.codebook is None:
            return
        specs = [
            ActionSpec(
                f"label.{label.key}",
                label.display_name,
                label.shortcut or None,
                lambda key=label.key: self.labeling.apply_label(key),
                tip=label.description,
                # Holding a key down must not label a run of posts.
                auto_repeat=False,
            )
            for label in self.codebook.labels
        ]
        self.label_actions = build_actions(self, specs)
        self.label_menu.addActions(list(self.label_actions.values()))

    def _restore_geometry(self) -> None:
        geometry = self.window_state.load("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1200, 760)
        splitter = self.window_state.load("splitter")
        if splitter is not None:
            self.labeling.splitter.restoreState(splitter)

    # ----- project, annotator, mode -------------------------------------------------------------

    def open_project(self, target: str | Path) -> bool:
        """Open a project; a bad file gets a sentence and the current project stays open."""
        try:
            project = open_project(target)
            codebook = codebook_of(project)
        except UserError as error:
            report_error(self, error)
            return False
        self.close_project()
        self.project = project
        self.codebook = codebook
        self.markers = marker_list(project)
        self.preferences.add_recent_project(project.location)
        self.rebuild_label_actions()
        self.actions_by_id["project.blind"].setChecked(blind_mode(project))
        if self.annotator_name is None:
            self._ask_annotator()
        self.queue_bar.set_choices(codebook, dataset_names(project))
        # An annotator the lead has handed posts to starts on those.
        name = self.annotator_name
        start = QueueMode("assigned") if name and has_assignments(project, name) else QueueMode()
        self.queue_bar.show_mode(start)
        self.set_mode(start, start_at=self._saved_position())
        self.review.set_context(project, self.annotator_name)
        self.campaigns.set_context(project, self.annotator_name, codebook)
        self.project_changed.emit()
        return True

    def _saved_position(self) -> int | None:
        if self.project is None or not self.annotator_name:
            return None
        return self.positions.load(self.project.location, self.annotator_name)

    def close_project(self) -> None:
        """Let the last edits land, empty every panel, then close the project."""
        if self.project is not None:
            self.project_closing.emit()
            self.labeling.set_context(None)
            self.browse.set_context(None, None, QueueMode(), blind=False)
            self.review.set_context(None, None)
            self.campaigns.set_context(None, None, None)
            self.undo_stack.clear()
            self.project.close()
            self.project = None
            self.project_changed.emit()

    def _ask_annotator(self) -> None:
        name, ok = QInputDialog.getText(
            self,
            "Who is labeling?",
            "Your annotator name (saved with every label you give):",
            text=self.preferences.annotator_name or getpass.getuser(),
        )
        name = name.strip()
        if ok and name:
            self.annotator_name = name
            self.preferences.annotator_name = name

    def switch_annotator(self) -> None:
        self.labeling.save_edits()
        previous = self.annotator_name
        self.annotator_name = None
        self._ask_annotator()
        if self.annotator_name is None:
            self.annotator_name = previous
        self.undo_stack.clear()
        self.set_mode(self.queue_bar.current_mode(), start_at=self._saved_position())
        self.review.set_context(self.project, self.annotator_name)
        self.campaigns.set_context(self.project, self.annotator_name, self.codebook)

    def set_mode(self, mode: QueueMode, start_at: int | None = None) -> None:
        """Walk a different set of posts (a view, a label, a dataset, a search)."""
        project, codebook = self.project, self.codebook
        if project is None or codebook is None or not self.annotator_name:
            self.labeling.set_context(None)
            self.refresh_actions()
            return
        blind = self.actions_by_id["project.blind"].isChecked()
        self.labeling.set_context(
            LabelingContext(
                project=project,
                annotator=self.annotator_name,
                codebook=codebook,
                mode=mode,
                blind=blind,
                extra_columns=shown_extra_columns(project),
                markers=self.markers,
                start_at=start_at,
            )
        )
        self.browse.set_context(project, self.annotator_name, mode, blind=blind)

    def open_post(self, post_id: int) -> None:
        """Show a post (from the browse table) in the labeling view."""
        self.tabs.setCurrentIndex(LABEL_TAB)
        self.labeling.open_post(post_id)

    def _tab_changed(self, index: int) -> None:
        if index == BROWSE_TAB:
            self.labeling.save_edits()
            self.browse.refresh()
        if index == REVIEW_TAB:
            self.labeling.save_edits()
            self.review.refresh()
        if index == CAMPAIGNS_TAB:
            self.labeling.save_edits()
            self.campaigns.refresh()
        self.refresh_actions()
        self.setFocus()

    def toggle_blind(self) -> None:
        if self.project is None:
            return
        set_blind_mode(self.project, self.actions_by_id["project.blind"].isChecked())
        self.set_mode(self.queue_bar.current_mode(), start_at=self.labeling.current_post_id)

    def choose_columns(self) -> None:
        post = self.labeling.queue.current_post() if self.labeling.queue else None
        if self.project is None or post is None:
            return
        available = ", ".join(post.extra) or "(this post has no extra columns)"
        current = ", ".join(shown_extra_columns(self.project))
        text, ok = QInputDialog.getText(
            self,
            "Extra columns shown",
            f"Columns to show with each post, separated by commas.\nAvailable: {available}",
            text=current,
        )
        if ok:
            columns = [c.strip() for c in text.split(",") if c.strip()]
            set_shown_extra_columns(self.project, columns)
            self.set_mode(self.queue_bar.current_mode(), start_at=post.id)

    def edit_label_keys(self) -> None:
        """Let the lead change which key applies which label (stored in the codebook)."""
        if self.project is None or self.codebook is None:
            return
        dialog = LabelKeysDialog(self.codebook, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.apply_label_keys(dialog.shortcuts())

    def apply_label_keys(self, shortcuts: dict[str, str]) -> None:
        if self.project is None:
            return
        other_actions = {
            action.shortcut().toString().casefold(): action.text().replace("&", "")
            for action in self.actions_by_id.values()
            if not action.shortcut().isEmpty()
        }
        for shortcut in shortcuts.values():
            taken = other_actions.get(shortcut.casefold())
            if shortcut and taken:
                report_error(self, UserError(f"the key {shortcut} already does “{taken}”"))
                return
        try:
            self.codebook = set_label_shortcuts(self.project, shortcuts)
        except UserError as error:
            report_error(self, error)
            return
        self.rebuild_label_actions()
        self.set_mode(self.queue_bar.current_mode(), start_at=self.labeling.current_post_id)

    # ----- assigning posts (lead) -------------------------------------------------------------

    def assign_posts_dialog(self) -> AssignDialog | None:
        """Choose the team and how many annotators per post in a window-modal dialog."""
        project = self.project
        if project is None:
            return None
        known = annotator_list(project)
        if self.annotator_name and self.annotator_name not in known:
            known.append(self.annotator_name)
        dialog = AssignDialog(known, dataset_names(project), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.assign(dialog.request()))
        dialog.open()
        return dialog

    def assign(self, request: AssignRequest) -> None:
        """Deal the posts without annotators; the current annotator then walks theirs."""
        project = self.project
        if project is None:
            return
        try:
            report = assign_posts(
                project,
                request.annotators,
                per_post=request.per_post,
                overlap=request.overlap,
                dataset=request.dataset,
                seed=request.seed,
            )
        except UserError as error:
            report_error(self, error)
            return
        text = report.summary()
        if report.posts == 0:
            text += "\n\nNo post was left without annotators, so nothing changed."
        self.statusBar().showMessage(report.summary(), 15000)
        QMessageBox.information(self, "Posts assigned", text)
        name = self.annotator_name
        if name and has_assignments(project, name):
            self.queue_bar.show_mode(QueueMode("assigned"))
            self.set_mode(QueueMode("assigned"))

    def edit_annotators(self) -> None:
        """Project > Rename or merge annotators: fix a misspelled name, or fold one
        spelling into another person (labels move; the later label wins)."""
        project = self.project
        if project is None:
            return
        names = annotator_list(project)
        if not names:
            return
        name, ok = QInputDialog.getItem(self, "Annotators", "Annotator:", names, 0, False)
        if not ok:
            return
        new, ok = QInputDialog.getText(
            self,
            "Annotators",
            f"New name for {name} (an existing annotator's name merges {name} into them):",
            text=name,
        )
        new = new.strip()
        if not ok or not new or new == name:
            return
        try:
            if new in names:
                summary = merge_annotators(project, name, new).summary(name, new)
            else:
                rename_annotator(project, name, new)
                summary = f"Renamed {name} to {new}."
        except UserError as error:
            report_error(self, error)
            return
        if self.annotator_name == name:
            self.annotator_name = new
            self.preferences.annotator_name = new
        self.statusBar().showMessage(summary, 15000)
        self.review.set_context(project, self.annotator_name)
        self.campaigns.set_context(project, self.annotator_name, self.codebook)
        self.set_mode(self.queue_bar.current_mode(), start_at=self.labeling.current_post_id)

    def show_help(self) -> None:
        HelpOverlay(self.menuBar(), self).open()

    def open_cluster(self) -> None:
        """Post > Open this post's cluster: what clicking the cluster badge does."""
        if self.labeling.cluster_badge.cluster is None:
            self.statusBar().showMessage("This post is in no cluster of same-text posts.", 8000)
            return
        self.labeling.open_cluster()

    def _labels_changed(self) -> None:
        """A cluster was labeled (or that undone) from the Campaigns tab."""
        if self.labeling.queue is not None:
            self.labeling.queue.refresh_labeled()
        self.labeling.show_current()
        self.refresh_actions()

    def _focus_notes(self) -> None:
        self.tabs.setCurrentIndex(LABEL_TAB)
        self.labeling.label_panel.notes.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _focus_sponsor(self) -> None:
        self.tabs.setCurrentIndex(LABEL_TAB)
        self.labeling.label_panel.sponsor.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def refresh_actions(self) -> None:
        """Enable what applies to the tab and post shown; status bar and title follow."""
        queue = self.labeling.queue
        has_post = queue is not None and queue.current_id is not None
        labeling = self.tabs.currentIndex() not in (REVIEW_TAB, CAMPAIGNS_TAB)
        for action in (
            *self.label_actions.values(),
            *(
                self.actions_by_id[i]
                for i in ("post.evidence", "post.skip", "post.flag", "post.cluster")
            ),
        ):
            action.setEnabled(has_post and labeling)
        for action_id in NOT_IN_REVIEW:
            self.actions_by_id[action_id].setEnabled(labeling)
        for action_id in (
            "file.import",
            "file.export",
            "file.merge",
            "file.restore",
            "file.annotator",
            "project.blind",
            "project.columns",
            "project.assign",
            "project.people",
        ):
            self.actions_by_id[action_id].setEnabled(self.project is not None)
        if queue is not None and self.project is not None:
            total = queue.total_posts()
            self.progress_label.setText(f"{queue.labeled_count:,} of {total:,} labeled by me")
            self.progress_bar.setRange(0, max(total, 1))
            self.progress_bar.setValue(min(queue.labeled_count, total))
            self.progress_bar.show()
            if queue.current_id is not None and self.annotator_name:
                self.positions.save(self.project.location, self.annotator_name, queue.current_id)
        else:
            self.progress_label.setText("")
            self.progress_bar.hide()
        self.annotator_label.setText(
            f"Annotator: {self.annotator_name}" if self.annotator_name else "No annotator"
        )
        parts = []  # "<project> — <annotator> — annotator", the document first
        if self.project is not None:
            parts.append(Path(self.project.location).stem)
            if self.annotator_name:
                parts.append(self.annotator_name)
        self.setWindowTitle(" — ".join([*parts, "annotator"]))

    # ----- closing -------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.tasks.wait()
        self.window_state.save("geometry", self.saveGeometry())
        self.window_state.save("splitter", self.labeling.splitter.saveState())
        self.close_project()
        event.accept()
