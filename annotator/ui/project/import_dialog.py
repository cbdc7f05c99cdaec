"""The import dialog: a preview of the file, its column mapping and row count, before importing.

Reading the file (which checks its whole encoding) and counting its rows run as quiet
reads on the task runner, so a large file never freezes the window; the dialog only describes the
import and returns it as ``ImportOptions``; the main window runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.services.imports.column_mapping import FIELDS, detect_mapping
from annotator.services.imports.importing import ImportOptions
from annotator.services.imports.media_refs import media_columns
from annotator.services.imports.sources import FORMATS, SourceTable, open_source
from annotator.ui.errors import report_error
from annotator.ui.project.preview_model import RAW_ROLE, PreviewTableModel
from annotator.ui.tasks import Operation, TaskRunner

PREVIEW_ROWS = 50
NONE_ITEM = "(none)"
CHOOSE_ITEM = "(choose a column)"
#: Field -> (label, tool tip) as the dialog shows them.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "text": ("Text", "The column holding the post text that annotators read and label."),
    "id": (
        "ID",
        "The post's id in the source. Without one, an id is made from text, author and "
        "time; posts already in the dataset with the same id are skipped.",
    ),
    "author": ("Author", "Who posted it (user name, handle or page)."),
    "created_at": ("Time", "When it was posted."),
    "platform": ("Platform", "Where it was posted (twitter, instagram, …)."),
    "url": ("URL", "A link to the post."),
}
_FORMAT_NAMES = {
    "csv": "CSV",
    "tsv": "TSV (tab-separated)",
    "jsonl": "JSON Lines",
    "json": "JSON",
    "xlsx": "Excel / ODS sheet",
    "parquet": "Parquet",
}
_MAX_COLUMN_WIDTH = 260
_TEXT_COLUMN_WIDTH = 420


@dataclass(frozen=True)
class _Loaded:
    """What reading the file in the background found."""

    source: SourceTable
    rows: list[list[str]]
    mapping: dict[str, str]


def _read(
    path: Path, fmt: str | None, sheet: str | None, header_row: int | None, cancel: CancelToken
) -> _Loaded:
    source = open_source(path, fmt, sheet=sheet, header_row=header_row)
    cancel.raise_if_cancelled()
    rows = source.preview(PREVIEW_ROWS)
    try:
        mapping = detect_mapping(source.columns, {})
    except UserError:
        mapping = {}  # no text column recognised: the user picks one
    return _Loaded(source, rows, mapping)


def _first_row_number(source: SourceTable) -> int:
    """The row number the user's own program shows for the first data row."""
    header_index = getattr(source, "header_index", None)
    if isinstance(header_index, int):
        return header_index + 2
    return 2 if source.format in ("csv", "tsv") else 1


