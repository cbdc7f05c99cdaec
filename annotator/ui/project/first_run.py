"""The first-run and everyday parts around the work area: the welcome page while no
project is open, the Codebook and Guidelines docks, the tour and the About dialog.

A controller with typed collaborators; it follows the workspace's ``changed`` signal
(project opened or closed, codebook edited, post shown) and builds its actions as specs
that the main window places in its menus by id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QStackedWidget, QWidget

from annotator.domain.changes import Change, Changes
from annotator.ui.actions import ActionId, ActionSpec
from annotator.ui.labeling.codebook_panel import CodebookPanel
from annotator.ui.labeling.guidelines_panel import GuidelinesPanel
from annotator.ui.labeling.label_panel import LabelPanel
from annotator.ui.project.about_dialog import AboutDialog
from annotator.ui.project.file_jobs import FileJobs
from annotator.ui.project.tour import TourDialog
from annotator.ui.project.welcome import WelcomePage
from annotator.ui.settings import Preferences, WindowState
from annotator.ui.tasks import TaskRunner
from annotator.ui.workspace import Workspace

#: Where the docks are kept between sessions (beside the window geometry).
DOCK_STATE = "docks"


def _dock(title: str, name: str, panel: QWidget) -> QDockWidget:
    dock = QDockWidget(title)
    dock.setObjectName(name)  # saveState/restoreState find docks by name
    dock.setWidget(panel)
    dock.setAllowedAreas(
        Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
    )
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetClosable
        | QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
    )
    return dock


class FirstRun(QObject):
    """Switches between the welcome page and the work area as projects open and close."""

    def __init__(
        self,
        *,
        window: QMainWindow,
        work_area: QWidget,
        workspace: Workspace,
        preferences: Preferences,
        window_state: WindowState,
        file_jobs: FileJobs,
        tasks: TaskRunner,
        label_panel: LabelPanel,
        actions: Callable[[], Mapping[str, QAction]],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.workspace = workspace
        self.window_state = window_state
        self.tasks = tasks
        self._actions = actions
        self.welcome = WelcomePage(preferences)
        self.work_area = work_area
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(work_area)
        window.setCentralWidget(self.stack)

        self.codebook_panel = CodebookPanel()
        self.codebook_dock = _dock("Codebook", "codebookDock", self.codebook_panel)
        self.guidelines_panel = GuidelinesPanel()
        self.guidelines_dock = _dock("Guidelines", "guidelinesDock", self.guidelines_panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.codebook_dock)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.guidelines_dock)
        window.tabifyDockWidget(self.codebook_dock, self.guidelines_dock)
        self.guidelines_dock.hide()
        self.codebook_dock.raise_()
        self.codebook_dock.setMinimumWidth(260)
        window.resizeDocks([self.codebook_dock], [330], Qt.Orientation.Horizontal)
        self.docks = (self.codebook_dock, self.guidelines_dock)
        state = window_state.load(DOCK_STATE)
        if state is not None:
            window.restoreState(state)
        #: Which docks the person wants while a project is open (hidden on the welcome page).
        self.wanted = {dock: dock.isVisibleTo(window) for dock in self.docks}

        self.welcome.open_requested.connect(file_jobs.open_project)
        self.welcome.sample_requested.connect(file_jobs.open_sample_project)
        self.welcome.new_from_file_requested.connect(file_jobs.new_project_from_file)
        self.welcome.choose_requested.connect(file_jobs.choose_project)
        self.welcome.tour_requested.connect(self.show_tour)
        self.codebook_panel.codebook_edited.connect(workspace.set_codebook)
        # While the Codebook panel shows the definitions, the label buttons need not.
        self.codebook_dock.visibilityChanged.connect(
            lambda visible: label_panel.set_descriptions_visible(not visible)
        )
        workspace.changed.connect(self._on_changed)
        workspace.closing.connect(self.guidelines_panel.keep_edits)
        window.installEventFilter(self)
        self.dock_actions: dict[QDockWidget, QAction] = {}
        self.actions: Mapping[str, QAction] = {}
        self.project_changed()

    # ----- actions --------------------------------------------------------------------------

    def action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec(
                ActionId.FILE_WELCOME,
                "Close project and show &welcome screen",
                QKeySequence.StandardKey.Close,
                self.close_project,
            ),
            ActionSpec(
                ActionId.VIEW_CODEBOOK,
                "&Codebook: definitions and examples",
                "Ctrl+Shift+B",
                lambda: self.toggle_dock(self.codebook_dock),
                checkable=True,
            ),
            ActionSpec(
                ActionId.VIEW_GUIDELINES,
                "&Guidelines",
                "Ctrl+Shift+G",
                lambda: self.toggle_dock(self.guidelines_dock),
                checkable=True,
            ),
            ActionSpec(ActionId.HELP_TOUR, "&Tour of the labeling keys", None, self.show_tour),
            ActionSpec(ActionId.HELP_ABOUT, "&About annotator", None, self.show_about),
        ]

    def attach(self, actions: Mapping[str, QAction]) -> None:
        """Once the window has built the actions: keep the dock toggles in step."""
        self.actions = actions
        actions[ActionId.HELP_ABOUT].setMenuRole(QAction.MenuRole.AboutRole)
        self.dock_actions = {
            self.codebook_dock: actions[ActionId.VIEW_CODEBOOK],
            self.guidelines_dock: actions[ActionId.VIEW_GUIDELINES],
        }
        for dock, action in self.dock_actions.items():
            dock.visibilityChanged.connect(lambda _v, d=dock, a=action: self._sync(d, a))
            self._sync(dock, action)
        self.project_changed()

    def _sync(self, dock: QDockWidget, action: QAction) -> None:
        if not shiboken6.isValid(self.window):  # docks still report while the window is torn down
            return
        action.setChecked(dock.isVisibleTo(self.window))

    def toggle_dock(self, dock: QDockWidget) -> None:
        """Show the dock (in front, if tabbed with another), or hide it when in view."""
        in_view = dock.isVisible() and not dock.visibleRegion().isEmpty()
        if in_view:
            dock.hide()
        else:
            dock.show()
            dock.raise_()
        self.wanted[dock] = not in_view
        self._sync(dock, self.dock_actions[dock])

    # ----- following the workspace ----------------------------------------------------

    def _on_changed(self, what: Changes) -> None:
        if what.touches(Change.PROJECT):
            self.project_changed()
        elif what.touches(Change.CODEBOOK | Change.CURRENT_POST | Change.LABELS):
            self.follow_labeling()

    def project_changed(self) -> None:
        """Welcome page with no project; the work area and the wanted docks with one."""
        window, project = self.window, self.workspace.project
        if project is None:
            if self.stack.currentWidget() is self.work_area:
                self.wanted = {dock: dock.isVisibleTo(window) for dock in self.docks}
            for dock in self.docks:
                dock.hide()
            self.welcome.refresh()
            self.stack.setCurrentWidget(self.welcome)
            self.welcome.focus_first()
        else:
            self.stack.setCurrentWidget(self.work_area)
            for dock, wanted in self.wanted.items():
                dock.setVisible(wanted)
            window.setFocus()
        self.codebook_panel.set_context(project, self.workspace.codebook if project else None)
        self.guidelines_panel.set_context(project)
        for action_id in (ActionId.FILE_WELCOME, ActionId.VIEW_CODEBOOK, ActionId.VIEW_GUIDELINES):
            action = self.actions.get(action_id)
            if action is not None:
                action.setEnabled(project is not None)
        self.follow_labeling()

    def follow_labeling(self) -> None:
        """Keep the codebook shown in step (label keys may change) and outline the label
        given to the post on screen."""
        workspace = self.workspace
        if workspace.project is not None and workspace.codebook != self.codebook_panel.codebook:
            self.codebook_panel.set_context(workspace.project, workspace.codebook)
        self.codebook_panel.show_current(workspace.current_label_key)

    # ----- commands ----------------------------------------------------------------------------

    def close_project(self) -> None:
        """File > Close project: save what is typed, close, show the welcome page."""
        if self.workspace.project is None:
            return
        if self.tasks.busy:
            self.window.statusBar().showMessage("Wait for the import or export to finish.", 8000)
            return
        self.workspace.close()

    def show_tour(self) -> TourDialog:
        dialog = TourDialog(self.workspace.codebook, dict(self._actions()), self.window)
        dialog.open()
        return dialog

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.workspace.project, self.window)
        dialog.open()
        return dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keep the docks' places when the window closes with a project open (closing
        without one would record them hidden for the welcome page)."""
        if (
            watched is self.window
            and event.type() == QEvent.Type.Close
            and self.workspace.project is not None
        ):
            self.window_state.save(DOCK_STATE, self.window.saveState())
        return False
