"""The main window: composes the post and label panels, menus, undo stack and tasks."""

from __future__ import annotations

import getpass
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
)

from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.domain.records import AnnotationChange
from annotator.services.annotating import (
    SetAnnotationCommand,
    current_annotation,
    save_annotation,
)
from annotator.services.exporting import export_posts
from annotator.services.importing import ImportOptions, import_dataset
from annotator.services.labeling_queue import LabelingQueue
from annotator.services.projects import Project, codebook_of, init_project, open_project
from annotator.ui.actions import ActionSpec, build_actions
from annotator.ui.errors import report_error
from annotator.ui.import_dialog import ImportDialog
from annotator.ui.label_panel import LabelPanel
from annotator.ui.post_panel import PostPanel
from annotator.ui.settings import Preferences, WindowState
from annotator.ui.tasks import TaskRunner
from annotator.ui.undo import AnnotationUndoCommand

PROJECT_FILTER = "annotator projects (*.annotator);;All files (*)"
DATASET_FILTER = (
    "Datasets (*.csv *.tsv *.txt *.jsonl *.ndjson *.json *.xlsx *.xls *.ods *.parquet)"
    ";;All files (*)"
)
EXPORT_FILTERS = {
    "CSV (*.csv)": ".csv",
    "Excel workbook (*.xlsx)": ".xlsx",
    "JSON Lines (*.jsonl)": ".jsonl",
    "Parquet (*.parquet)": ".parquet",
}