def _plain_label(text: str = "", *, name: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    return label


class ImportDialog(QDialog):
    """Shows what importing ``path`` would do, lets the user correct it, returns the options."""

    #: Emitted each time reading the file ends, whether it worked or not.
    loaded = Signal()
    #: Emitted with the number of rows once the background count is done.
    counted = Signal(int)

    def __init__(self, path: Path, parent: QWidget | None = None, *, tasks: TaskRunner) -> None:
        super().__init__(parent)
        self.path = path
        self.tasks = tasks
        self.source: SourceTable | None = None
        self.row_count: int | None = None
        self._detected: dict[str, str] = {}
        self._tokens: list[CancelToken] = []
        self._filling = False
        #: Problems shown in red: reading the file, the mapping, counting the rows.
        self._problems: dict[str, str] = {}
        self.setWindowTitle(f"Import {path.name}")
        self.setSizeGripEnabled(True)

        self.file_label = _plain_label(path.name, name="importFile")
        self.file_label.setToolTip(str(path))
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.encoding_label = _plain_label(name="importEncoding")
        self.encoding_label.setToolTip("How the file's bytes are read as text.")

        self.format_combo = QComboBox()
        self.format_combo.addItem("auto", None)
        for fmt in FORMATS:
            self.format_combo.addItem(fmt, fmt)
        self.format_combo.setToolTip(
            "The file format. 'auto' goes by the file name's suffix; choose another to read "
            "the file again as that format."
        )
        self.format_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.sheet_label = QLabel("Sheet:")
        self.sheet_combo = QComboBox()
        self.sheet_combo.setToolTip("The sheet of the workbook to import.")
        self.sheet_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sheet_combo.currentIndexChanged.connect(self._sheet_changed)
        self.header_label = QLabel("Header row:")
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 1)
        self.header_spin.setKeyboardTracking(False)
        self.header_spin.setToolTip(
            "The sheet row holding the column names (as numbered in the spreadsheet); "
            "rows above it, such as a title, are skipped."
        )
        self.header_spin.valueChanged.connect(self._header_changed)
        read_as = QHBoxLayout()
        read_as.addWidget(self.format_combo)
        read_as.addSpacing(12)
        read_as.addWidget(self.sheet_label)
        read_as.addWidget(self.sheet_combo)
        read_as.addSpacing(12)
        read_as.addWidget(self.header_label)
        read_as.addWidget(self.header_spin)
        read_as.addStretch(1)
        read_as.addWidget(self.encoding_label)
        self._show_sheet_controls(False)

        self.dataset_edit = QLineEdit(path.stem)
        self.dataset_edit.setToolTip(
            "The dataset the posts go into. Importing into an existing dataset adds only the "
            "posts it does not have yet."
        )
        self.dataset_edit.textChanged.connect(self._update_state)

        top = QFormLayout()
        top.addRow("File:", self.file_label)
        top.addRow("Read as:", read_as)
        top.addRow("Dataset:", self.dataset_edit)

        self.field_combos: dict[str, QComboBox] = {}
        fields_box = QGroupBox("Columns that become post fields")
        grid = QGridLayout(fields_box)
        for position, field in enumerate(FIELDS):
            label_text, tip = FIELD_LABELS.get(field, (field, ""))
            combo = QComboBox()
            combo.setObjectName(f"field_{field}")
            combo.setToolTip(
                tip + " The other columns are kept with each post as extra data."
                if field == "text"
                else tip
            )
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumContentsLength(14)
            combo.currentIndexChanged.connect(self._mapping_changed)
            label = QLabel(f"{label_text}:")
            label.setBuddy(combo)
            label.setToolTip(combo.toolTip())
            row, pair = divmod(position, 3)
            grid.addWidget(label, row, pair * 2)
            grid.addWidget(combo, row, pair * 2 + 1)
            self.field_combos[field] = combo
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setColumnStretch(5, 1)
        # Pictures: one tick per column, those whose name says so ticked when read.
        self.media_list = QListWidget()
        self.media_list.setObjectName("mediaColumns")
        self.media_list.setFlow(QListView.Flow.LeftToRight)
        self.media_list.setWrapping(True)
        self.media_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.media_list.setSpacing(2)
        self.media_list.setFixedHeight(self.media_list.fontMetrics().height() * 2 + 16)
        self.media_list.setToolTip(
            "Columns holding pictures or video stills: file paths (relative to the file's "
            "folder, or absolute) or web addresses; several in one cell may be separated by "
            "| ; , or spaces. Pictures from files are stored in the project. Space ticks the "
            "current column."
        )
        self.media_list.itemChanged.connect(self._mapping_changed)
        media_label = QLabel("Pictures/video:")
        media_label.setBuddy(self.media_list)
        media_label.setToolTip(self.media_list.toolTip())
        rows = (len(FIELDS) + 2) // 3
        grid.addWidget(media_label, rows, 0)
        grid.addWidget(self.media_list, rows, 1, 1, 5)

        self.table = QTableView()
        # Owned by the view, so the view never outlives the model it shows.
        self.model = PreviewTableModel(self.table)
        self.table.setModel(self.model)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setToolTip(
            "The first rows as they will be read. Mapped columns are shaded, and their "
            "header names the field (text ← column). Click a cell to read it in full below."
        )
        self.table.selectionModel().currentChanged.connect(self._show_cell)
        self.cell_view = QPlainTextEdit()
        self.cell_view.setObjectName("importCell")
        self.cell_view.setReadOnly(True)
        self.cell_view.setPlaceholderText("Click a cell to read it in full here.")
        self.cell_view.setFixedHeight(self.cell_view.fontMetrics().lineSpacing() * 4 + 14)

        self.preview_label = _plain_label(f"Preview of the first {PREVIEW_ROWS} rows")
        self.count_label = _plain_label(name="importCount")
        self.count_label.setToolTip("Rows in the file below the header, blank rows included.")
        preview_head = QHBoxLayout()
        preview_head.addWidget(self.preview_label)
        preview_head.addStretch(1)
        preview_head.addWidget(self.count_label)

        self.error_label = _plain_label(name="importError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import")
        self.import_button.setToolTip("Import the posts into the dataset; you can cancel it.")
        self.cancel_button: QPushButton = self.buttons.button(
            QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(fields_box)
        layout.addLayout(preview_head)
        layout.addWidget(self.table, stretch=1)
        layout.addWidget(self.cell_view)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(980, 680)
        self._reload(fmt=None, sheet=None, header_row=None)

    # ----- what the dialog returns -----------------------------------------------------------

    def chosen_mapping(self) -> dict[str, str]:
        """Field -> column as the combos show it; fields set to (none) are left out."""
        mapping = {}
        for field, combo in self.field_combos.items():
            column = combo.currentData()
            if isinstance(column, str):
                mapping[field] = column
        return mapping

    def options(self) -> ImportOptions:
        """The import as the user set it up.

        Every mapped field is named explicitly, except a text column left as detected:
        the importer repairs tweet text (truncated, retweets) only for a detected column.
        """
        chosen = self.chosen_mapping()
        text = chosen.get("text")
        source = self.source
        sheet = getattr(source, "sheet", None) if source is not None else None
        header_index = getattr(source, "header_index", None) if source is not None else None
        return ImportOptions(
            dataset=self.dataset_edit.text().strip() or None,
            text_col=None if text is not None and text == self._detected.get("text") else text,
            # "" tells the importer the user chose no column for the field.
            id_col=chosen.get("id", ""),
            author_col=chosen.get("author", ""),
            time_col=chosen.get("created_at", ""),
            platform_col=chosen.get("platform", ""),
            url_col=chosen.get("url", ""),
            fmt=self.format_combo.currentData(),
            sheet=sheet if isinstance(sheet, str) else None,
            header_row=header_index + 1 if isinstance(header_index, int) else None,
            media_cols=tuple(self.chosen_media()),
            detect_media=False,
        )

    def chosen_media(self) -> list[str]:
        """The columns ticked as holding pictures, in file order."""
        items = (self.media_list.item(i) for i in range(self.media_list.count()))
        return [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    def effective_mapping(self) -> dict[str, str]:
        """Field -> column as the importer will resolve the current options."""
        if self.source is None:
            return {}
        return detect_mapping(self.source.columns, self.options().overrides())

    # ----- reading the file ----------------------------------------------------------------

    def _reload(self, *, fmt: str | None, sheet: str | None, header_row: int | None) -> None:
        """Read the file again in the background with these settings."""
        self._cancel_background()
        self.source = None
        self.row_count = None
        self._detected = {}
        self.model.clear()
        self.cell_view.clear()
        self._fill_combos([], {})
        self._problems = {}
        self._show_problems()
        self.encoding_label.clear()
        self.count_label.setText("reading the file…")
        self._update_state()
        path = self.path

        def read(_progress: ProgressCallback, cancel: CancelToken) -> _Loaded:
            return _read(path, fmt, sheet, header_row, cancel)

        self._tokens.append(
            self.tasks.run(
                Operation(
                    job=read, on_success=self._loaded_ok, on_error=self._load_failed, owner=self
                )
            )
        )

    def _loaded_ok(self, loaded: _Loaded) -> None:
        source = loaded.source
        self.source = source
        self._detected = dict(loaded.mapping)
        self._filling = True
        try:
            self._show_source(source)
            self.model.set_table(source.columns, loaded.rows, first_row=_first_row_number(source))
            shown = len(loaded.rows)
            self.preview_label.setText(
                f"Preview of the first {shown} row{'' if shown == 1 else 's'}"
            )
            self._fill_combos(source.columns, loaded.mapping)
        finally:
            self._filling = False
        self._mapping_changed()
        self._size_columns()
        self.count_label.setText("counting rows…")

        def count(_progress: ProgressCallback, cancel: CancelToken) -> int:
            return source.count_rows(cancel)

        self._tokens.append(
            self.tasks.run(
                Operation(
                    job=count, on_success=self._counted, on_error=self._count_failed, owner=self
                )
            )
        )
        self.loaded.emit()

    def _load_failed(self, error: BaseException) -> None:
        self.count_label.clear()
        if isinstance(error, UserError):
            self._problems["file"] = str(error)
        else:
            self._problems["file"] = f"The file could not be read: {error}"
            report_error(self, error)
        self._show_problems()
        self._update_state()
        self.loaded.emit()

    def _counted(self, rows: int) -> None:
        self.row_count = rows
        self.count_label.setText(f"{rows:,} row{'' if rows == 1 else 's'}")
        self.counted.emit(rows)

    def _count_failed(self, error: BaseException) -> None:
        self.count_label.setText("rows not counted")
        if isinstance(error, UserError):
            # The import would stop at the same place; say so now rather than later.
            self._problems["count"] = f"Importing will fail: {error}"
            self._show_problems()
        else:
            report_error(self, error)

    def _cancel_background(self) -> None:
        for token in self._tokens:
            token.cancel()
        self._tokens = []

    # ----- showing it ----------------------------------------------------------------------

    def _show_source(self, source: SourceTable) -> None:
        self.format_combo.setItemText(0, f"auto ({source.format})")
        note = getattr(source, "encoding_note", None) or source.encoding
        self.encoding_label.setText(
            f"{_FORMAT_NAMES.get(source.format, source.format)}"
            + (f" · encoding {note}" if note else "")
        )
        sheets = getattr(source, "sheet_names", None)
        header_index = getattr(source, "header_index", None)
        is_sheet = isinstance(sheets, list) and isinstance(header_index, int)
        self._show_sheet_controls(is_sheet)
        if is_sheet:
            assert isinstance(sheets, list) and isinstance(header_index, int)
            self.sheet_combo.clear()
            self.sheet_combo.addItems(sheets)
            self.sheet_combo.setCurrentText(str(getattr(source, "sheet", sheets[0])))
            self.header_spin.setRange(1, max(header_index + 1 + source.size, 1))
            self.header_spin.setValue(header_index + 1)

    def _show_sheet_controls(self, visible: bool) -> None:
        for widget in (self.sheet_label, self.sheet_combo, self.header_label, self.header_spin):
            widget.setVisible(visible)

    def _fit_media_list(self) -> None:
        """Two whole rows of ticks (the rest scrolls): a row is as tall as the style's
        check box, which is taller than the font."""
        rows = self.media_list.sizeHintForRow(0) if self.media_list.count() else -1
        row = max(rows, self.media_list.fontMetrics().height() + 4)
        spacing = self.media_list.spacing()
        frame = self.media_list.frameWidth()
        self.media_list.setFixedHeight(2 * (row + 2 * spacing) + 2 * frame + 2)

    def _fill_combos(self, columns: list[str], mapping: dict[str, str]) -> None:
        filling, self._filling = self._filling, True
        try:
            self.media_list.clear()
            detected = set(media_columns(columns))
            for column in columns:
                item = QListWidgetItem(column, self.media_list)
                item.setData(Qt.ItemDataRole.UserRole, column)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if column in detected else Qt.CheckState.Unchecked
                )
            self.media_list.setEnabled(bool(columns))
            self._fit_media_list()
            for field, combo in self.field_combos.items():
                combo.clear()
                if field == "text":
                    if "text" not in mapping and columns:
                        combo.addItem(CHOOSE_ITEM, None)
                else:
                    combo.addItem(NONE_ITEM, None)
                for column in columns:
                    combo.addItem(column, column)
                found = mapping.get(field)
                combo.setCurrentIndex(combo.findData(found) if found else 0)
                combo.setEnabled(bool(columns))
        finally:
            self._filling = filling

    def _size_columns(self) -> None:
        """Columns as wide as their content, up to a limit; the text column wider."""
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        text_column = self.chosen_mapping().get("text")
        for section, column in enumerate(self.model.columns):
            if column == text_column:
                header.resizeSection(section, _TEXT_COLUMN_WIDTH)
            elif header.sectionSize(section) > _MAX_COLUMN_WIDTH:
                header.resizeSection(section, _MAX_COLUMN_WIDTH)

    def _fit_headers(self) -> None:
        """After a mapping change, widen columns whose header text grew, and the text column."""
        header = self.table.horizontalHeader()
        text_column = self.chosen_mapping().get("text")
        for section, column in enumerate(self.model.columns):
            wanted = min(header.sectionSizeHint(section), _MAX_COLUMN_WIDTH)
            if column == text_column:
                wanted = _TEXT_COLUMN_WIDTH
            if header.sectionSize(section) < wanted:
                header.resizeSection(section, wanted)

    def _show_problems(self) -> None:
        self.error_label.setText("\n".join(self._problems.values()))
        self.error_label.setVisible(bool(self._problems))

    def _show_cell(self, current: QModelIndex, _previous: QModelIndex) -> None:
        value = self.model.data(current, RAW_ROLE) if current.isValid() else None
        self.cell_view.setPlainText(value if isinstance(value, str) else "")

    # ----- reacting to the user ------------------------------------------------------------

    def _format_changed(self) -> None:
        if not self._filling:
            self._reload(fmt=self.format_combo.currentData(), sheet=None, header_row=None)

    def _sheet_changed(self) -> None:
        if not self._filling and self.sheet_combo.currentIndex() >= 0:
            self._reload(
                fmt=self.format_combo.currentData(),
                sheet=self.sheet_combo.currentText(),
                header_row=None,
            )

    def _header_changed(self, value: int) -> None:
        if not self._filling:
            self._reload(
                fmt=self.format_combo.currentData(),
                sheet=self.sheet_combo.currentText() or None,
                header_row=value,
            )

    def _mapping_changed(self) -> None:
        if self._filling or self.source is None:
            return
        self._problems.pop("mapping", None)
        chosen = self.chosen_mapping()
        try:
            if "text" not in chosen:
                raise UserError("Choose the column that holds the post text.")
            effective = self.effective_mapping()
        except UserError as error:
            self.model.set_mapping(chosen, self.chosen_media())
            self._problems["mapping"] = str(error)
            self._show_problems()
            self._update_state()
            return
        self._show_problems()
        self.model.set_mapping(effective, self.chosen_media())
        self._fit_headers()
        self._update_state()

    def _update_state(self) -> None:
        ready = (
            self.source is not None
            and "text" in self.chosen_mapping()
            and bool(self.dataset_edit.text().strip())
            and "file" not in self._problems
            and "mapping" not in self._problems
        )
        self.import_button.setEnabled(ready)

    def done(self, result: int) -> None:
        """Closing the dialog stops any reading or counting still going on."""
        self._cancel_background()
        super().done(result)
