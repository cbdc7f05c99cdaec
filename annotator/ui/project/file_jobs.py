"""The File menu's jobs: new, open, import, export, merge, restore, the timed backup,
and the search for clusters that follows every import.

A controller with typed collaborators (the window it parents dialogs to, the workspace,
the task runner, the status bar); after each job it tells the workspace what changed
and the panels reload themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QStatusBar, QWidget

from annotator.domain.changes import Change, changes
from annotator.domain.errors import CancelledError, UserError, machine_error
from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.services.clusters.clustering import find_clusters
from annotator.services.labeling.browsing import annotator_list, dataset_names
from annotator.services.project.backups import project_backups, restore
from annotator.services.project.projects import backup_project, init_project
from annotator.services.team.packages import merge
from annotator.ui.actions import ActionId, ActionSpec
from annotator.ui.errors import report_error
from annotator.ui.project.welcome import build_sample_once, free_project_name, sample_project_path
from annotator.ui.settings import Preferences
from annotator.ui.tasks import Operation, TaskRunner
from annotator.ui.workspace import Workspace

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
#: Files "Open project" offers to import instead (a project is never one of these).
DATASET_SUFFIXES = frozenset(
    {".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".json", ".xlsx", ".xls", ".ods", ".parquet"}
)
#: Minutes between automatic backups of an open project.
BACKUP_MINUTES = 10
#: What a merged package can bring: labels, gold, marks, posts, people.
MERGED = (
    Change.LABELS
    | Change.GOLD
    | Change.MARKS
    | Change.DATASETS
    | Change.ANNOTATOR
    | Change.SETTINGS
)


@dataclass(frozen=True)
class MergeOutcome:
    """What File > Merge packages did: a summary per package merged, and the mistake
    that stopped it (the packages after it were left alone)."""

    summaries: list[str]
    error: UserError | None = None


class FileJobs(QObject):
    """File menu actions over the workspace's project."""

    #: Emitted when a background search for clusters has stored them.
    clustering_finished = Signal()

    def __init__(
        self,
        *,
        window: QWidget,
        workspace: Workspace,
        tasks: TaskRunner,
        status: QStatusBar,
        open_project: Callable[[str | Path], bool],
        close_project: Callable[[], None],
        preferences: Preferences | None = None,
    ) -> None:
        super().__init__(window)
        self.preferences = preferences or Preferences()
        self.window = window
        self.workspace = workspace
        self.tasks = tasks
        self.status = status
        self.open_project = open_project
        self.close_project = close_project
        #: The running search for clusters per project: a second request waits for it.
        self._clustering: dict[int, CancelToken] = {}
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(BACKUP_MINUTES * 60_000)
        self.backup_timer.timeout.connect(self.timed_backup)
        self.backup_timer.start()
        #: (project, refusal) of the last timed backup refused: said once, not every time.
        self._backup_refused: tuple[str, str] | None = None

    def action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec(
                ActionId.FILE_NEW, "&New project…", QKeySequence.StandardKey.New, self.new_project
            ),
            ActionSpec(
                ActionId.FILE_OPEN,
                "&Open project…",
                QKeySequence.StandardKey.Open,
                self.choose_project,
            ),
            ActionSpec(ActionId.FILE_IMPORT, "&Import dataset…", "Ctrl+I", self.choose_import),
            ActionSpec(ActionId.FILE_EXPORT, "&Export…", "Ctrl+E", self.choose_export),
            ActionSpec(ActionId.FILE_MERGE, "&Merge packages…", None, self.choose_packages),
            ActionSpec(ActionId.FILE_RESTORE, "&Restore backup…", None, self.choose_backup),
        ]

    def _say(self, text: str, msecs: int = 8000) -> None:
        self.status.showMessage(text, msecs)

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "New project", "", PROJECT_FILTER)
        if not path:
            return
        if not Path(path).suffix:
            path += ".annotator"
        try:
            init_project(path).close()
        except UserError as error:
            report_error(self.window, error)
            return
        self.open_project(path)

    def choose_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open project", "", PROJECT_FILTER)
        if not path:
            return
        if Path(path).suffix.lower() in DATASET_SUFFIXES:
            self.offer_import(Path(path))
            return
        self.open_project(path)

    def offer_import(self, dataset: Path) -> ImportDialog | None:
        """A data file chosen in "Open project": offer to import it (into the open project,
        or into a new one) instead of saying it is not a database."""
        project = self.workspace.project
        where = "into the open project" if project is not None else "into a new project"
        answer = QMessageBox.question(
            self.window,
            "Open project",
            f"{dataset.name} is a data file, not an annotator project. Import it {where}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        if project is not None:
            return self.open_import_dialog(dataset)
        return self.new_project_from_file(dataset)

    def open_sample_project(self) -> CancelToken | None:
        """Open the sample project, building it first (in the background) if needed."""
        target = sample_project_path()
        if target.exists():
            self.open_project(target)
            return None

        def job(progress: ProgressCallback, cancel: CancelToken) -> Path:
            progress(0, 0, "Importing 381 sample posts and three annotators' labels…")
            return build_sample_once(target, cancel)

        def done(path: Any) -> None:
            self.open_project(Path(path))

        return self._titled_job("Building the sample project", job, done, writes=True)

    def new_project_from_file(self, chosen: Path | None = None) -> ImportDialog | None:
        """Pick a dataset (unless ``chosen``), name the project (beside the file by
        default), then import it."""
        dataset = str(chosen) if chosen is not None else ""
        if not dataset:
            dataset, _ = QFileDialog.getOpenFileName(
                self.window, "New project from a file: choose the dataset", "", DATASET_FILTER
            )
        if not dataset:
            return None
        suggested = free_project_name(Path(dataset))
        target, _ = QFileDialog.getSaveFileName(
            self.window, "Save the new project as", str(suggested), PROJECT_FILTER
        )
        if not target:
            return None
        if not Path(target).suffix:
            target += ".annotator"
        try:
            init_project(target).close()
        except UserError as error:
            report_error(self.window, error)
            return None
        if not self.open_project(target):
            return None
        return self.open_import_dialog(Path(dataset))

    def choose_import(self) -> None:
        if self.workspace.project is None:
            return
        path, _ = QFileDialog.getOpenFileName(self.window, "Import dataset", "", DATASET_FILTER)
        if path:
            self.open_import_dialog(Path(path))

    def open_import_dialog(self, path: Path) -> ImportDialog:
        """Preview and map the file in a window-modal dialog; Import starts the import."""
        from annotator.ui.project.import_dialog import ImportDialog

        dialog = ImportDialog(path, self.window, tasks=self.tasks)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.start_import(path, dialog.options()))
        dialog.open()
        return dialog

    def start_import(self, path: Path, options: ImportOptions | None = None) -> CancelToken | None:
        project = self.workspace.project
        if project is None:
            return None

        def job(progress: ProgressCallback, cancel: CancelToken) -> Any:
            from annotator.services.imports.importing import import_dataset

            return import_dataset(project, path, options, progress=progress, cancel=cancel)

        def done(report: Any) -> None:
            if self.workspace.project is project:
                self.workspace.notify(changes(Change.DATASETS))
            self.status.showMessage(report.summary(), 15000)
            QMessageBox.information(
                self.window, "Import finished", "\n\n".join([report.summary(), *report.details()])
            )
            self.start_clustering()

        return self._titled_job(f"Importing {path.name}", job, done, writes=True)

    def timed_backup(self) -> None:
        """Every few minutes of an open SQLite project: a rolling backup. A refusal (a
        linked backups folder, a full disk) is said once in the status bar, not as a
        dialog every few minutes in the middle of labeling; a read-only project has
        nothing new to back up."""
        project = self.workspace.project
        if project is None or project.read_only or self.tasks.busy:
            return
        try:
            backup_project(project, "timer")
        except (UserError, OSError) as error:
            found = (
                machine_error(error, where=project.location) if isinstance(error, OSError) else None
            )
            refusal = (project.location, str(found or error))
            if refusal != self._backup_refused:
                self._backup_refused = refusal
                self.status.showMessage(f"No timed backup was made: {refusal[1]}", 60_000)
            return
        self._backup_refused = None

    def choose_backup(self) -> None:
        """File > Restore backup: put an earlier copy of the project file back."""
        project = self.workspace.project
        if project is None or not project.is_sqlite:
            return
        location = project.location
        backups = project_backups(project)
        if not backups:
            QMessageBox.information(
                self.window, "Restore backup", "This project has no backups yet."
            )
            return
        names = [b.name for b in backups]
        name, ok = QInputDialog.getItem(
            self.window, "Restore backup", "Backup to restore (newest first):", names, 0, False
        )
        if not ok:
            return
        self.close_project()
        safety = restore(location, backups[names.index(name)])
        self.open_project(location)
        self.status.showMessage(
            f"Restored {name}; the project as it was is kept as {safety.name if safety else '-'}",
            15000,
        )

    def choose_packages(self) -> None:
        """File > Merge packages: bring annotators' offline work back into this project."""
        if self.workspace.project is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(self.window, "Merge packages", "", PROJECT_FILTER)
        if paths:
            self.merge_packages([Path(p) for p in paths])

    def merge_packages(self, paths: list[Path]) -> CancelToken | None:
        """Merge the packages one after the other on the writer, each all or nothing;
        Cancel stops before the next package."""
        project = self.workspace.project
        if project is None:
            return None

        def job(progress: ProgressCallback, cancel: CancelToken) -> MergeOutcome:
            summaries: list[str] = []
            for done, path in enumerate(paths):
                if cancel.cancelled:
                    if not summaries:
                        raise CancelledError("cancelled")
                    break
                progress(done, len(paths), f"Merging {path.name}…")
                try:
                    summaries.append(merge(project, path).summary())
                except UserError as error:
                    return MergeOutcome(summaries, error)
            return MergeOutcome(summaries)

        def done(outcome: MergeOutcome) -> None:
            if outcome.error is not None:
                report_error(self.window, outcome.error)
            if outcome.summaries:
                if self.workspace.project is project:
                    self.workspace.notify(changes(MERGED))
                QMessageBox.information(
                    self.window, "Merge finished", "\n\n".join(outcome.summaries)
                )

        return self._titled_job("Merging packages", job, done, writes=True)

    def start_clustering(self) -> CancelToken | None:
        """Find clusters of near-identical posts in the background (after every import)."""
        project = self.workspace.project
        if project is None:
            return None
        running = self._clustering.get(id(project))
        if running is not None and not running.cancelled:
            self.status.showMessage("Still looking for clusters…", 8000)
            return running

        def job(_progress: ProgressCallback, cancel: CancelToken) -> int:
            return find_clusters(project, cancel=cancel)

        def done(count: Any) -> None:
            self._clustering.pop(id(project), None)
            self.status.showMessage(f"{count:,} clusters of near-identical posts", 8000)
            if self.workspace.project is project:
                self.workspace.notify(changes(Change.CLUSTERS))
            self.clustering_finished.emit()

        def failed(error: BaseException) -> None:
            self._clustering.pop(id(project), None)
            self.task_failed(error)

        def cancelled() -> None:
            self._clustering.pop(id(project), None)

        self.status.showMessage("Looking for clusters of near-identical posts…")
        token = self.tasks.run(
            Operation(
                job=job,
                on_success=done,
                on_error=failed,
                on_cancel=cancelled,
                writes=True,
                owner=self,
            )
        )
        self._clustering[id(project)] = token
        return token

    def choose_export(self) -> ExportDialog | None:
        """Set up the export in a window-modal dialog; its Export button starts it."""
        project = self.workspace.project
        if project is None or self.workspace.codebook is None:
            return None
        location = Path(project.location)
        from annotator.ui.project.export_dialog import ExportDialog

        remembered = Path(self.preferences.export_folder or ".")
        folder = location.parent if location.is_file() else None
        dialog = ExportDialog(
            self.workspace.codebook,
            dataset_names(project),
            annotator_list(project),
            self.window,
            folder=remembered if self.preferences.export_folder and remembered.is_dir() else folder,
            table_format=self.preferences.export_format,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._export_chosen(dialog))
        dialog.open()
        return dialog

    def _export_chosen(self, dialog: ExportDialog) -> None:
        """Remember the format and folder for the next export, then run this one."""
        out = dialog.out_path()
        if dialog.kind() in ("posts", "annotations", "training"):
            self.preferences.export_format = dialog.suffix()
        self.preferences.export_folder = str(out.parent)
        self.start_export(out, dialog.options())

    def start_export(self, path: Path, options: ExportOptions | None = None) -> CancelToken | None:
        """Run the export with a progress dialog; Cancel leaves no file behind."""
        project = self.workspace.project
        if project is None:
            return None
        self.workspace.closing.emit()  # typed text is in the project before it is read
        from annotator.services.exports.exporting import ExportOptions

        chosen = options or ExportOptions()

        def job(progress: ProgressCallback, cancel: CancelToken) -> Any:
            from annotator.services.exports.export_any import export_any

            return export_any(project, path, chosen, progress=progress, cancel=cancel)

        def done(result: Any) -> None:
            self.status.showMessage(result.summary(), 15000)
            if result.warnings:
                QMessageBox.information(
                    self.window,
                    "Export finished",
                    "\n\n".join([result.summary(), *result.warnings]),
                )

        return self._titled_job(f"Exporting to {path.name}", job, done)

    def _titled_job(
        self,
        title: str,
        job: Callable[[ProgressCallback, CancelToken], Any],
        done: Callable[[Any], None],
        *,
        writes: bool = False,
    ) -> CancelToken:
        """A File menu job with a progress dialog and Cancel (a cancel is said in the
        status bar); ``writes`` puts it on the one writer thread."""
        return self.tasks.run(
            Operation(
                job=job, on_success=done, on_cancel=self.task_cancelled, title=title, writes=writes
            )
        )

    def task_failed(self, error: BaseException) -> None:
        """A background job's error, as a message naming what to fix."""
        report_error(self.window, error)

    def task_cancelled(self) -> None:
        self.status.showMessage("Cancelled; nothing was changed.", 8000)