class MainWindow(QMainWindow):
    """One post at a time: label keys save and advance, arrows move, File menu does the rest."""

    def __init__(self, preferences: Preferences, annotator_name: str | None = None) -> None:
        super().__init__()
        self.preferences = preferences
        self.window_state = WindowState()
        self.project: Project | None = None
        self.codebook: Codebook | None = None
        self.queue: LabelingQueue | None = None
        self.annotator_name = annotator_name or preferences.annotator_name or None
        self.undo_stack = QUndoStack(self)
        self.tasks = TaskRunner(self)
        self._shown_at = time.monotonic()
        self._notes_loaded = ""

        self.post_panel = PostPanel()
        self.label_panel = LabelPanel()
        self.label_panel.label_chosen.connect(self.apply_label)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.post_panel)
        splitter.addWidget(self.label_panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        self.setCentralWidget(splitter)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.progress_label = QLabel()
        self.annotator_label = QLabel()
        self.statusBar().addPermanentWidget(self.annotator_label)
        self.statusBar().addPermanentWidget(self.progress_label)

        self.actions_by_id = build_actions(self, self._action_specs())
        self.label_actions: dict[str, QAction] = {}
        self._build_menus()
        self._restore_geometry()
        self._refresh()

    # ----- construction -------------------------------------------------------------------

    def _action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec("file.new", "&New project…", QKeySequence.StandardKey.New, self.new_project),
            ActionSpec(
                "file.open", "&Open project…", QKeySequence.StandardKey.Open, self.choose_project
            ),
            ActionSpec("file.import", "&Import dataset…", "Ctrl+I", self.choose_import),
            ActionSpec("file.export", "&Export…", "Ctrl+E", self.choose_export),
            ActionSpec("file.annotator", "Switch &annotator…", None, self.switch_annotator),
            ActionSpec("file.quit", "&Quit", QKeySequence.StandardKey.Quit, self.close),
            ActionSpec("go.next", "&Next post", "Right", self.go_next, auto_repeat=True),
            ActionSpec("go.previous", "&Previous post", "Left", self.go_previous),
            ActionSpec(
                "go.next_unlabeled", "Next &unlabeled post", "Ctrl+Right", self.go_next_unlabeled
            ),
        ]

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action_id in ("file.new", "file.open", "file.import", "file.export"):
            file_menu.addAction(self.actions_by_id[action_id])
        file_menu.addSeparator()
        file_menu.addAction(self.actions_by_id["file.annotator"])
        file_menu.addSeparator()
        file_menu.addAction(self.actions_by_id["file.quit"])

        edit_menu = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        self.actions_by_id["edit.undo"] = undo
        self.actions_by_id["edit.redo"] = redo

        self.label_menu = bar.addMenu("&Label")
        go_menu = bar.addMenu("&Go")
        for action_id in ("go.next", "go.previous", "go.next_unlabeled"):
            go_menu.addAction(self.actions_by_id[action_id])

    def _rebuild_label_actions(self) -> None:
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
                lambda key=label.key: self.apply_label(key),
                tip=label.description,
                # Holding a key down must not label a run of posts.
                auto_repeat=False,
            )
            for label in self.codebook.labels
        ]
        self.label_actions = build_actions(self, specs)
        for action in self.label_actions.values():
            self.label_menu.addAction(action)
        self.label_panel.set_codebook(self.codebook)

    def _restore_geometry(self) -> None:
        geometry = self.window_state.load("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1100, 700)
        splitter = self.window_state.load("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    # ----- project and annotator ------------------------------------------------------------

    def open_project(self, target: str | Path) -> bool:
        """Open a project; a bad file gets a sentence and the current project stays open."""
        try:
            project = open_project(target)
            codebook = codebook_of(project)
        except UserError as error:
            report_error(self, error)
            return False
        self._close_project()
        self.project = project
        self.codebook = codebook
        self.preferences.add_recent_project(project.location)
        self._rebuild_label_actions()
        if self.annotator_name is None:
            self._ask_annotator()
        self._reload_queue()
        return True

    def _close_project(self) -> None:
        if self.project is not None:
            self._save_notes_if_changed()
            self.undo_stack.clear()
            self.project.close()
        self.project = None
        self.queue = None

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
        self._save_notes_if_changed()
        previous = self.annotator_name
        self.annotator_name = None
        self._ask_annotator()
        if self.annotator_name is None:
            self.annotator_name = previous
        self.undo_stack.clear()
        self._reload_queue()

    def _reload_queue(self) -> None:
        self.queue = None
        if self.project is not None and self.annotator_name:
            self.queue = LabelingQueue(self.project, self.annotator_name)
        self._show_current()

    # ----- labeling ----------------------------------------------------------------------------

    def apply_label(self, key: str) -> None:
        """Save ``key`` for the current post (with the notes) and move to the next unlabeled."""
        if self.queue is None or self.project is None or self.annotator_name is None:
            return
        post_id = self.queue.current_id
        if post_id is None:
            return
        previous = current_annotation(self.project, post_id=post_id, annotator=self.annotator_name)
        change = AnnotationChange(
            post_id=post_id,
            annotator=self.annotator_name,
            label_key=key,
            notes=self.label_panel.notes.toPlainText(),
            sponsor=previous.sponsor if previous else "",
            evidence=previous.evidence if previous else (),
            seconds_spent=(previous.seconds_spent if previous else 0.0) + self._elapsed(),
        )
        try:
            self.undo_stack.push(
                AnnotationUndoCommand(SetAnnotationCommand(self.project, change), self._applied)
            )
        except UserError as error:
            report_error(self, error)
            return
        self._notes_loaded = change.notes
        if not self.queue.advance():
            self.statusBar().showMessage("Every post is labeled. Well done.", 8000)
        self._show_current()

    def _applied(self, change: AnnotationChange, labeled: bool) -> None:
        """After do/undo/redo: keep the labeled set right and show the post that changed."""
        if self.queue is None:
            return
        self.queue.refresh_labeled()
        if self.queue.current_id != change.post_id:
            self.queue.go_to_post(change.post_id)
        self._show_current()

    def _elapsed(self) -> float:
        return round(time.monotonic() - self._shown_at, 3)

    def _save_notes_if_changed(self) -> None:
        """Notes edited after labeling are saved when the annotator moves on."""
        if self.queue is None or self.project is None or self.annotator_name is None:
            return
        post_id = self.queue.current_id
        notes = self.label_panel.notes.toPlainText()
        if post_id is None or notes == self._notes_loaded:
            return
        existing = current_annotation(self.project, post_id=post_id, annotator=self.annotator_name)
        if existing is None:
            return  # notes without a label are kept only when a label is given
        save_annotation(self.project, replace(existing.as_change(), notes=notes))
        self._notes_loaded = notes

    def go_next(self) -> None:
        self._move(lambda queue: queue.go_next())

    def go_previous(self) -> None:
        self._move(lambda queue: queue.go_previous())

    def go_next_unlabeled(self) -> None:
        self._move(lambda queue: queue.go_to_next_unlabeled())

    def _move(self, how: Any) -> None:
        if self.queue is None:
            return
        self._save_notes_if_changed()
        if how(self.queue):
            self._show_current()

    def _show_current(self) -> None:
        post = self.queue.current_post() if self.queue is not None else None
        annotation = None
        if post is not None and self.project is not None and self.annotator_name:
            annotation = current_annotation(
                self.project, post_id=post.id, annotator=self.annotator_name
            )
        if post is not None and self.queue is not None:
            self.post_panel.show_post(post, position=self.queue.position, total=len(self.queue))
        elif self.project is None:
            self.post_panel.show_message("Open or create a project from the File menu.")
        elif not self.annotator_name:
            self.post_panel.show_message("Choose who is labeling: File > Switch annotator.")
        else:
            self.post_panel.show_message(
                "This project has no posts yet: File > Import dataset to add some."
            )
        self._notes_loaded = annotation.notes if annotation else ""
        self.label_panel.notes.setPlainText(self._notes_loaded)
        self.label_panel.show_current(annotation.label_key if annotation else None)
        self._shown_at = time.monotonic()
        # Every new post starts with the keys on labeling, not in the notes field.
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self._refresh()

    def _refresh(self) -> None:
        has_post = self.queue is not None and self.queue.current_id is not None
        self.label_panel.set_enabled(has_post)
        for action in self.label_actions.values():
            action.setEnabled(has_post)
        for action_id in ("file.import", "file.export"):
            self.actions_by_id[action_id].setEnabled(self.project is not None)
        self.actions_by_id["file.annotator"].setEnabled(self.project is not None)
        if self.queue is not None:
            self.progress_label.setText(f"{self.queue.labeled_count} of {len(self.queue)} labeled")
        else:
            self.progress_label.setText("")
        self.annotator_label.setText(
            f"Annotator: {self.annotator_name}" if self.annotator_name else "No annotator"
        )
        parts = ["annotator"]
        if self.project is not None:
            parts.append(Path(self.project.location).name)
        if self.annotator_name:
            parts.append(self.annotator_name)
        self.setWindowTitle(" — ".join(parts))

    # ----- file menu ---------------------------------------------------------------------------

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New project", "", PROJECT_FILTER)
        if not path:
            return
        if not Path(path).suffix:
            path += ".annotator"
        try:
            init_project(path).close()
        except UserError as error:
            report_error(self, error)
            return
        self.open_project(path)

    def choose_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", "", PROJECT_FILTER)
        if path:
            self.open_project(path)

    def choose_import(self) -> None:
        if self.project is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, "Import dataset", "", DATASET_FILTER)
        if path:
            self.open_import_dialog(Path(path))

    def open_import_dialog(self, path: Path) -> ImportDialog:
        """Preview and map the file in a window-modal dialog; Import starts the import."""
        dialog = ImportDialog(path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.start_import(path, dialog.options()))
        dialog.open()
        return dialog

    def start_import(self, path: Path, options: ImportOptions | None = None) -> CancelToken | None:
        project = self.project
        if project is None:
            return None

        def job(progress: ProgressCallback, cancel: CancelToken) -> Any:
            return import_dataset(project, path, options, progress=progress, cancel=cancel)

        def done(report: Any) -> None:
            self._reload_queue()
            self.statusBar().showMessage(report.summary(), 15000)
            QMessageBox.information(
                self, "Import finished", "\n\n".join([report.summary(), *report.details()])
            )

        return self.tasks.start(
            f"Importing {path.name}", job, done, self._task_failed, self._task_cancelled
        )

    def choose_export(self) -> None:
        if self.project is None:
            return
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export posts", "", ";;".join(EXPORT_FILTERS)
        )
        if not path:
            return
        if not Path(path).suffix:
            path += EXPORT_FILTERS.get(chosen, ".csv")
        self.start_export(Path(path))

    def start_export(self, path: Path) -> CancelToken | None:
        project = self.project
        if project is None:
            return None
        self._save_notes_if_changed()

        def job(progress: ProgressCallback, cancel: CancelToken) -> Any:
            return export_posts(project, path, progress=progress, cancel=cancel)

        def done(report: Any) -> None:
            self.statusBar().showMessage(f"Exported {report.rows} posts to {report.path}", 15000)

        return self.tasks.start(
            f"Exporting to {path.name}", job, done, self._task_failed, self._task_cancelled
        )

    def _task_failed(self, error: BaseException) -> None:
        report_error(self, error)

    def _task_cancelled(self) -> None:
        self.statusBar().showMessage("Cancelled; nothing was changed.", 8000)

    # ----- closing -------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.tasks.wait()
        self.window_state.save("geometry", self.saveGeometry())
        self.window_state.save("splitter", self.splitter.saveState())
        self._close_project()
        event.accept()
