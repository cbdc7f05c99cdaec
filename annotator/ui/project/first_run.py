"""What the main window gains for a first run and for everyday labeling: the welcome page
while no project is open, the Codebook and Guidelines docks, the tour and the About
dialog, with their actions in the File, View and Help menus.

Kept out of main_window.py so the window stays a composition of parts; the window calls
``install_first_run(self)`` once and emits ``project_changed``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QStackedWidget, QWidget

from annotator.domain.codebook import Codebook
from annotator.ui.actions import ActionSpec, build_actions
from annotator.ui.labeling.codebook_panel import CodebookPanel
from annotator.ui.labeling.guidelines_panel import GuidelinesPanel
from annotator.ui.project.about_dialog import AboutDialog
from annotator.ui.project.tour import TourDialog
from annotator.ui.project.welcome import WelcomePage, new_project_from_file, open_sample_project

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

#: Where the docks are kept between sessions (beside the window geometry).
DOCK_STATE = "docks"


def install_first_run(window: MainWindow) -> FirstRun:
    return FirstRun(window)


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


def _menu(window: MainWindow, title: str) -> QMenu:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text() == title:
            return menu
    raise LookupError(f"the main window has no menu {title!r}")


class FirstRun(QObject):
    """Switches between the welcome page and the workspace as projects open and close."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.welcome = WelcomePage(window.preferences)
        self.workspace = window.takeCentralWidget()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.workspace)
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
        state = window.window_state.load(DOCK_STATE)
        if state is not None:
            window.restoreState(state)
        #: Which docks the person wants while a project is open (hidden on the welcome page).
        self.wanted = {dock: dock.isVisibleTo(window) for dock in self.docks}

        self.actions = self._build_actions()
        window.actions_by_id.update(self.actions)
        self.dock_actions = {
            self.codebook_dock: self.actions["view.codebook"],
            self.guidelines_dock: self.actions["view.guidelines"],
        }
        for dock, action in self.dock_actions.items():
            action.setCheckable(True)
            dock.visibilityChanged.connect(lambda _v, d=dock, a=action: self._sync(d, a))

        self.welcome.open_requested.connect(window.open_project)
        self.welcome.sample_requested.connect(lambda: open_sample_project(window))
        self.welcome.new_from_file_requested.connect(lambda: new_project_from_file(window))
        self.welcome.choose_requested.connect(window.choose_project)
        self.welcome.tour_requested.connect(self.show_tour)
        self.codebook_panel.codebook_edited.connect(self.codebook_edited)
        # While the Codebook panel shows the definitions, the label buttons need not.
        self.codebook_dock.visibilityChanged.connect(
            lambda visible: window.labeling.label_panel.set_descriptions_visible(not visible)
        )
        window.project_changed.connect(self.project_changed)
        window.project_closing.connect(self.guidelines_panel.keep_edits)
        window.labeling.changed.connect(self.follow_labeling)
        window.installEventFilter(self)
        self.project_changed()

    # ----- actions --------------------------------------------------------------------------

    def _build_actions(self) -> dict[str, QAction]:
        window = self.window
        specs = [
            ActionSpec(
                "file.welcome",
                "Close project and show &welcome screen",
                QKeySequence.StandardKey.Close,
                self.close_project,
            ),
            ActionSpec(
                "view.codebook",
                "&Codebook: definitions and examples",
                "Ctrl+Shift+B",
                lambda: self.toggle_dock(self.codebook_dock),
            ),
            ActionSpec(
                "view.guidelines",
                "&Guidelines",
                "Ctrl+Shift+G",
                lambda: self.toggle_dock(self.guidelines_dock),
            ),
            ActionSpec("help.tour", "&Tour of the labeling keys", None, self.show_tour),
            ActionSpec("help.about", "&About annotator", None, self.show_about),
        ]
        actions = build_actions(window, specs)
        actions["help.about"].setMenuRole(QAction.MenuRole.AboutRole)
        # Beside Quit, as "Close" sits in most apps' File menus.
        _menu(window, "&File").insertAction(
            window.actions_by_id["file.quit"], actions["file.welcome"]
        )
        view_menu = _menu(window, "&View")
        view_menu.addSeparator()
        view_menu.addActions([actions["view.codebook"], actions["view.guidelines"]])
        help_menu = _menu(window, "&Help")
        help_menu.addAction(actions["help.tour"])
        help_menu.addSeparator()
        help_menu.addAction(actions["help.about"])
        return actions

    def _sync(self, dock: QDockWidget, action: QAction) -> None:
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

    # ----- following the window -------------------------------------------------------------

    def project_changed(self) -> None:
        """Welcome page with no project; the workspace and the wanted docks with one."""
        window, project = self.window, self.window.project
        if project is None:
            if self.stack.currentWidget() is self.workspace:
                self.wanted = {dock: dock.isVisibleTo(window) for dock in self.docks}
            for dock in self.docks:
                dock.hide()
            self.welcome.refresh()
            self.stack.setCurrentWidget(self.welcome)
            self.welcome.focus_first()
        else:
            self.stack.setCurrentWidget(self.workspace)
            for dock, wanted in self.wanted.items():
                dock.setVisible(wanted)
            window.setFocus()
        self.codebook_panel.set_context(project, window.codebook if project else None)
        self.guidelines_panel.set_context(project)
        for action_id in ("file.welcome", "view.codebook", "view.guidelines"):
            self.actions[action_id].setEnabled(project is not None)
        self.follow_labeling()

    def follow_labeling(self) -> None:
        """Keep the codebook shown in step (label keys may change) and outline the label
        given to the post on screen."""
        window = self.window
        if window.project is not None and window.codebook != self.codebook_panel.codebook:
            self.codebook_panel.set_context(window.project, window.codebook)
        annotation = window.labeling.annotation
        self.codebook_panel.show_current(annotation.label_key if annotation else None)

    def codebook_edited(self, codebook: Codebook) -> None:
        """A definition changed: the label actions' tips and the label buttons follow."""
        window = self.window
        window.codebook = codebook
        window.rebuild_label_actions()
        window.refresh_actions()  # enables the new label actions when a post is shown
        window.labeling.label_panel.set_codebook(codebook)
        if window.labeling.context is not None:
            window.labeling.context.codebook = codebook

    # ----- commands ----------------------------------------------------------------------------

    def close_project(self) -> None:
        """File > Close project: save what is typed, close, show the welcome page."""
        window = self.window
        if window.project is None:
            return
        if window.tasks.busy:
            window.statusBar().showMessage("Wait for the import or export to finish.", 8000)
            return
        window.close_project()
        window.refresh_actions()

    def show_tour(self) -> TourDialog:
        window = self.window
        dialog = TourDialog(window.codebook, window.actions_by_id, window)
        dialog.open()
        return dialog

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.window.project, self.window)
        dialog.open()
        return dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keep the docks' places when the window closes with a project open (closing
        without one would record them hidden for the welcome page)."""
        if (
            watched is self.window
            and event.type() == QEvent.Type.Close
            and self.window.project is not None
        ):
            self.window.window_state.save(DOCK_STATE, self.window.saveState())
        return False
