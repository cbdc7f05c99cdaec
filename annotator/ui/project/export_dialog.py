"""The export dialog: what to export, to which file and format, with which filters and split.

The dialog only describes the export and returns it as ``ExportOptions`` (``what`` is
one of the kinds below); the main window runs it through ``export_any`` on the task
runner, with a progress dialog and Cancel.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook
from annotator.services.exports.export_any import (
    label_config_path,
)
from annotator.services.exports.exporting import ExportOptions

#: Kind -> (name in the combo, what the file holds).
KINDS: dict[str, tuple[str, str]] = {
    "posts": (
        "Posts",
        "One row per post: its fields, each annotator's label, the gold label, the resolved "
        "label (gold, else the label every annotator gave) and whether it needs review. "
        "An Excel workbook adds Annotations, Agreement and Codebook sheets.",
    ),
    "annotations": (
        "Annotations",
        "One row per post and annotator: the label, note, evidence spans and their quotes, "
        "sponsor, seconds spent, and when it was made and last changed.",
    ),
    "training": (
        "Training data",
        "For training a classifier: id, text, label, label id and evidence quotes, one row "
        "per post with a resolved label (gold, else the label every annotator gave); posts "
        "whose annotators disagree are left out.",
    ),
    "label-studio": (
        "Label Studio JSON",
        "Label Studio tasks: every post with each annotator's label, evidence, note and "
        "sponsor, and the gold label as a ground-truth annotation. The labeling config to "
        "open them with is written beside the file.",
    ),
    "doccano": (
        "doccano JSONL",
        "doccano text classification, one line per post: the text and one label, the "
        "chosen annotator's or else the resolved label (gold, else unanimous).",
    ),
}
TABLE_KINDS = ("posts", "annotations", "training")
#: Table formats, as the combo and the file chooser name them.
TABLE_FORMATS: dict[str, str] = {
    ".csv": "CSV (*.csv)",
    ".xlsx": "Excel workbook (*.xlsx)",
    ".jsonl": "JSON Lines (*.jsonl)",
    ".parquet": "Parquet (*.parquet)",
}
TOOL_FORMATS: dict[str, tuple[str, str]] = {
    "label-studio": (".json", "Label Studio JSON (*.json)"),
    "doccano": (".jsonl", "doccano JSON Lines (*.jsonl)"),
}
_KNOWN_SUFFIXES = {*TABLE_FORMATS, ".json"}
SPLIT_NAMES = ("train", "dev", "test")


def _plain_label(text: str = "", *, name: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def _percent_spin(value: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, 100)
    spin.setSuffix(" %")
    spin.setValue(value)
    spin.setToolTip(tip)
    return spin


class ExportDialog(QDialog):
    """Sets up one export; ``options()``, ``out_path()`` and ``kind()`` describe it."""

    def __init__(
        self,
        codebook: Codebook,
        datasets: list[str],
        annotators: list[str],
        parent: QWidget | None = None,
        *,
        folder: Path | None = None,
        table_format: str = "",
    ) -> None:
        """``folder`` and ``table_format`` (".csv") start the dialog where the last export
        was left."""
        super().__init__(parent)
        self.folder = folder
        self.setWindowTitle("Export")
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_target())
        layout.addWidget(self._build_filters(codebook, datasets, annotators))
        layout.addWidget(self._build_split())
        self.manifest_check = QCheckBox("Write a &manifest beside the file")
        self.manifest_check.setChecked(True)
        self.manifest_check.setToolTip(
            "NAME.manifest.json: the project, filters, split, codebook version, rows per "
            "label and a checksum of each file, so the export can be checked later."
        )
        layout.addWidget(self.manifest_check)
        self.files_label = _plain_label(name="exportFiles")
        self.files_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.files_label)
        self.problem_label = _plain_label(name="exportProblem")
        palette = self.problem_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#b00020"))
        self.problem_label.setPalette(palette)
        layout.addWidget(self.problem_label)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.export_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("Export")
        self.export_button.setToolTip("Write the export; you can cancel it while it runs.")
        self.cancel_button: QPushButton = self.buttons.button(
            QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._set_format(table_format)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.format_combo.currentIndexChanged.connect(self._sync_path)
        self.choose_button.clicked.connect(self.choose_path)
        self.path_edit.textChanged.connect(self._typed)
        self.path_edit.editingFinished.connect(self._path_edited)
        self.split_check.toggled.connect(self._update_state)
        for spin in (self.train_spin, self.dev_spin, self.test_spin, self.seed_spin):
            spin.valueChanged.connect(self._update_state)
        self.manifest_check.toggled.connect(self._update_state)
        self._kind_changed()
        self.setMinimumWidth(600)

    def _build_target(self) -> QFormLayout:
        """What to export, its format and file, and what the file will hold."""
        self.kind_combo = QComboBox()
        for key, (name, _) in KINDS.items():
            self.kind_combo.addItem(name, key)
        self.kind_combo.setToolTip("What the file holds.")
        self.format_combo = QComboBox()
        for suffix, name in TABLE_FORMATS.items():
            self.format_combo.addItem(name.split(" (")[0] + f" ({suffix})", suffix)
        self.format_combo.setToolTip("The file format; the file name's suffix follows it.")
        self.fixed_format = _plain_label(name="exportFixedFormat")
        self.fixed_format.setWordWrap(False)
        self.fixed_format.setToolTip("Label Studio and doccano read only this format.")
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind_combo)
        kind_row.addSpacing(16)
        format_caption = QLabel("F&ormat:")
        format_caption.setBuddy(self.format_combo)
        kind_row.addWidget(format_caption)
        kind_row.addWidget(self.format_combo)
        kind_row.addWidget(self.fixed_format)
        kind_row.addStretch(1)
        for combo in (self.kind_combo, self.format_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Choose where to save the export")
        self.path_edit.setClearButtonEnabled(True)
        self.path_edit.setMinimumWidth(360)
        self.choose_button = QPushButton("C&hoose…")
        self.choose_button.setToolTip("Choose the file to write.")
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, stretch=1)
        file_row.addWidget(self.choose_button)

        self.description = _plain_label(name="exportDescription")
        self.description.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        top = QFormLayout()
        kind_caption = QLabel("&Export:")
        kind_caption.setBuddy(self.kind_combo)
        top.addRow(kind_caption, kind_row)
        file_caption = QLabel("&File:")
        file_caption.setBuddy(self.path_edit)
        top.addRow(file_caption, file_row)
        top.addRow(self.description)
        return top

    def _build_filters(
        self, codebook: Codebook, datasets: list[str], annotators: list[str]
    ) -> QGroupBox:
        self.dataset_combo = QComboBox()
        self.dataset_combo.addItem("All datasets", None)
        for name in datasets:
            self.dataset_combo.addItem(name, name)
        self.dataset_combo.setToolTip("Only the posts of this dataset.")
        self.label_combo = QComboBox()
        self.label_combo.addItem("All labels", None)
        for label in codebook.labels:
            self.label_combo.addItem(label.display_name, label.key)
            self.label_combo.setItemData(
                self.label_combo.count() - 1, label.key, Qt.ItemDataRole.ToolTipRole
            )
        self.annotator_combo = QComboBox()
        self.annotator_combo.addItem("All annotators", None)
        for name in annotators:
            self.annotator_combo.addItem(name, name)
        for combo in (self.dataset_combo, self.label_combo, self.annotator_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumContentsLength(16)
        filters_box = QGroupBox("Filters")
        filters = QFormLayout(filters_box)
        filters.addRow("&Dataset:", self.dataset_combo)
        filters.addRow("&Label:", self.label_combo)
        filters.addRow("&Annotator:", self.annotator_combo)
        return filters_box

    def _build_split(self) -> QGroupBox:
        """Training data only: the split into train, dev and test, and its seed."""
        self.split_check = QCheckBox("&Split into train, dev and test")
        self.split_check.setToolTip(
            "Each post falls in a part by a hash of the seed and the post, so the same seed "
            "gives the same split, and adding posts never moves old ones."
        )
        self.train_spin = _percent_spin(80, "Share of the posts for training.")
        self.dev_spin = _percent_spin(10, "Share of the posts for development (validation).")
        self.test_spin = _percent_spin(10, "Share of the posts for the final test.")
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip("Another seed gives another split of the same posts.")
        self.seed_spin.setFixedWidth(self.fontMetrics().horizontalAdvance("2147483647") + 40)
        split_row = QHBoxLayout()
        for caption, spin in (
            ("Train", self.train_spin),
            ("Dev", self.dev_spin),
            ("Test", self.test_spin),
            ("Seed", self.seed_spin),
        ):
            caption_label = QLabel(caption)
            caption_label.setBuddy(spin)
            split_row.addWidget(caption_label)
            split_row.addWidget(spin)
            split_row.addSpacing(8)
        split_row.addStretch(1)
        self.split_box = QGroupBox("Training split")
        split_layout = QVBoxLayout(self.split_box)
        split_layout.addWidget(self.split_check)
        split_layout.addLayout(split_row)
        return self.split_box

    # ----- what the dialog returns -----------------------------------------------------------

    def kind(self) -> str:
        """posts, annotations, training, label-studio or doccano."""
        return str(self.kind_combo.currentData())

    def suffix(self) -> str:
        if self.kind() in TOOL_FORMATS:
            return TOOL_FORMATS[self.kind()][0]
        return str(self.format_combo.currentData())

    def out_path(self) -> Path:
        """The chosen file, its suffix made to match the format."""
        text = self.path_edit.text().strip()
        path = Path(text).expanduser()
        if not path.is_absolute() and self.folder is not None:
            path = self.folder / path
        if not self._has_name() or path.suffix.lower() == self.suffix():
            return path
        if path.suffix.lower() in _KNOWN_SUFFIXES:
            return path.with_suffix(self.suffix())
        return path.with_name(path.name + self.suffix())

    def _has_name(self) -> bool:
        """The path names a file (not nothing, not a folder such as "/tmp/")."""
        text = self.path_edit.text().strip()
        return bool(text) and not text.endswith(("/", os.sep)) and bool(Path(text).name)

    def split(self) -> tuple[float, float, float] | None:
        if self.kind() != "training" or not self.split_check.isChecked():
            return None
        return (self.train_spin.value() / 100, self.dev_spin.value() / 100,
                self.test_spin.value() / 100)  # fmt: skip

    def options(self) -> ExportOptions:
        """The export as set up; ``what`` is ``kind()``, filters that do not apply are None."""
        kind = self.kind()
        split = self.split()
        return ExportOptions(
            what=kind,
            dataset=self.dataset_combo.currentData(),
            label=self.label_combo.currentData() if kind in TABLE_KINDS else None,
            annotator=self.annotator_combo.currentData() if kind != "label-studio" else None,
            split=split,
            seed=self.seed_spin.value() if split else 0,
            manifest=kind in TABLE_KINDS and self.manifest_check.isChecked(),
        )

    def planned_files(self) -> list[Path]:
        """The files the export will write, manifest and config included."""
        if not self._has_name():
            return []
        out = self.out_path()
        kind = self.kind()
        if kind == "label-studio":
            return [out, label_config_path(out)]
        if kind == "doccano":
            return [out]
        files = [out]
        if self.split() is not None and out.suffix != ".xlsx":
            files = [out.with_name(f"{out.stem}.{name}{out.suffix}") for name in SPLIT_NAMES]
        if self.manifest_check.isChecked():
            files.append(out.with_name(out.name + ".manifest.json"))
        return files

    def problem(self) -> str:
        """Why Export is disabled, or "" when it is not."""
        text = self.path_edit.text().strip()
        if not text:
            return "Choose the file to write."
        if not self._has_name():
            return "Give the file a name."
        folder = self.out_path().parent
        if not folder.is_dir():
            return f"The folder {folder} does not exist."
        if self.split() is not None:
            total = self.train_spin.value() + self.dev_spin.value() + self.test_spin.value()
            if total != 100:
                return f"Train, dev and test add up to {total} %; make them 100 %."
        return ""

    # ----- reacting to the user --------------------------------------------------------------

    def choose_path(self) -> None:
        """Ask for the file with the platform's save dialog; its filter can set the format."""
        kind = self.kind()
        tool = TOOL_FORMATS.get(kind)
        filters = [tool[1]] if tool else list(TABLE_FORMATS.values())
        selected = tool[1] if tool else TABLE_FORMATS[self.suffix()]
        if self.path_edit.text().strip():
            start = str(self.out_path())
        else:
            start = str(self.folder / f"{kind}{self.suffix()}") if self.folder else ""
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export to", start, ";;".join(filters), selected
        )
        if not path:
            return
        if kind in TABLE_KINDS:
            suffix = Path(path).suffix.lower()
            if suffix not in TABLE_FORMATS:
                suffix = next((s for s, f in TABLE_FORMATS.items() if f == chosen), "")
            self._set_format(suffix)
        self.path_edit.setText(path)
        self._sync_path()

    def _set_format(self, suffix: str) -> None:
        index = self.format_combo.findData(suffix)
        if index >= 0:
            self.format_combo.setCurrentIndex(index)

    def _path_edited(self) -> None:
        """A typed table suffix chooses the format; then the name is made to match it."""
        suffix = Path(self.path_edit.text().strip()).suffix.lower()
        if self.kind() in TABLE_KINDS and suffix in TABLE_FORMATS:
            self._set_format(suffix)
        self._sync_path()

    def _typed(self, text: str) -> None:
        """A table suffix being typed wins over the Format box: the box follows at once
        (the name itself is left alone until editing ends)."""
        suffix = Path(text.strip()).suffix.lower()
        if self.kind() in TABLE_KINDS and suffix in TABLE_FORMATS and suffix != self.suffix():
            blocked = self.format_combo.blockSignals(True)
            self._set_format(suffix)
            self.format_combo.blockSignals(blocked)
        self._update_state()

    def _sync_path(self) -> None:
        if self.path_edit.text().strip():
            shown = str(self.out_path())
            if shown != self.path_edit.text():
                self.path_edit.setText(shown)
        self._update_state()

    def _kind_changed(self) -> None:
        kind = self.kind()
        table = kind in TABLE_KINDS
        self.format_combo.setVisible(table)
        self.fixed_format.setVisible(not table)
        if not table:
            suffix, name = TOOL_FORMATS[kind]
            self.fixed_format.setText(name.split(" (")[0] + f" ({suffix})")
        self.description.setText(KINDS[kind][1])
        self.label_combo.setEnabled(table)
        self.label_combo.setToolTip(
            "Only posts with this resolved label (annotations: with this label)."
            if table
            else "Label Studio and doccano exports take every label."
        )
        self.annotator_combo.setEnabled(kind != "label-studio")
        self.annotator_combo.setToolTip(
            "Label Studio exports every annotator's labels."
            if kind == "label-studio"
            else "Only this annotator's labels."
        )
        self.split_box.setVisible(kind == "training")
        self.manifest_check.setVisible(table)
        self._sync_path()

    def _update_state(self) -> None:
        splitting = self.split_check.isChecked()
        for spin in (self.train_spin, self.dev_spin, self.test_spin, self.seed_spin):
            spin.setEnabled(splitting)
        problem = self.problem()
        chosen = bool(self.path_edit.text().strip())
        # Before a file is chosen the sentence is a hint, not an error.
        self.problem_label.setText(problem if chosen else "")
        self.problem_label.setVisible(bool(problem) and chosen)
        files = self.planned_files()
        if not chosen:
            self.files_label.setText(problem)
        else:
            self.files_label.setText("Writes " + ", ".join(f.name for f in files) + ".")
        self.files_label.setVisible(not chosen or not problem)
        self.export_button.setEnabled(not problem)
