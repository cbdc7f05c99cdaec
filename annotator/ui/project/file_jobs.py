"""The File menu's jobs for the main window: new, open, import, export, merge, restore,
and the campaign search that follows every import.

A mixin of ``MainWindow`` (it uses the window's project, panels, task runner and status
bar), kept apart so the window composes panels instead of holding every job itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.services.clusters.clustering import find_clusters
from annotator.services.labeling.browsing import annotator_list, dataset_names
from annotator.services.project.backups import project_backups, restore
from annotator.services.project.projects import init_project
from annotator.services.team.packages import merge
from annotator.ui.errors import report_error
from annotator.ui.tasks import run_in_background

if TYPE_CHECKING:  # the import and export modules load pandas: only when first used
    from annotator.services.exports.exporting import ExportOptions
    from annotator.services.imports.importing import ImportOptions
    from annotator.ui.project.export_dialog import ExportDialog
    from annotator.ui.project.import_dialog import ImportDialog

PROJECT_FILTER = "annotator projects (*.annotator);;All files (*)"
DATASET_FILTER = (
    "Datasets (*.csv *.tsv *.txt *.jsonl *.ndjson *.json *.xlsx *.xls *.ods *.parquet)"
    ";;All files (*)"
)


class FileJobs:
    """File menu actions; every attribute used here belongs to ``MainWindow``."""

    project: Any
    codebook: Any
    labeling: Any
    queue_bar: Any
    tasks: Any
    clustering_finished: Any
    _clustering: dict[int, CancelToken]

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
        from annotator.ui.project.import_dialog import ImportDialog

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
            from annotator.services.imports.importing import import_dataset

            return import_dataset(project, path, options, progress=progress, cancel=cancel)

        def done(report: Any) -> None:
            self.queue_bar.set_choices(self.codebook, dataset_names(project))
            self.set_mode(self.queue_bar.current_mode(), start_at=self.labeling.current_post_id)
            self.statusBar().showMessage(report.summary(), 15000)
            QMessageBox.information(
                self, "Import finished", "\n\n".join([report.summary(), *report.details()])
            )
            self.start_clustering()

        return self.tasks.start(
            f"Importing {path.name}", job, done, self.task_failed, self.task_cancelled
        )

    def _timed_backup(self) -> None:
        """Every few minutes of an open SQLite project: a rolling backup."""
        if self.project is not None and not self.tasks.busy:
            self.project.backup("timer")

    def choose_backup(self) -> None:
        """File > Restore backup: put an earlier copy of the project file back."""
        project = self.project
        if project is None or not project.is_sqlite:
            return
        location = project.location
        backups = project_backups(project)
        if not backups:
            QMessageBox.information(self, "Restore backup", "This project has no backups yet.")
            return
        names = [b.name for b in backups]
        name, ok = QInputDialog.getItem(
            self, "Restore backup", "Backup to restore (newest first):", names, 0, False
        )
        if not ok:
            return
        self.close_project()
        safety = restore(location, backups[names.index(name)])
        self.open_project(location)
        self.statusBar().showMessage(
            f"Restored {name}; the project as it was is kept as {safety.name if safety else '-'}",
            15000,
        )

    def choose_packages(self) -> None:
        """File > Merge packages: bring annotators' offline work back into this project."""
        if self.project is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(self, "Merge packages", "", PROJECT_FILTER)
        if paths:
            self.merge_packages([Path(p) for p in paths])

    def merge_packages(self, paths: list[Path]) -> None:
        project = self.project
        if project is None:
            return
        self.labeling.save_edits()
        summaries = []
        for path in paths:
            try:
                summaries.append(merge(project, path).summary())
            except UserError as error:
                report_error(self, error)
                break
        if summaries:
            self.set_mode(self.queue_bar.current_mode(), start_at=self.labeling.current_post_id)
            QMessageBox.information(self, "Merge finished", "\n\n".join(summaries))

    def start_clustering(self) -> CancelToken | None:
        """Find copy-paste campaigns in the background (after every import)."""
        project = self.project
        if project is None:
            return None
        running = self._clustering.get(id(project))
        if running is not None and not running.cancelled:
            self.statusBar().showMessage("Still looking for posts with the same text…", 8000)
            return running

        def job(cancel: CancelToken) -> Any:
            return find_clusters(project, cancel=cancel)

        def done(count: Any) -> None:
            self._clustering.pop(id(project), None)
            self.statusBar().showMessage(f"{count:,} groups of posts with the same text", 8000)
            if self.project is project:
                self.labeling.cluster_badge.forget()
                self.labeling.show_current()
            self.clustering_finished.emit()

        def failed(error: BaseException) -> None:
            self._clustering.pop(id(project), None)
            self.task_failed(error)

        self.statusBar().showMessage("Looking for posts with the same text…")
        token = run_in_background(self, job, done, failed)
        self._clustering[id(project)] = token
        return token

    def choose_export(self) -> ExportDialog | None:
        """Set up the export in a window-modal dialog; its Export button starts it."""
        project = self.project
        if project is None or self.codebook is None:
            return None
        location = Path(project.location)
        from annotator.ui.project.export_dialog import ExportDialog

        dialog = ExportDialog(
            self.codebook,
            dataset_names(project),
            annotator_list(project),
            self,
            folder=location.parent if location.is_file() else None,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.start_export(dialog.out_path(), dialog.options()))
        dialog.open()
        return dialog

    def start_export(self, path: Path, options: ExportOptions | None = None) -> CancelToken | None:
        """Run the export with a progress dialog; Cancel leaves no file behind."""
        project = self.project
        if project is None:
            return None
        self.labeling.save_edits()
        from annotator.services.exports.exporting import ExportOptions

        chosen = options or ExportOptions()

        def job(progress: ProgressCallback, cancel: CancelToken) -> Any:
            from annotator.services.exports.export_any import export_any

            return export_any(project, path, chosen, progress=progress, cancel=cancel)

        def done(result: Any) -> None:
            self.statusBar().showMessage(result.summary(), 15000)
            if result.warnings:
                QMessageBox.information(
                    self, "Export finished", "\n\n".join([result.summary(), *result.warnings])
                )

        return self.tasks.start(
            f"Exporting to {path.name}", job, done, self.task_failed, self.task_cancelled
        )

    def task_failed(self, error: BaseException) -> None:
        """A background job's error, as a message naming what to fix."""
        report_error(self, error)

    def task_cancelled(self) -> None:
        self.statusBar().showMessage("Cancelled; nothing was changed.", 8000)
