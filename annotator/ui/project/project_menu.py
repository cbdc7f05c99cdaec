"""The Project menu for the lead: blind mode, the model's suggestion, extra columns, label
keys, assigning posts, renaming or merging annotators, how often the model retrains. Each
action changes the project, then tells the workspace what changed; the panels reload
themselves. The small settings writes go through ``Workspace.when_free`` (a short wait for
the lock, then retries) like labels."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox, QStatusBar, QWidget

from annotator.domain.changes import Change, changes
from annotator.domain.errors import UserError
from annotator.domain.people import clean_name, name_key
from annotator.domain.queue_modes import QueueMode
from annotator.services.labeling.browsing import annotator_list, dataset_names
from annotator.services.project.codebook_editing import set_label_shortcuts
from annotator.services.project.project_settings import (
    available_extra_columns,
    retrain_after_labels,
    set_blind_mode,
    set_retrain_after_labels,
    set_show_model_suggestion,
    set_shown_extra_columns,
)
from annotator.services.team.annotators import merge_annotators, rename_annotator
from annotator.services.team.assignment import assign_posts, has_assignments
from annotator.ui.actions import ActionId, ActionSpec, keys_in_use
from annotator.ui.errors import report_error
from annotator.ui.project.assign_dialog import AssignDialog, AssignRequest
from annotator.ui.project.columns_dialog import ColumnsDialog
from annotator.ui.project.label_keys_dialog import LabelKeysDialog
from annotator.ui.settings import Preferences
from annotator.ui.workspace import Workspace


class ProjectMenu(QObject):
    """The lead's project settings, over the workspace."""

    def __init__(
        self,
        *,
        window: QWidget,
        workspace: Workspace,
        preferences: Preferences,
        status: QStatusBar,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.workspace = workspace
        self.preferences = preferences
        self.status = status
        self.actions: Mapping[str, QAction] = {}
        self.columns_dialog: ColumnsDialog | None = None

    def action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec(
                ActionId.PROJECT_BLIND,
                "&Blind mode: hide authors",
                None,
                self.toggle_blind,
                checkable=True,
            ),
            ActionSpec(
                ActionId.PROJECT_SUGGESTION,
                "Show &model suggestion to annotators",
                None,
                self.toggle_suggestion,
                tip="Off by default: seeing the model's label biases annotators",
                checkable=True,
            ),
            ActionSpec(
                ActionId.PROJECT_COLUMNS, "Extra &columns shown…", None, self.choose_columns
            ),
            ActionSpec(ActionId.PROJECT_KEYS, "Label &keys…", None, self.edit_label_keys),
            ActionSpec(
                ActionId.PROJECT_PEOPLE, "Rename or &merge annotators…", None, self.edit_annotators
            ),
            ActionSpec(ActionId.PROJECT_ASSIGN, "&Assign posts…", None, self.assign_posts_dialog),
            ActionSpec(
                ActionId.PROJECT_RETRAIN,
                "&Retrain the model after…",
                None,
                self.choose_retrain_after,
                tip="How many new labels start a background training (0: only Train now)",
            ),
        ]

    def attach(self, actions: Mapping[str, QAction]) -> None:
        self.actions = actions

    def toggle_blind(self) -> None:
        project = self.workspace.project
        if project is None:
            return
        blind = self.actions[ActionId.PROJECT_BLIND].isChecked()

        def save() -> None:
            set_blind_mode(project, blind)
            self.workspace.reload_settings()

        self.workspace.when_free(save)

    def toggle_suggestion(self) -> None:
        """Show annotators the model's label for each post, or stop (saved in the project,
        so it holds for everyone who opens it)."""
        project = self.workspace.project
        if project is None:
            return
        on = self.actions[ActionId.PROJECT_SUGGESTION].isChecked()

        def save() -> None:
            set_show_model_suggestion(project, on)
            self.workspace.reload_settings()

        self.workspace.when_free(save)

    def choose_columns(self) -> None:
        """Tick the datasets' real extra columns; the post on screen stays."""
        project = self.workspace.project
        if project is None:
            return
        dialog = ColumnsDialog(
            available_extra_columns(project), self.workspace.extra_columns, self.window
        )
        self.columns_dialog = dialog
        dialog.accepted.connect(lambda: self._save_columns(dialog.chosen()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _save_columns(self, columns: list[str]) -> None:
        project = self.workspace.project
        if project is None:
            return

        def save() -> None:
            set_shown_extra_columns(project, columns)
            self.workspace.reload_settings()

        self.workspace.when_free(save)

    def choose_retrain_after(self) -> None:
        """Ask how many new labels start a background training of the model (0: never)."""
        project = self.workspace.project
        if project is None:
            return
        count, ok = QInputDialog.getInt(
            self.window,
            "Retrain the model",
            "Train the model again in the background after this many new labels\n"
            "(0: only when asked, with Review > Train the model now):",
            retrain_after_labels(project),
            0,
            100_000,
        )
        if ok:
            self.set_retrain_after(count)

    def set_retrain_after(self, count: int) -> None:
        project = self.workspace.project
        if project is None:
            return

        def save() -> None:
            set_retrain_after_labels(project, count)
            self.workspace.reload_settings()

        self.workspace.when_free(save)
        self.status.showMessage(
            f"The model retrains after every {count:,} new labels."
            if count
            else "The model retrains only when asked (Train now).",
            8000,
        )

    def edit_label_keys(self) -> None:
        """Let the lead change which key applies which label (stored in the codebook)."""
        if self.workspace.project is None or self.workspace.codebook is None:
            return
        dialog = LabelKeysDialog(self.workspace.codebook, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.apply_label_keys(dialog.shortcuts())

    def apply_label_keys(self, shortcuts: dict[str, str]) -> None:
        project = self.workspace.project
        if project is None:
            return
        other_actions = keys_in_use(self.window, besides=(f"label.{key}" for key in shortcuts))
        for shortcut in shortcuts.values():
            taken = other_actions.get(shortcut.casefold())
            if shortcut and taken:
                report_error(self.window, UserError(f"the key {shortcut} already does “{taken}”"))
                return
        try:
            codebook = set_label_shortcuts(project, shortcuts)
        except UserError as error:
            report_error(self.window, error)
            return
        self.workspace.set_codebook(codebook)

    # ----- assigning posts (lead) -------------------------------------------------------------

    def assign_posts_dialog(self) -> AssignDialog | None:
        """Choose the team and how many annotators per post in a window-modal dialog."""
        project = self.workspace.project
        if project is None:
            return None
        known = annotator_list(project)
        name = self.workspace.annotator
        if name and name not in known:
            known.append(name)
        dialog = AssignDialog(known, dataset_names(project), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.assign(dialog.request()))
        dialog.open()
        return dialog

    def assign(self, request: AssignRequest) -> None:
        """Deal the posts without annotators; the current annotator then walks theirs."""
        project = self.workspace.project
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
            report_error(self.window, error)
            return
        text = report.summary()
        if report.posts == 0:
            text += "\n\nNo post was left without annotators, so nothing changed."
        self.status.showMessage(report.summary(), 15000)
        QMessageBox.information(self.window, "Posts assigned", text)
        name = self.workspace.annotator
        if name and has_assignments(project, name):
            self.workspace.set_mode(QueueMode("assigned"))

    def edit_annotators(self) -> None:
        """Project > Rename or merge annotators: fix a misspelled name, or fold one
        spelling into another person (labels move; the later label wins)."""
        project = self.workspace.project
        if project is None:
            return
        names = annotator_list(project)
        if not names:
            return
        name, ok = QInputDialog.getItem(self.window, "Annotators", "Annotator:", names, 0, False)
        if not ok:
            return
        new, ok = QInputDialog.getText(
            self.window,
            "Annotators",
            f"New name for {name} (an existing annotator's name merges {name} into them):",
            text=name,
        )
        if not ok or not new.strip():
            return
        try:
            new = clean_name(new)
        except UserError as error:
            report_error(self.window, error)
            return
        if new == name:
            return
        # A name that is another annotator's in any case merges into that annotator.
        same = [other for other in names if other != name and name_key(other) == name_key(new)]
        new = next((other for other in same if other == new), same[0] if same else new)
        self.workspace.closing.emit()  # typed text lands under the old name first
        try:
            if same:
                summary = merge_annotators(project, name, new).summary(name, new)
            else:
                rename_annotator(project, name, new)
                summary = f"Renamed {name} to {new}."
        except UserError as error:
            report_error(self.window, error)
            return
        self.status.showMessage(summary, 15000)
        if self.workspace.annotator == name:
            self.preferences.annotator_name = new
            self.workspace.set_annotator(new)
        else:
            self.workspace.notify(changes(Change.ANNOTATOR | Change.LABELS))
